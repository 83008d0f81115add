/**
 * The analyzer contract (DESIGN.md "One folder per protocol, one uniform descriptor, one
 * explicit registry"). A protocol folder exports one `AnalyzerDescriptor`; `registry.ts`
 * lists them. The capture engine picks analyzers for a flow by port, EtherType or content
 * probe, creates one instance per flow, and feeds it datagrams (UDP, L2 frames) or ordered
 * stream bytes (TCP, after reassembly) — never raw, unordered segments.
 *
 * Analyzers never do I/O and never throw on bad input: malformed traffic becomes an
 * `anomaly.observed` event. A throw that escapes anyway is caught by the engine, disables the
 * analyzer for that flow and is counted (tests assert the count is zero).
 */
import type { Packet } from '../capture/packet.js';
import type { Endpoint, Evidence, LineguardEvent } from '../events/types.js';

/** 0: client → server, 1: server → client. */
export type Direction = 0 | 1;

export type Transport = 'tcp' | 'udp' | 'l2';

/** Probe verdict on the first bytes of a flow: yes, no, or not enough bytes yet. */
export type ProbeResult = 'yes' | 'no' | 'more';

export interface FlowInfo {
  readonly transport: Transport;
  /** Endpoints as text (built once per flow). For L2 flows, MACs only. */
  readonly client: Endpoint;
  readonly server: Endpoint;
}

export interface AnalyzerContext {
  readonly flow: FlowInfo;
  /** The packet being processed; valid only during the call. */
  readonly packet: Packet;
  /** Capture or sensor id, for evidence. */
  readonly source: string;
  emit(event: LineguardEvent): void;
  /** Evidence pointing at the current packet. */
  evidence(): Evidence;
  /** Emit an `anomaly.observed` for this flow at the current packet (protocol: the flow's app). */
  anomaly(code: string, detail?: string): void;
  /**
   * Name the flow's application protocol (`flow.observed` `app`, the summary's protocol rows)
   * by what the analyzer found inside it, when one descriptor carries several protocols (ISO
   * transport on port 102: S7comm, S7comm-plus, MMS). Defaults to the descriptor's name.
   */
  setApp(name: string): void;
  /** Run `cb` when the flow ends, after the analyzer's own `end` (emitters flush summaries). */
  onClose(cb: () => void): void;
}

export interface AnalyzerInstance {
  /**
   * UDP and L2: one whole datagram / L2 payload per call. TCP: the next in-order bytes of
   * direction `dir` (a message may span calls; several may share one). `buf[off, off+len)`
   * is only valid during the call: copy what must outlive it.
   */
  data(dir: Direction, buf: Buffer, off: number, len: number): void;
  /** TCP: `len` bytes of direction `dir` were lost; resynchronise. */
  gap?(dir: Direction, len: number): void;
  /** The flow ended (FIN/RST, idle eviction or end of capture). */
  end?(): void;
}

export interface AnalyzerDescriptor {
  /** Protocol name as it appears in events (`dns`, `modbus`, ...). */
  readonly name: string;
  readonly transport: Transport;
  /** Well-known ports (configuration, not code: the engine's port map can override). */
  readonly ports?: readonly number[];
  /** L2 only: EtherTypes carried in Ethernet II / 802.1Q frames. */
  readonly ethertypes?: readonly number[];
  /** L2 only: 802.3 LLC/SNAP organisation code and protocol id pairs (e.g. CDP). */
  readonly snap?: readonly { oui: number; pid: number }[];
  /**
   * Content probe on the first payload of a flow not claimed by port; lets a protocol on a
   * non-standard port be recognised. Must be cheap and strict.
   */
  probe?(buf: Buffer, off: number, len: number, dir: Direction): ProbeResult;
  create(ctx: AnalyzerContext): AnalyzerInstance;
}
