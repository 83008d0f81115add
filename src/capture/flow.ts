/**
 * One bidirectional conversation: its key (VLAN + 5-tuple, or VLAN + MAC pair + EtherType for
 * layer-2 traffic), counters per direction, TCP state and the analyzer bound to it. Key words
 * are plain numbers so lookups compare numbers, never strings.
 */

import { ipv4ToString, ipv6ToString, macToString } from '../events/format.js';
import type { Endpoint } from '../events/types.js';
import type { AnalyzerContext, AnalyzerInstance, FlowInfo } from '../protocols/analyzer.js';
import type { TcpStream } from './reassembly.js';

export type FlowTransport = 'tcp' | 'udp' | 'icmp' | 'l2' | 'ip';

/** Bits of `Flow.tcp`. */
export const TCP_SEEN_SYN = 1;
export const TCP_SEEN_SYNACK = 2;
export const TCP_SEEN_FIN0 = 4;
export const TCP_SEEN_FIN1 = 8;
export const TCP_SEEN_RST = 16;

export enum AppState {
  /** No analyzer claimed it by port; probes still running. */
  Probing = 0,
  Bound = 1,
  None = 2,
  /** The analyzer threw: it is off for this flow. */
  Failed = 3,
}

/** The lookup key, filled by the engine in canonical order before `find`/`insert`. */
export class FlowKey {
  meta = 0;
  ports = 0;
  a0 = 0;
  a1 = 0;
  a2 = 0;
  a3 = 0;
  b0 = 0;
  b1 = 0;
  b2 = 0;
  b3 = 0;
  hash = 0;

  computeHash(): number {
    let h = 0x9e3779b9 ^ this.meta;
    h = Math.imul(h ^ this.ports, 0x85ebca6b);
    h = Math.imul(h ^ this.a0, 0xc2b2ae35);
    h = Math.imul(h ^ this.b0, 0x85ebca6b);
    h = Math.imul(h ^ this.a1 ^ (this.b1 << 7), 0xc2b2ae35);
    h = Math.imul(h ^ this.a2 ^ (this.b2 << 11), 0x85ebca6b);
    h = Math.imul(h ^ this.a3 ^ (this.b3 << 13), 0xc2b2ae35);
    h ^= h >>> 16;
    this.hash = h >>> 0;
    return this.hash;
  }
}

export class Flow extends FlowKey {
  // The key fields (canonical order: side A is the numerically smaller endpoint) come from FlowKey.

  transport: FlowTransport = 'ip';
  l3 = 0;
  vlan = -1;
  ipProto = 0;
  /** L2 flows: the EtherType (-1 for LLC/SNAP frames). */
  l2Type = -1;
  /** True when side A is the client. */
  clientIsA = true;
  portA = 0;
  portB = 0;
  /** Highest IP TTL / hop limit side A / B sent with (0: never sent). */
  ttlA = 0;
  ttlB = 0;
  /** MACs last seen on side A / B frames (-1 when the link has none). */
  macA = -1;
  macB = -1;

  /** Direction 0 is client → server. */
  pkts0 = 0;
  pkts1 = 0;
  bytes0 = 0;
  bytes1 = 0;
  firstUs = 0;
  lastUs = 0;
  /** Idle time after which the flow is over (shorter once the TCP connection has closed). */
  idleUs = 0;
  tcp = 0;
  /** Set when the handshake was missed: the capture started mid-connection. */
  midstream = false;

  streams: [TcpStream, TcpStream] | null = null;

  app: string | undefined = undefined;
  appState: AppState = AppState.None;
  probeTries = 0;
  analyzer: AnalyzerInstance | null = null;
  ctx: AnalyzerContext | null = null;
  info: FlowInfo | null = null;
  /** Called when the flow ends (emitters flushing their summaries). */
  closeHooks: (() => void)[] | null = null;

  /** Slot in the owning table's flow array. */
  index = -1;

  clientEndpoint(): Endpoint {
    return this.endpoint(this.clientIsA);
  }

  serverEndpoint(): Endpoint {
    return this.endpoint(!this.clientIsA);
  }

  private endpoint(sideA: boolean): Endpoint {
    const e: Endpoint = {};
    const mac = sideA ? this.macA : this.macB;
    if (mac >= 0) e.mac = macToString(mac);
    if (this.l3 === 4) e.ip = ipv4ToString(sideA ? this.a0 : this.b0);
    else if (this.l3 === 6) {
      e.ip = sideA
        ? ipv6ToString(this.a0, this.a1, this.a2, this.a3)
        : ipv6ToString(this.b0, this.b1, this.b2, this.b3);
    }
    if (this.transport === 'tcp' || this.transport === 'udp') e.port = sideA ? this.portA : this.portB;
    if (this.vlan >= 0) e.vlan = this.vlan;
    return e;
  }
}
