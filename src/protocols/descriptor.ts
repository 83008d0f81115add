/**
 * Descriptors of a protocol that runs over both TCP and UDP, one analyzer factory serving both
 * (told which transport its flow has: TCP streams are framed, UDP datagrams are whole).
 */
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance } from './analyzer.js';

/** Ports and content probe on one transport. */
export interface TransportPorts {
  ports: readonly number[];
  probe?: AnalyzerDescriptor['probe'];
}

export function tcpAndUdp(
  name: string,
  tcp: TransportPorts,
  udp: TransportPorts,
  create: (ctx: AnalyzerContext, tcp: boolean) => AnalyzerInstance,
): readonly [tcp: AnalyzerDescriptor, udp: AnalyzerDescriptor] {
  return [
    { name, transport: 'tcp', ports: tcp.ports, probe: tcp.probe, create: (ctx) => create(ctx, true) },
    { name, transport: 'udp', ports: udp.ports, probe: udp.probe, create: (ctx) => create(ctx, false) },
  ];
}
