/**
 * Test support for the capture engine's unit tests (excluded from the build): an in-memory
 * byte source with a chosen read size, a sink that copies every record the reader hands out,
 * and a recording analyzer that keeps every call the engine makes to it.
 */
import type { LineguardEvent } from '../../events/types.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  Direction,
  FlowInfo,
  ProbeResult,
  Transport,
} from '../../protocols/analyzer.js';
import { type ReadOptions, type ReadResult, readCapture } from '../reader.js';
import type { ByteSource } from '../source.js';

/** A buffer served `maxRead` bytes at most per read (1 = a pipe delivering byte by byte). */
export function memorySource(buf: Buffer, maxRead = Number.MAX_SAFE_INTEGER, name = 'mem'): ByteSource {
  let pos = 0;
  return {
    name,
    size: buf.length,
    get consumed() {
      return pos;
    },
    async read(into, off, max) {
      const n = Math.min(max, maxRead, buf.length - pos);
      buf.copy(into, off, pos, pos + n);
      pos += n;
      return n;
    },
    async close() {},
  };
}

export interface Rec {
  linktype: number;
  tsUs: number;
  /** The record's bytes, copied out of the reader's buffer. */
  data: Buffer;
  origLen: number;
  iface: number;
}

export async function collect(
  src: ByteSource,
  opts: ReadOptions = {},
): Promise<{ recs: Rec[]; result: ReadResult }> {
  const recs: Rec[] = [];
  const result = await readCapture(
    src,
    {
      packet(linktype, tsUs, buf, off, caplen, origLen, iface) {
        recs.push({ linktype, tsUs, data: Buffer.from(buf.subarray(off, off + caplen)), origLen, iface });
      },
    },
    opts,
  );
  return { recs, result };
}

export function collectBytes(buf: Buffer, opts: ReadOptions = {}, maxRead?: number) {
  return collect(memorySource(buf, maxRead), opts);
}

export type Call =
  | { t: 'data'; dir: Direction; data: Buffer; frame: number }
  | { t: 'gap'; dir: Direction; len: number }
  | { t: 'end' };

export interface RecordedFlow {
  info: FlowInfo;
  calls: Call[];
}

export interface RecorderOptions {
  transport: Transport;
  ports?: number[];
  ethertypes?: number[];
  snap?: { oui: number; pid: number }[];
  probe?: (payload: Buffer, dir: Direction) => ProbeResult;
  /** Throw from `data` when this says so (the engine must catch it). */
  throwWhen?: (payload: Buffer) => boolean;
}

/** An analyzer descriptor that records what the engine gives it, one entry per flow. */
export function recorder(
  name: string,
  o: RecorderOptions,
): { descriptor: AnalyzerDescriptor; flows: RecordedFlow[] } {
  const flows: RecordedFlow[] = [];
  const descriptor: AnalyzerDescriptor = {
    name,
    transport: o.transport,
    ...(o.ports ? { ports: o.ports } : {}),
    ...(o.ethertypes ? { ethertypes: o.ethertypes } : {}),
    ...(o.snap ? { snap: o.snap } : {}),
    ...(o.probe
      ? {
          probe: (buf: Buffer, off: number, len: number, dir: Direction) =>
            o.probe!(Buffer.from(buf.subarray(off, off + len)), dir),
        }
      : {}),
    create(ctx: AnalyzerContext) {
      const rec: RecordedFlow = { info: ctx.flow, calls: [] };
      flows.push(rec);
      return {
        data(dir, buf, off, len) {
          const data = Buffer.from(buf.subarray(off, off + len));
          if (o.throwWhen?.(data)) throw new Error(`${name} choked on ${data.toString('latin1')}`);
          rec.calls.push({ t: 'data', dir, data, frame: ctx.packet.frame });
        },
        gap(dir, len) {
          rec.calls.push({ t: 'gap', dir, len });
        },
        end() {
          rec.calls.push({ t: 'end' });
        },
      };
    },
  };
  return { descriptor, flows };
}

/** One direction of a recorded flow as text: data in order, gaps as `[gap N]`. */
export function streamText(flow: RecordedFlow, dir: Direction): string {
  let s = '';
  for (const c of flow.calls) {
    if (c.t === 'data' && c.dir === dir) s += c.data.toString('latin1');
    else if (c.t === 'gap' && c.dir === dir) s += `[gap ${c.len}]`;
  }
  return s;
}

/** Both directions interleaved as the engine delivered them: `0:abc 1:[gap 3] 0:def end`. */
export function callTrace(flow: RecordedFlow): string {
  return flow.calls
    .map((c) =>
      c.t === 'data'
        ? `${c.dir}:${c.data.toString('latin1')}`
        : c.t === 'gap'
          ? `${c.dir}:[gap ${c.len}]`
          : 'end',
    )
    .join(' ');
}

export function flowEvents(events: LineguardEvent[]) {
  return events.filter(
    (e): e is Extract<LineguardEvent, { kind: 'flow.observed' }> => e.kind === 'flow.observed',
  );
}

export function anomalies(events: LineguardEvent[]) {
  return events.filter(
    (e): e is Extract<LineguardEvent, { kind: 'anomaly.observed' }> => e.kind === 'anomaly.observed',
  );
}
