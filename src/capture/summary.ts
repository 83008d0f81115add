/** The analysis summary: what `lineguard analyze` prints and `--json` writes. */
import type { Engine } from './engine.js';
import type { HostRecord } from './hosts.js';
import type { CaptureFormat } from './reader.js';

export interface InputReport {
  input: string;
  format: CaptureFormat | null;
  packets: number;
  bytes: number;
  error?: { code: string; offset: number; message: string };
}

export interface Summary {
  inputs: InputReport[];
  packets: number;
  /** Bytes on the wire (original frame lengths). */
  bytes: number;
  /** Bytes of capture file walked (after decompression). */
  captureBytes: number;
  first: string | null;
  last: string | null;
  durationSec: number;
  flows: { total: number; tcp: number; udp: number; icmp: number; l2: number; ip: number };
  protocols: { name: string; packets: number; bytes: number; flows: number }[];
  layers: Record<string, number>;
  hosts: HostRecord[];
  /** Addresses not listed because the host table was full (bounded memory). */
  hostsOmitted: number;
  macs: string[];
  skipped: {
    linktypes: Record<string, number>;
    ethertypes: Record<string, number>;
    truncated: number;
    malformed: number;
    fragmentsDropped: number;
  };
  tcp: { gapBytes: number; retransmittedBytes: number };
  ipFragments: { fragments: number; reassembled: number };
  anomalies: Record<string, number>;
  analyzerErrors: number;
  flowsEvictedForSpace: number;
  /** Peak resident memory of this process, MiB. */
  peakRssMiB: number;
  elapsedSec: number;
  /** Threads the analysis ran on (lanes of a parallel analysis). */
  threads: number;
}

export function buildSummary(
  engine: Engine,
  inputs: InputReport[],
  elapsedSec: number,
  threads = 1,
): Summary {
  const st = engine.stats;
  const f = st.flows;
  // A damaged timestamp can lie beyond what a Date holds (±8.64e15 ms): toISOString() then
  // threw RangeError out of analyze(). Such a time is shown as unknown.
  const iso = (us: number) => {
    if (st.packets === 0 || !(us > 0)) return null;
    const d = new Date(us / 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  };
  return {
    inputs,
    packets: st.packets,
    bytes: st.bytes,
    captureBytes: inputs.reduce((n, i) => n + i.bytes, 0),
    first: iso(st.firstUs),
    last: iso(st.lastUs),
    durationSec: st.packets > 0 ? (st.lastUs - st.firstUs) / 1e6 : 0,
    flows: { total: f.tcp + f.udp + f.icmp + f.l2 + f.ip, ...f },
    protocols: [...st.apps.entries()]
      .map(([name, a]) => ({ name, ...a }))
      .sort((a, b) => b.packets - a.packets || (a.name < b.name ? -1 : 1)),
    layers: { ...st.layers },
    hosts: engine.hosts.list(),
    hostsOmitted: engine.hosts.omitted,
    macs: engine.hosts.macs(),
    skipped: {
      linktypes: st.unknownLinktypes,
      ethertypes: st.unknownEthertypes,
      truncated: st.truncated,
      malformed: st.malformed,
      fragmentsDropped: st.fragmentsDropped,
    },
    tcp: { gapBytes: st.tcpGapBytes, retransmittedBytes: st.tcpRetransmittedBytes },
    ipFragments: { fragments: st.fragments, reassembled: st.reassembled },
    anomalies: st.anomalies,
    analyzerErrors: st.analyzerErrors,
    flowsEvictedForSpace: st.flowsEvictedForSpace,
    peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    elapsedSec,
    threads,
  };
}
