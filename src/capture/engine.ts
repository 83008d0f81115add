/**
 * The capture engine: decoded packets in, events out. Owns the flow table, fragment and TCP
 * reassembly, analyzer selection (port, EtherType, content probe) and the per-capture
 * statistics the summary is built from. One instance per analysis; single-threaded.
 */
import { ipv4ToString, ipv6ToString, macToString } from '../events/format.js';
import type { AnomalyObserved, Endpoint, EventSink, Evidence, LineguardEvent } from '../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, Direction, FlowInfo } from '../protocols/analyzer.js';
import { DecodeStatus, decode, decodeL4, frag } from './decode.js';
import { Defragmenter } from './defrag.js';
import {
  AppState,
  type Flow,
  FlowKey,
  type FlowTransport,
  TCP_SEEN_FIN0,
  TCP_SEEN_FIN1,
  TCP_SEEN_RST,
  TCP_SEEN_SYN,
  TCP_SEEN_SYNACK,
} from './flow.js';
import { FlowTable } from './flowtable.js';
import { HostTable } from './hosts.js';
import {
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  L3,
  Packet,
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
} from './packet.js';
import type { PacketSink } from './reader.js';
import { type ReassemblyBudget, type StreamConsumer, TcpStream } from './reassembly.js';

export interface EngineOptions {
  /** Capture or sensor id used in evidence. */
  source: string;
  analyzers: readonly AnalyzerDescriptor[];
  /** Idle time after which a flow is closed and reported, per transport (seconds). */
  idleTimeoutSec?: Partial<Record<FlowTransport | 'closed', number>>;
  /** Flows tracked at once; the least recently active are closed beyond it. */
  maxFlows?: number;
  /** TCP bytes held out of order per stream and in all. */
  maxHeldPerStream?: number;
  maxHeldTotal?: number;
  /**
   * Ports per analyzer, replacing its defaults: keyed by name (`modbus`) or name and
   * transport (`dns/tcp`). Ports are configuration, not code.
   */
  ports?: Readonly<Record<string, readonly number[]>>;
  /** Content probes tried on this many payloads before a flow is left unidentified. */
  maxProbes?: number;
}

const DEFAULT_IDLE: Record<FlowTransport | 'closed', number> = {
  tcp: 300,
  udp: 60,
  icmp: 60,
  l2: 120,
  ip: 60,
  closed: 5,
};

export interface LayerCounts {
  vlan: number;
  ipv4: number;
  ipv6: number;
  tcp: number;
  udp: number;
  icmp: number;
  otherIp: number;
  l2: number;
}

export interface EngineStats {
  packets: number;
  /** Wire bytes (original lengths). */
  bytes: number;
  firstUs: number;
  lastUs: number;
  flows: Record<FlowTransport, number>;
  layers: LayerCounts;
  unknownLinktypes: Record<string, number>;
  unknownEthertypes: Record<string, number>;
  truncated: number;
  malformed: number;
  fragments: number;
  reassembled: number;
  fragmentsDropped: number;
  tcpGapBytes: number;
  tcpRetransmittedBytes: number;
  flowsEvictedForSpace: number;
  analyzerErrors: number;
  anomalies: Record<string, number>;
  /** Packets, bytes and flows per application protocol. */
  apps: Map<string, { packets: number; bytes: number; flows: number }>;
}

/** Rarely-needed layer counters, kept by name. */
function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/** Adds the counters of another engine's share of the same capture (parallel analysis). */
export function addStats(into: EngineStats, from: EngineStats): void {
  into.packets += from.packets;
  into.bytes += from.bytes;
  if (from.packets > 0) {
    if (into.firstUs === 0 || from.firstUs < into.firstUs) into.firstUs = from.firstUs;
    if (from.lastUs > into.lastUs) into.lastUs = from.lastUs;
  }
  for (const k of Object.keys(into.flows) as FlowTransport[]) into.flows[k] += from.flows[k];
  for (const k of Object.keys(into.layers) as (keyof LayerCounts)[]) into.layers[k] += from.layers[k];
  for (const [k, n] of Object.entries(from.unknownLinktypes)) bump(into.unknownLinktypes, k, n);
  for (const [k, n] of Object.entries(from.unknownEthertypes)) bump(into.unknownEthertypes, k, n);
  for (const [k, n] of Object.entries(from.anomalies)) bump(into.anomalies, k, n);
  into.truncated += from.truncated;
  into.malformed += from.malformed;
  into.fragments += from.fragments;
  into.reassembled += from.reassembled;
  into.fragmentsDropped += from.fragmentsDropped;
  into.tcpGapBytes += from.tcpGapBytes;
  into.tcpRetransmittedBytes += from.tcpRetransmittedBytes;
  into.flowsEvictedForSpace += from.flowsEvictedForSpace;
  into.analyzerErrors += from.analyzerErrors;
  for (const [name, a] of from.apps) {
    const mine = into.apps.get(name);
    if (mine === undefined) into.apps.set(name, { ...a });
    else {
      mine.packets += a.packets;
      mine.bytes += a.bytes;
      mine.flows += a.flows;
    }
  }
}

const SWEEP_EVERY = 1 << 14;

function ethertypeLabel(t: number): string {
  return `0x${t.toString(16).padStart(4, '0')}`;
}

/** What the summary calls a flow no analyzer recognised: transport and server port. */
function unidentifiedLabel(f: Flow): string | undefined {
  if (f.transport === 'tcp' || f.transport === 'udp')
    return `${f.transport}/${f.clientIsA ? f.portB : f.portA}`;
  if (f.transport === 'l2') return f.l2Type >= 0 ? `ethertype/${ethertypeLabel(f.l2Type)}` : 'llc';
  return f.transport;
}

export class Engine implements PacketSink {
  readonly stats: EngineStats = {
    packets: 0,
    bytes: 0,
    firstUs: 0,
    lastUs: 0,
    flows: { tcp: 0, udp: 0, icmp: 0, l2: 0, ip: 0 },
    layers: { vlan: 0, ipv4: 0, ipv6: 0, tcp: 0, udp: 0, icmp: 0, otherIp: 0, l2: 0 },
    unknownLinktypes: {},
    unknownEthertypes: {},
    truncated: 0,
    malformed: 0,
    fragments: 0,
    reassembled: 0,
    fragmentsDropped: 0,
    tcpGapBytes: 0,
    tcpRetransmittedBytes: 0,
    flowsEvictedForSpace: 0,
    analyzerErrors: 0,
    anomalies: {},
    apps: new Map(),
  };
  readonly hosts = new HostTable();

  private readonly pkt = new Packet();
  private readonly key = new FlowKey();
  private readonly table = new FlowTable(4096);
  private readonly defrag = new Defragmenter();
  private readonly sinks: EventSink[] = [];
  private readonly idleUs: Record<FlowTransport | 'closed', number>;
  private readonly maxFlows: number;
  private readonly maxProbes: number;
  private readonly budget: ReassemblyBudget;
  private readonly tcpPorts = new Map<number, AnalyzerDescriptor>();
  private readonly udpPorts = new Map<number, AnalyzerDescriptor>();
  /** Position of a port in its analyzer's list: the first listed is the server's (DHCP 67 before 68). */
  private readonly portRank = new Map<number, number>();
  private readonly ethertypes = new Map<number, AnalyzerDescriptor>();
  private readonly snap = new Map<number, AnalyzerDescriptor>();
  private readonly tcpProbes: AnalyzerDescriptor[];
  private readonly udpProbes: AnalyzerDescriptor[];
  /** Evidence source and frame numbering of the input being read (frames count per input). */
  source: string;
  private frameBase = 0;
  private sinceSweep = 0;
  private lastSweepUs = 0;
  /** The flow whose TCP bytes the consumer is delivering (set around `segment`). */
  private current: Flow | null = null;
  private readonly consumer: StreamConsumer;
  /** Frames whose counters went to a reassembled datagram's flow. */
  private fragFrames = 1;
  private fragWire = 0;

  constructor(opts: EngineOptions) {
    this.source = opts.source;
    const idle = { ...DEFAULT_IDLE, ...opts.idleTimeoutSec };
    this.idleUs = Object.fromEntries(Object.entries(idle).map(([k, v]) => [k, v * 1e6])) as Record<
      FlowTransport | 'closed',
      number
    >;
    this.maxFlows = opts.maxFlows ?? 262_144;
    this.maxProbes = opts.maxProbes ?? 4;
    this.budget = {
      held: 0,
      maxHeld: opts.maxHeldTotal ?? 32 << 20,
      maxPerStream: opts.maxHeldPerStream ?? 256 << 10,
    };
    for (const a of opts.analyzers) {
      const ports = opts.ports?.[`${a.name}/${a.transport}`] ?? opts.ports?.[a.name] ?? a.ports ?? [];
      ports.forEach((p, rank) => {
        if (a.transport === 'tcp') this.tcpPorts.set(p, a);
        if (a.transport === 'udp') this.udpPorts.set(p, a);
        this.portRank.set(p, rank);
      });
      if (a.transport === 'l2') {
        for (const t of a.ethertypes ?? []) this.ethertypes.set(t, a);
        for (const s of a.snap ?? []) this.snap.set(s.oui * 0x10000 + s.pid, a);
      }
    }
    this.tcpProbes = opts.analyzers.filter((a) => a.transport === 'tcp' && a.probe);
    this.udpProbes = opts.analyzers.filter((a) => a.transport === 'udp' && a.probe);
    const engine = this;
    this.consumer = {
      deliver(dir, buf, off, len) {
        engine.appData(engine.current!, dir, buf, off, len);
      },
      gap(dir, len) {
        engine.appGap(engine.current!, dir, len);
      },
    };
  }

  /** The next packets come from another input: evidence names it and frames restart at 1. */
  beginInput(source: string): void {
    this.source = source;
    this.frameBase = this.stats.packets;
  }

  onEvent(sink: EventSink): void {
    this.sinks.push(sink);
  }

  emit(event: LineguardEvent): void {
    if (event.kind === 'anomaly.observed') bump(this.stats.anomalies, event.code);
    else if (event.kind === 'asset.observed') this.hosts.fact(event);
    this.forward(event);
  }

  /** An event another engine emitted and counted (a lane of a parallel analysis): to the sinks only. */
  forward(event: LineguardEvent): void {
    for (const s of this.sinks) s.emit(event);
  }

  get flowCount(): number {
    return this.table.count;
  }

  // ── per packet ──

  /**
   * One frame. `frame` is its number in the input, when the caller counts frames (a lane of a
   * parallel analysis sees only some of them); otherwise the engine counts.
   */
  packet(
    linktype: number,
    tsUs: number,
    buf: Buffer,
    off: number,
    caplen: number,
    origLen: number,
    _iface?: number,
    frame?: number,
  ): void {
    const p = this.pkt;
    const st = this.stats;
    st.packets++;
    st.bytes += origLen;
    if (st.firstUs === 0 || tsUs < st.firstUs) st.firstUs = tsUs;
    if (tsUs > st.lastUs) st.lastUs = tsUs;
    p.reset();
    p.frame = frame === undefined ? st.packets - this.frameBase : frame;
    p.tsUs = tsUs;
    p.linktype = linktype;
    p.data = buf;
    p.off = off;
    p.caplen = caplen;
    p.origLen = origLen;
    if (++this.sinceSweep >= SWEEP_EVERY) this.maybeSweep(tsUs);
    const status = decode(p);
    if (status !== DecodeStatus.Ok) {
      this.undecoded(p, status);
      return;
    }
    this.fragFrames = 1;
    this.fragWire = origLen;
    this.dispatch(p);
  }

  private dispatch(p: Packet): void {
    const layers = this.stats.layers;
    if (p.vlan >= 0) layers.vlan++;
    if (p.l3 === L3.IPv4 || p.l3 === L3.IPv6) {
      if (p.l3 === L3.IPv4) layers.ipv4++;
      else layers.ipv6++;
      const proto = p.ipProto;
      if (proto === IPPROTO_TCP) layers.tcp++;
      else if (proto === IPPROTO_UDP) layers.udp++;
      else if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) layers.icmp++;
      else layers.otherIp++;
      this.ipPacket(p);
    } else if (p.srcMac >= 0 || p.dstMac >= 0) {
      layers.l2++;
      this.l2Packet(p);
    } else {
      bump(this.stats.unknownEthertypes, ethertypeLabel(p.ethertype));
    }
  }

  private undecoded(p: Packet, status: DecodeStatus): void {
    const st = this.stats;
    if (status === DecodeStatus.Fragment) {
      this.fragment(p);
      return;
    }
    if (status === DecodeStatus.UnknownLinktype) bump(st.unknownLinktypes, String(p.linktype));
    else if (status === DecodeStatus.Truncated) st.truncated++;
    else st.malformed++;
    // Whatever layer 2 decoded still names the hosts.
    if (p.srcMac >= 0) this.hosts.mac(p.srcMac);
    if (p.dstMac >= 0) this.hosts.mac(p.dstMac);
    if (p.l3 === L3.IPv4) {
      this.hosts.ip4(p.src4, p.srcMac, p.tsUs);
      this.hosts.ip4(p.dst4, p.dstMac, p.tsUs);
    }
  }

  private fragment(p: Packet): void {
    const st = this.stats;
    st.fragments++;
    const v4 = p.l3 === L3.IPv4;
    // RFC 791 / RFC 8200 key a datagram by addresses, protocol and id; two VLANs may reuse them.
    const key = v4
      ? `${p.vlan}:4:${p.src4}:${p.dst4}:${frag.proto}:${frag.id}`
      : `${p.vlan}:6:${p.src6.join(',')}:${p.dst6.join(',')}:${frag.id}`;
    if (v4) {
      this.hosts.ip4(p.src4, p.srcMac, p.tsUs);
      this.hosts.ip4(p.dst4, p.dstMac, p.tsUs);
    } else {
      this.hosts.ip6(ipv6ToString(p.src6[0]!, p.src6[1]!, p.src6[2]!, p.src6[3]!), p.srcMac, p.tsUs);
      this.hosts.ip6(ipv6ToString(p.dst6[0]!, p.dst6[1]!, p.dst6[2]!, p.dst6[3]!), p.dstMac, p.tsUs);
    }
    const r = this.defrag.add(
      key,
      frag.offset,
      frag.more,
      p.data,
      frag.payloadOff,
      frag.payloadLen,
      p.tsUs,
      p.origLen,
    );
    if (r.kind === 'pending') return;
    if (r.kind === 'dropped') {
      st.fragmentsDropped++;
      this.anomalyAt(p, 'ip', `ip.fragment_${r.reason.replace('-', '_')}`, undefined);
      return;
    }
    st.reassembled++;
    if (r.overlapped)
      this.anomalyAt(p, 'ip', 'ip.fragment_overlap', 'overlapping fragments with different data');
    // Decode the transport header from the reassembled datagram, then carry on as one packet.
    p.reassembled = true;
    p.data = r.payload;
    p.off = 0;
    p.caplen = r.payload.length;
    if (decodeL4(p, r.payload, frag.proto, 0, r.payload.length) !== DecodeStatus.Ok) {
      st.malformed++;
      return;
    }
    this.fragFrames = r.frames;
    this.fragWire = r.wireBytes;
    this.dispatch(p);
  }

  private ipPacket(p: Packet): void {
    const k = this.key;
    const proto = p.ipProto;
    const v4 = p.l3 === L3.IPv4;
    let sa0: number;
    let sa1 = 0;
    let sa2 = 0;
    let sa3 = 0;
    let da0: number;
    let da1 = 0;
    let da2 = 0;
    let da3 = 0;
    if (v4) {
      sa0 = p.src4;
      da0 = p.dst4;
    } else {
      const s = p.src6;
      const d = p.dst6;
      sa0 = s[0]!;
      sa1 = s[1]!;
      sa2 = s[2]!;
      sa3 = s[3]!;
      da0 = d[0]!;
      da1 = d[1]!;
      da2 = d[2]!;
      da3 = d[3]!;
    }
    const hasPorts = proto === IPPROTO_TCP || proto === IPPROTO_UDP;
    const sp = hasPorts ? p.srcPort : 0;
    const dp = hasPorts ? p.dstPort : 0;
    // Canonical order: side A is the smaller (address, port).
    let srcIsA: boolean;
    if (sa0 !== da0) srcIsA = sa0 < da0;
    else if (sa1 !== da1) srcIsA = sa1 < da1;
    else if (sa2 !== da2) srcIsA = sa2 < da2;
    else if (sa3 !== da3) srcIsA = sa3 < da3;
    else srcIsA = sp <= dp;
    k.meta = ((p.vlan + 1) << 12) | (proto << 4) | p.l3;
    if (srcIsA) {
      k.ports = (sp << 16) | dp;
      k.a0 = sa0;
      k.a1 = sa1;
      k.a2 = sa2;
      k.a3 = sa3;
      k.b0 = da0;
      k.b1 = da1;
      k.b2 = da2;
      k.b3 = da3;
    } else {
      k.ports = (dp << 16) | sp;
      k.a0 = da0;
      k.a1 = da1;
      k.a2 = da2;
      k.a3 = da3;
      k.b0 = sa0;
      k.b1 = sa1;
      k.b2 = sa2;
      k.b3 = sa3;
    }
    k.computeHash();
    let f = this.table.find(k);
    if (f !== undefined && p.tsUs - f.lastUs > this.timeoutOf(f)) f = this.expired(f);
    if (
      f !== undefined &&
      (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN &&
      proto === IPPROTO_TCP &&
      this.reopened(f, p, srcIsA)
    ) {
      f = this.expired(f);
    }
    if (f === undefined) f = this.newIpFlow(p, srcIsA);
    const dir: Direction = srcIsA === f.clientIsA ? 0 : 1;
    this.count(f, p, dir, srcIsA);
    if (proto === IPPROTO_TCP) this.tcp(f, p, dir);
    else if (f.appState !== AppState.None && p.payloadLen > 0) this.datagram(f, p, dir);
  }

  private count(f: Flow, p: Packet, dir: Direction, srcIsA: boolean): void {
    if (dir === 0) {
      f.pkts0 += this.fragFrames;
      f.bytes0 += this.fragWire;
    } else {
      f.pkts1 += this.fragFrames;
      f.bytes1 += this.fragWire;
    }
    // Merged or multi-queue captures are not strictly in time order: first/last are the
    // extremes (assigning the packet's time made `last` go back, even before `first`).
    if (p.tsUs > f.lastUs) f.lastUs = p.tsUs;
    else if (p.tsUs < f.firstUs) f.firstUs = p.tsUs;
    // The highest TTL each side sent with: how many routers stand between it and the sensor.
    if (srcIsA) {
      if (p.ttl > f.ttlA) f.ttlA = p.ttl;
    } else if (p.ttl > f.ttlB) f.ttlB = p.ttl;
    // A new MAC behind an address (fuzzed or spoofed frames, a failover) is rare: record it.
    if (srcIsA) {
      if (p.srcMac !== f.macA) this.macMoved(f, true, p.srcMac);
      if (p.dstMac !== f.macB) this.macMoved(f, false, p.dstMac);
    } else {
      if (p.srcMac !== f.macB) this.macMoved(f, false, p.srcMac);
      if (p.dstMac !== f.macA) this.macMoved(f, true, p.dstMac);
    }
  }

  private macMoved(f: Flow, sideA: boolean, mac: number): void {
    if (mac < 0) return;
    if (sideA) f.macA = mac;
    else f.macB = mac;
    this.hostOf(f, sideA, mac);
  }

  private hostOf(f: Flow, sideA: boolean, mac: number): void {
    const ts = this.pkt.tsUs;
    if (f.l3 === 4) this.hosts.ip4(sideA ? f.a0 : f.b0, mac, ts);
    else if (f.l3 === 6) {
      this.hosts.ip6(
        sideA ? ipv6ToString(f.a0, f.a1, f.a2, f.a3) : ipv6ToString(f.b0, f.b1, f.b2, f.b3),
        mac,
        ts,
      );
    } else if (mac >= 0) this.hosts.mac(mac);
  }

  private newIpFlow(p: Packet, srcIsA: boolean): Flow {
    if (this.table.count >= this.maxFlows) this.makeRoom();
    const f = this.table.insert(this.key);
    const proto = p.ipProto;
    f.l3 = p.l3;
    f.vlan = p.vlan;
    f.ipProto = proto;
    f.firstUs = p.tsUs;
    f.portA = srcIsA ? p.srcPort : p.dstPort;
    f.portB = srcIsA ? p.dstPort : p.srcPort;
    f.macA = srcIsA ? p.srcMac : p.dstMac;
    f.macB = srcIsA ? p.dstMac : p.srcMac;
    f.transport =
      proto === IPPROTO_TCP
        ? 'tcp'
        : proto === IPPROTO_UDP
          ? 'udp'
          : proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6
            ? 'icmp'
            : 'ip';
    this.stats.flows[f.transport]++;
    f.idleUs = this.idleUs[f.transport];
    this.hostOf(f, true, f.macA);
    this.hostOf(f, false, f.macB);
    // Who is the client: the SYN says so; else the port an analyzer or convention claims.
    let desc: AnalyzerDescriptor | undefined;
    if (f.transport === 'tcp' || f.transport === 'udp') {
      const ports = f.transport === 'tcp' ? this.tcpPorts : this.udpPorts;
      const onA = ports.get(f.portA);
      const onB = ports.get(f.portB);
      // A SYN names the client — unless FIN or RST rides with it (fuzzed or crafted), which no stack sends.
      if (f.transport === 'tcp' && (p.tcpFlags & (TCP_SYN | TCP_FIN | TCP_RST)) === TCP_SYN) {
        f.clientIsA = (p.tcpFlags & TCP_ACK) === 0 ? srcIsA : !srcIsA;
      } else if (onA && !onB) f.clientIsA = false;
      else if (onB && !onA) f.clientIsA = true;
      else if (onA && onA === onB && f.portA !== f.portB) {
        f.clientIsA = this.portRank.get(f.portA)! > this.portRank.get(f.portB)!;
      } else if (f.portA < 1024 !== f.portB < 1024) f.clientIsA = f.portB < 1024;
      else if (f.transport === 'tcp' && f.portA !== f.portB) {
        // Mid-connection with no port clue: the lower port is the likelier listener.
        f.clientIsA = f.portA > f.portB;
      } else {
        // A datagram's first sender started the exchange.
        f.clientIsA = srcIsA;
      }
      desc = f.clientIsA ? (onB ?? onA) : (onA ?? onB);
      if (f.transport === 'tcp') {
        f.streams = [new TcpStream(0), new TcpStream(1)];
        if ((p.tcpFlags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) f.midstream = true;
      }
    } else {
      f.clientIsA = srcIsA;
    }
    if (desc) this.bind(f, desc);
    else if ((f.transport === 'tcp' ? this.tcpProbes : this.udpProbes).length > 0 && f.transport !== 'icmp') {
      f.appState = f.transport === 'ip' ? AppState.None : AppState.Probing;
    }
    return f;
  }

  private l2Packet(p: Packet): void {
    const k = this.key;
    const src = Math.max(0, p.srcMac);
    const dst = Math.max(0, p.dstMac);
    const srcIsA = src <= dst;
    const typeKey =
      p.snapOui >= 0
        ? ((p.snapOui & 0x7fff) << 16) | p.ethertype
        : p.snapOui === -2
          ? 0x7fff0000
          : p.ethertype;
    k.meta = (p.vlan + 1) << 12;
    k.ports = typeKey;
    const a = srcIsA ? src : dst;
    const b = srcIsA ? dst : src;
    k.a0 = Math.floor(a / 0x100000000);
    k.a1 = a >>> 0;
    k.b0 = Math.floor(b / 0x100000000);
    k.b1 = b >>> 0;
    k.a2 = k.a3 = k.b2 = k.b3 = 0;
    k.computeHash();
    let f = this.table.find(k);
    if (f !== undefined && p.tsUs - f.lastUs > this.timeoutOf(f)) f = this.expired(f);
    if (f === undefined) {
      if (this.table.count >= this.maxFlows) this.makeRoom();
      f = this.table.insert(k);
      f.transport = 'l2';
      f.idleUs = this.idleUs.l2;
      f.vlan = p.vlan;
      f.clientIsA = srcIsA;
      f.macA = srcIsA ? p.srcMac : p.dstMac;
      f.macB = srcIsA ? p.dstMac : p.srcMac;
      f.firstUs = p.tsUs;
      this.stats.flows.l2++;
      if (p.srcMac >= 0) this.hosts.mac(p.srcMac);
      if (p.dstMac >= 0) this.hosts.mac(p.dstMac);
      const desc =
        p.snapOui >= 0 ? this.snap.get(p.snapOui * 0x10000 + p.ethertype) : this.ethertypes.get(p.ethertype);
      if (desc) this.bind(f, desc);
      f.l2Type = p.snapOui === -1 ? p.ethertype : -1;
    }
    const dir: Direction = srcIsA === f.clientIsA ? 0 : 1;
    if (dir === 0) {
      f.pkts0++;
      f.bytes0 += p.origLen;
    } else {
      f.pkts1++;
      f.bytes1 += p.origLen;
    }
    if (p.tsUs > f.lastUs) f.lastUs = p.tsUs;
    else if (p.tsUs < f.firstUs) f.firstUs = p.tsUs;
    if (f.appState === AppState.Bound) this.appData(f, dir, p.data, p.l2PayloadOff, p.l2PayloadLen);
  }

  // ── TCP ──

  private tcp(f: Flow, p: Packet, dir: Direction): void {
    const flags = p.tcpFlags;
    const streams = f.streams!;
    const s = streams[dir];
    this.current = f;
    if (flags & TCP_SYN) {
      f.tcp |= flags & TCP_ACK ? TCP_SEEN_SYNACK : TCP_SEEN_SYN;
      s.syn(p.seq);
    }
    if (flags & TCP_RST) {
      f.tcp |= TCP_SEEN_RST;
      f.idleUs = this.idleUs.closed;
    }
    if (flags & TCP_ACK) {
      const other = streams[dir === 0 ? 1 : 0];
      if (other.held !== null && other.held.length > 0) other.acked(p.ack, this.consumer, this.budget);
    }
    if (p.payloadLen > 0) {
      // Data on a SYN starts one past the SYN's own sequence number.
      s.segment(
        flags & TCP_SYN ? (p.seq + 1) >>> 0 : p.seq,
        p.data,
        p.payloadOff,
        p.payloadLen,
        this.consumer,
        this.budget,
      );
    }
    if (flags & TCP_FIN) {
      f.tcp |= dir === 0 ? TCP_SEEN_FIN0 : TCP_SEEN_FIN1;
      if (f.tcp & TCP_SEEN_FIN0 && f.tcp & TCP_SEEN_FIN1) f.idleUs = this.idleUs.closed;
    }
    this.current = null;
  }

  // ── application layer ──

  private datagram(f: Flow, p: Packet, dir: Direction): void {
    this.appData(f, dir, p.data, p.payloadOff, p.payloadLen);
  }

  private appData(f: Flow, dir: Direction, buf: Buffer, off: number, len: number): void {
    if (f.appState === AppState.Probing) {
      const desc = this.probe(f, buf, off, len, dir);
      if (!desc) return;
      this.bind(f, desc);
    }
    if (f.appState !== AppState.Bound) return;
    try {
      f.analyzer!.data(dir, buf, off, len);
    } catch (e) {
      this.analyzerFailed(f, e);
    }
  }

  private appGap(f: Flow, dir: Direction, len: number): void {
    if (f.appState === AppState.Probing) f.appState = AppState.None;
    if (f.appState !== AppState.Bound) return;
    try {
      f.analyzer!.gap?.(dir, len);
    } catch (e) {
      this.analyzerFailed(f, e);
    }
  }

  private probe(
    f: Flow,
    buf: Buffer,
    off: number,
    len: number,
    dir: Direction,
  ): AnalyzerDescriptor | undefined {
    const probes = f.transport === 'tcp' ? this.tcpProbes : this.udpProbes;
    let undecided = false;
    for (const d of probes) {
      let r: string;
      try {
        r = d.probe!(buf, off, len, dir);
      } catch (e) {
        this.stats.analyzerErrors++;
        this.anomalyFlow(f, d.name, `${d.name}.analyzer_error`, `probe threw: ${(e as Error).message}`);
        continue;
      }
      if (r === 'yes') return d;
      if (r === 'more') undecided = true;
    }
    if (!undecided || ++f.probeTries >= this.maxProbes) f.appState = AppState.None;
    return undefined;
  }

  private bind(f: Flow, desc: AnalyzerDescriptor): void {
    f.app = desc.name;
    f.appState = AppState.Bound;
    const info: FlowInfo = {
      transport: f.transport === 'tcp' ? 'tcp' : f.transport === 'udp' ? 'udp' : 'l2',
      client: f.clientEndpoint(),
      server: f.serverEndpoint(),
    };
    f.info = info;
    const pkt = this.pkt;
    const engine = this;
    const ctx: AnalyzerContext = {
      flow: info,
      packet: pkt,
      get source() {
        return engine.source;
      },
      emit: (e) => this.emit(e),
      evidence: (): Evidence => ({ source: engine.source, ts: pkt.tsUs / 1000, frame: pkt.frame }),
      // The flow's app (the descriptor's name unless `setApp` named it by what was found).
      anomaly: (code, detail) => this.anomalyFlow(f, f.app ?? desc.name, code, detail),
      setApp: (name) => {
        if (name.length > 0) f.app = name;
      },
      onClose: (cb) => {
        f.closeHooks ??= [];
        f.closeHooks.push(cb);
      },
    };
    f.ctx = ctx;
    try {
      f.analyzer = desc.create(ctx);
    } catch (e) {
      this.analyzerFailed(f, e);
    }
  }

  private analyzerFailed(f: Flow, e: unknown): void {
    this.stats.analyzerErrors++;
    f.appState = AppState.Failed;
    f.analyzer = null;
    const name = f.app ?? 'unknown';
    this.anomalyFlow(f, name, `${name}.analyzer_error`, e instanceof Error ? e.message : String(e));
  }

  private anomalyFlow(f: Flow, protocol: string, code: string, detail: string | undefined): void {
    const ev: AnomalyObserved = {
      kind: 'anomaly.observed',
      protocol,
      code,
      client: f.info?.client ?? f.clientEndpoint(),
      server: f.info?.server ?? f.serverEndpoint(),
      evidence: { source: this.source, ts: this.pkt.tsUs / 1000, frame: this.pkt.frame },
    };
    if (detail !== undefined) ev.detail = detail;
    this.emit(ev);
  }

  private anomalyAt(p: Packet, protocol: string, code: string, detail: string | undefined): void {
    const client: Endpoint = {};
    const server: Endpoint = {};
    if (p.l3 === L3.IPv4) {
      client.ip = ipv4ToString(p.src4);
      server.ip = ipv4ToString(p.dst4);
    } else if (p.l3 === L3.IPv6) {
      client.ip = ipv6ToString(p.src6[0]!, p.src6[1]!, p.src6[2]!, p.src6[3]!);
      server.ip = ipv6ToString(p.dst6[0]!, p.dst6[1]!, p.dst6[2]!, p.dst6[3]!);
    }
    if (p.srcMac >= 0) client.mac = macToString(p.srcMac);
    if (p.dstMac >= 0) server.mac = macToString(p.dstMac);
    const ev: AnomalyObserved = {
      kind: 'anomaly.observed',
      protocol,
      code,
      client,
      server,
      evidence: { source: this.source, ts: p.tsUs / 1000, frame: p.frame },
    };
    if (detail !== undefined) ev.detail = detail;
    this.emit(ev);
  }

  // ── flow lifetime ──

  private maybeSweep(nowUs: number): void {
    this.sinceSweep = 0;
    if (nowUs - this.lastSweepUs < 1e6) return;
    this.lastSweepUs = nowUs;
    for (const f of this.table.live()) {
      if (nowUs - f.lastUs > this.timeoutOf(f)) this.close(f);
    }
    this.defrag.expire(nowUs);
  }

  /**
   * A packet for a flow idle past its timeout: that conversation is over and this packet
   * starts a new one. (Only the periodic sweep used to close idle flows, so whether a quiet
   * 5-tuple came back as one flow or two depended on how much other traffic ran meanwhile.)
   */
  private expired(f: Flow): undefined {
    this.close(f);
    return undefined;
  }

  /**
   * A SYN on a tracked 5-tuple with a new initial sequence number: the port was reused (a PLC
   * client with a fixed source port reconnects so), and without this the new connection's
   * bytes landed far "ahead" in the old stream. The same ISN again is a retransmission or a
   * duplicated capture, and stays one flow.
   */
  private reopened(f: Flow, p: Packet, srcIsA: boolean): boolean {
    const s = f.streams![srcIsA === f.clientIsA ? 0 : 1];
    return s.started && s.isn !== p.seq;
  }

  private timeoutOf(f: Flow): number {
    return f.idleUs;
  }

  /** The table is full: close the least recently active eighth. */
  private makeRoom(): void {
    const live = this.table.live().sort((a, b) => a.lastUs - b.lastUs);
    const n = Math.max(1, live.length >>> 3);
    for (let i = 0; i < n; i++) {
      this.stats.flowsEvictedForSpace++;
      this.close(live[i]!);
    }
  }

  private close(f: Flow): void {
    if (f.streams) {
      this.current = f;
      for (const s of f.streams) {
        s.finish(this.consumer, this.budget);
        this.stats.tcpGapBytes += s.gapBytes;
        this.stats.tcpRetransmittedBytes += s.retransmitted;
      }
      this.current = null;
    }
    if (f.appState === AppState.Bound) {
      try {
        f.analyzer!.end?.();
      } catch (e) {
        this.analyzerFailed(f, e);
      }
    }
    if (f.closeHooks) {
      for (const cb of f.closeHooks) {
        try {
          cb();
        } catch (e) {
          this.analyzerFailed(f, e);
        }
      }
      f.closeHooks = null;
    }
    if (f.transport === 'l2' && f.app === undefined && f.l2Type >= 0) {
      bump(this.stats.unknownEthertypes, ethertypeLabel(f.l2Type), f.pkts0 + f.pkts1);
    }
    const app = f.app ?? unidentifiedLabel(f);
    if (app !== undefined) {
      const a = this.stats.apps.get(app) ?? { packets: 0, bytes: 0, flows: 0 };
      a.packets += f.pkts0 + f.pkts1;
      a.bytes += f.bytes0 + f.bytes1;
      a.flows++;
      this.stats.apps.set(app, a);
    }
    this.emit(this.flowEvent(f));
    this.table.remove(f);
  }

  private flowEvent(f: Flow): LineguardEvent {
    const ev: LineguardEvent = {
      kind: 'flow.observed',
      client: f.info?.client ?? f.clientEndpoint(),
      server: f.info?.server ?? f.serverEndpoint(),
      transport: f.transport,
      packets: [f.pkts0, f.pkts1],
      bytes: [f.bytes0, f.bytes1],
      first: f.firstUs / 1000,
      last: f.lastUs / 1000,
      source: this.source,
    };
    if (f.app !== undefined) ev.app = f.app;
    if (f.l3 !== 0) ev.ttl = f.clientIsA ? [f.ttlA, f.ttlB] : [f.ttlB, f.ttlA];
    if (f.streams) {
      const t = f.tcp;
      ev.tcpState =
        t & TCP_SEEN_RST
          ? 'reset'
          : t & TCP_SEEN_FIN0 && t & TCP_SEEN_FIN1
            ? 'closed'
            : f.midstream
              ? 'midstream'
              : t & TCP_SEEN_SYNACK
                ? 'established'
                : 'syn';
      const g0 = f.streams[0].gapBytes;
      const g1 = f.streams[1].gapBytes;
      if (g0 + g1 > 0) ev.gaps = [g0, g1];
    }
    return ev;
  }

  /** End of input: close every flow so its events and counters are out. */
  finish(): void {
    for (const f of this.table.live()) this.close(f);
  }
}
