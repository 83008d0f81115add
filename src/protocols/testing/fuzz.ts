/**
 * Test support (excluded from the build): a fuzz harness at the analyzer boundary, generic over
 * every descriptor in `registry.ts` (DESIGN.md "Anomalies are data, exceptions are bugs").
 *
 * - Seeds: corpus captures run through `analyze()` with each registry descriptor wrapped (same
 *   name, transport, ports, EtherTypes, SNAP ids and probe; `create` delegates to the real one)
 *   record, per analyzer and per flow, the `data(dir, bytes)` and `gap` calls the engine makes,
 *   as copies, with a snapshot of the packet each came with. Captures: `../shared/pcaps` (beside
 *   the repository), the sample plant, and the golden traces of the analyzers' own tests
 *   (`collectGoldenSeeds`, which runs `src/protocols` tests with the registry wrapped).
 * - Mutation: a seed flow is mutated (bit and byte flips, interesting values and lengths ± 1,
 *   truncation, re-segmentation by splitting and merging, splices across seeds, duplicated,
 *   dropped and reversed chunks, gaps) and replayed into a fresh instance from the real
 *   descriptor's `create`, with a minimal context (a real `Packet`, the flow's endpoints, an
 *   `emit` that counts). Every iteration has its own PRNG seed, so one failure replays alone.
 * - Failures: a throw (probe, create, data, gap, end) with the analyzer, iteration, seed and a
 *   hex dump of the mutated input; a flood (more events from one flow than `FuzzOptions.flood`
 *   allows); heap growth after GC beyond a bound across the run; a long flow (mutated seeds back
 *   to back into one instance) whose retained memory grows beyond a bound.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze, analyzeBytes } from '../../capture/analyze.js';
import { L3, Packet } from '../../capture/packet.js';
import { rng } from '../../testing/random.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  FlowInfo,
} from '../analyzer.js';
import { MAX_ANOMALIES } from '../emit.js';
import { analyzers as registry } from '../registry.js';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
/** `../shared/pcaps`, located from the repository root as test/shared.ts does. */
export const SHARED_PCAPS = resolve(REPO, '..', 'shared', 'pcaps');

/** One call the engine made to an analyzer instance, with the packet it came with. */
export type Call =
  | { t: 'data'; dir: Direction; data: Buffer; pkt: Packet }
  | { t: 'gap'; dir: Direction; len: number; pkt: Packet };

/** A call of a mutated flow: `owned` data may be changed in place (copy on write). */
type Work = (Call & { t: 'gap' }) | (Call & { t: 'data'; owned: boolean });

/** One recorded flow, at most `MAX_SEED_CALLS` calls (longer flows are cut into windows). */
export interface Seed {
  /** Where it came from: capture, flow number, window. */
  origin: string;
  info: FlowInfo;
  calls: Call[];
}

export interface Target {
  /** `name/transport`, unique in the registry. */
  label: string;
  descriptor: AnalyzerDescriptor;
  seeds: Seed[];
  /** True when no capture reached this analyzer and its seeds are random bytes. */
  synthetic: boolean;
}

const MAX_SEED_CALLS = 32;
const MAX_SEED_BYTES = 16 << 10;
const MAX_WINDOWS = 16;
const MAX_SEEDS = 1024;

/** Unique labels, in registry order. */
export function labels(list: readonly AnalyzerDescriptor[] = registry): string[] {
  const seen = new Map<string, number>();
  return list.map((d) => {
    const base = `${d.name}/${d.transport}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n + 1}`;
  });
}

// ── packet snapshots ──

function copyHeader(from: Packet, to: Packet): void {
  to.frame = from.frame;
  to.tsUs = from.tsUs;
  to.linktype = from.linktype;
  to.origLen = from.origLen;
  to.srcMac = from.srcMac;
  to.dstMac = from.dstMac;
  to.vlan = from.vlan;
  to.vlanInner = from.vlanInner;
  to.ethertype = from.ethertype;
  to.snapOui = from.snapOui;
  to.l3 = from.l3;
  to.src4 = from.src4;
  to.dst4 = from.dst4;
  to.src6.set(from.src6);
  to.dst6.set(from.dst6);
  to.ipProto = from.ipProto;
  to.ttl = from.ttl;
  to.reassembled = from.reassembled;
  to.srcPort = from.srcPort;
  to.dstPort = from.dstPort;
  to.tcpFlags = from.tcpFlags;
  to.seq = from.seq;
  to.ack = from.ack;
}

function snapshot(p: Packet): Packet {
  const h = new Packet();
  copyHeader(p, h);
  return h;
}

function headerJson(p: Packet): number[] {
  return [
    p.frame,
    p.tsUs,
    p.linktype,
    p.origLen,
    p.srcMac,
    p.dstMac,
    p.vlan,
    p.vlanInner,
    p.ethertype,
    p.snapOui,
    p.l3,
    p.src4,
    p.dst4,
    p.ipProto,
    p.ttl,
    p.reassembled ? 1 : 0,
    p.srcPort,
    p.dstPort,
    p.tcpFlags,
    p.seq,
    p.ack,
    ...p.src6,
    ...p.dst6,
  ];
}

function headerFromJson(a: number[]): Packet {
  const p = new Packet();
  const v = (i: number) => a[i] ?? 0;
  [p.frame, p.tsUs, p.linktype, p.origLen] = [v(0), v(1), v(2), v(3)];
  [p.srcMac, p.dstMac, p.vlan, p.vlanInner, p.ethertype, p.snapOui] = [v(4), v(5), v(6), v(7), v(8), v(9)];
  p.l3 = v(10) as L3;
  [p.src4, p.dst4, p.ipProto, p.ttl] = [v(11), v(12), v(13), v(14)];
  p.reassembled = v(15) === 1;
  [p.srcPort, p.dstPort, p.tcpFlags, p.seq, p.ack] = [v(16), v(17), v(18), v(19), v(20)];
  p.src6.set(a.slice(21, 25));
  p.dst6.set(a.slice(25, 29));
  return p;
}

// ── seed collection ──

interface RawFlow {
  label: string;
  origin: string;
  info: FlowInfo;
  calls: Call[];
  bytes: number;
}

/** `d` recording every call the engine makes to its instances into `flows`; behaviour unchanged. */
export function recording(
  d: AnalyzerDescriptor,
  label: string,
  origin: () => string,
  onFlow: (f: RawFlow) => void,
  onEnd?: (f: RawFlow) => void,
): AnalyzerDescriptor {
  return {
    name: d.name,
    transport: d.transport,
    ...(d.ports ? { ports: d.ports } : {}),
    ...(d.ethertypes ? { ethertypes: d.ethertypes } : {}),
    ...(d.snap ? { snap: d.snap } : {}),
    ...(d.probe
      ? { probe: (buf: Buffer, off: number, len: number, dir: Direction) => d.probe!(buf, off, len, dir) }
      : {}),
    create(ctx: AnalyzerContext): AnalyzerInstance {
      const inner = d.create(ctx);
      const f: RawFlow = {
        label,
        origin: origin(),
        info: {
          transport: ctx.flow.transport,
          client: { ...ctx.flow.client },
          server: { ...ctx.flow.server },
        },
        calls: [],
        bytes: 0,
      };
      onFlow(f);
      const full = () =>
        f.calls.length >= MAX_SEED_CALLS * MAX_WINDOWS || f.bytes >= MAX_SEED_BYTES * MAX_WINDOWS;
      return {
        data(dir, buf, off, len) {
          if (!full()) {
            f.calls.push({
              t: 'data',
              dir,
              data: Buffer.from(buf.subarray(off, off + len)),
              pkt: snapshot(ctx.packet),
            });
            f.bytes += len;
          }
          inner.data(dir, buf, off, len);
        },
        gap(dir, len) {
          if (!full()) f.calls.push({ t: 'gap', dir, len, pkt: snapshot(ctx.packet) });
          inner.gap?.(dir, len);
        },
        end() {
          inner.end?.();
          onEnd?.(f);
        },
      };
    },
  };
}

/** A flow cut into seeds of at most MAX_SEED_CALLS calls and MAX_SEED_BYTES bytes. */
function windows(f: RawFlow): Seed[] {
  const out: Seed[] = [];
  let calls: Call[] = [];
  let bytes = 0;
  const flush = () => {
    if (calls.some((c) => c.t === 'data'))
      out.push({
        origin: `${f.origin}${out.length > 0 ? ` window ${out.length + 1}` : ''}`,
        info: f.info,
        calls,
      });
    calls = [];
    bytes = 0;
  };
  for (const c of f.calls) {
    if (calls.length >= MAX_SEED_CALLS || bytes >= MAX_SEED_BYTES) flush();
    calls.push(c);
    if (c.t === 'data') bytes += c.data.length;
  }
  flush();
  return out.slice(0, MAX_WINDOWS);
}

function seedKey(s: Seed): string {
  const h = createHash('sha1');
  for (const c of s.calls) {
    h.update(c.t === 'data' ? `d${c.dir}:${c.data.length}:` : `g${c.dir}:${c.len};`);
    if (c.t === 'data') h.update(c.data);
  }
  return h.digest('base64');
}

/** Captures under `dir` (`*.pcap`, `*.pcapng`, `*.pcap.gz` ..., not their `.json` sidecars), sorted. */
export function corpusFiles(dir = SHARED_PCAPS): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.pcap(ng)?(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export interface SeedOptions {
  /** Capture files; default: `corpusFiles()` (none, with a message, when ../shared is absent). */
  captures?: readonly string[];
  /** The sample plant's capture (default true). */
  plant?: boolean;
  /** More recorded flows, e.g. from `collectGoldenSeeds`. */
  extra?: readonly SerializedFlow[];
  log?: (line: string) => void;
}

export interface SeedReport {
  targets: Target[];
  /** Throws counted by the engine while recording the unmutated corpus (must be 0). */
  analyzerErrors: number;
  sources: string[];
}

/** Seeds for every registry analyzer from the corpus, the plant and `extra`. */
export async function collectSeeds(o: SeedOptions = {}): Promise<SeedReport> {
  const log = o.log ?? ((l: string) => console.warn(l));
  const names = labels();
  const raw = new Map<string, RawFlow[]>(names.map((n) => [n, []]));
  let source = '';
  let flowNo = 0;
  const wrapped = registry.map((d, i) =>
    recording(
      d,
      names[i]!,
      () => `${source} flow ${++flowNo}`,
      (f) => raw.get(f.label)!.push(f),
    ),
  );
  let captures = o.captures;
  if (captures === undefined) {
    captures = corpusFiles();
    if (captures.length === 0)
      log(`fuzz: no shared captures at ${SHARED_PCAPS}: seeds come from our own traces only (plant, golden)`);
  }
  let analyzerErrors = 0;
  const sources: string[] = [];
  for (const path of captures) {
    source = relative(SHARED_PCAPS, path).startsWith('..') ? path : relative(SHARED_PCAPS, path);
    flowNo = 0;
    const summary = await analyze([path], { analyzers: wrapped });
    analyzerErrors += summary.analyzerErrors;
    sources.push(source);
  }
  if (o.plant !== false) {
    const { plantCapture } = await import('../../sim/plant.js');
    source = 'plant';
    flowNo = 0;
    const { summary } = await analyzeBytes(plantCapture(), { analyzers: wrapped, source: 'plant' });
    analyzerErrors += summary.analyzerErrors;
    sources.push('plant');
  }
  // Sorted, so the seeds (and a replayed iteration) do not depend on which worker wrote first.
  const byOrigin = new Intl.Collator('en', { numeric: true });
  const extra = [...(o.extra ?? [])].sort(
    (x, y) =>
      byOrigin.compare(`${x.label} ${x.origin}`, `${y.label} ${y.origin}`) ||
      (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1),
  );
  for (const s of extra) {
    const f = deserializeFlow(s);
    if (raw.has(f.label)) raw.get(f.label)!.push(f);
  }
  if (o.extra && o.extra.length > 0) sources.push(`${o.extra.length} golden-trace flows`);
  const targets = registry.map((descriptor, i): Target => {
    const label = names[i]!;
    const seen = new Set<string>();
    const seeds: Seed[] = [];
    for (const f of raw.get(label)!) {
      for (const s of windows(f)) {
        const k = seedKey(s);
        if (!seen.has(k)) {
          seen.add(k);
          seeds.push(s);
        }
      }
    }
    // Evenly spaced when over the cap, so every source keeps some.
    const kept =
      seeds.length <= MAX_SEEDS
        ? seeds
        : Array.from({ length: MAX_SEEDS }, (_, j) => seeds[Math.floor((j * seeds.length) / MAX_SEEDS)]!);
    if (kept.length > 0) return { label, descriptor, seeds: kept, synthetic: false };
    return { label, descriptor, seeds: randomSeeds(descriptor, label), synthetic: true };
  });
  return { targets, analyzerErrors, sources };
}

/** For an analyzer no capture reached: flows of random chunks, so it is still exercised. */
function randomSeeds(d: AnalyzerDescriptor, label: string): Seed[] {
  const r = rng(hash32(label));
  const info: FlowInfo = {
    transport: d.transport,
    client: { mac: '02:00:00:00:00:01', ip: '10.0.0.1', port: 40000 },
    server: { mac: '02:00:00:00:00:02', ip: '10.0.0.2', port: d.ports?.[0] ?? 0 },
  };
  const pkt = new Packet();
  pkt.srcMac = 0x020000000001;
  pkt.dstMac = 0x020000000002;
  pkt.ethertype = d.ethertypes?.[0] ?? 0x0800;
  if (d.transport !== 'l2') {
    pkt.l3 = L3.IPv4;
    pkt.src4 = 0x0a000001;
    pkt.dst4 = 0x0a000002;
    pkt.ipProto = d.transport === 'tcp' ? 6 : 17;
    pkt.ttl = 64;
    pkt.srcPort = 40000;
    pkt.dstPort = d.ports?.[0] ?? 0;
  }
  return Array.from({ length: 8 }, (_, i) => ({
    origin: `random ${i + 1}`,
    info,
    calls: Array.from({ length: 1 + Math.floor(r() * 8) }, (): Call => {
      const data = Buffer.alloc(1 + Math.floor(r() * 300));
      for (let j = 0; j < data.length; j++) data[j] = Math.floor(r() * 256);
      return { t: 'data', dir: r() < 0.5 ? 0 : 1, data, pkt };
    }),
  }));
}

// ── golden traces: the analyzers' own tests, run with the registry wrapped ──

export interface SerializedFlow {
  label: string;
  origin: string;
  info: FlowInfo;
  calls: (
    | { t: 'data'; dir: Direction; data: string; pkt: number[] }
    | { t: 'gap'; dir: Direction; len: number; pkt: number[] }
  )[];
}

function deserializeFlow(s: SerializedFlow): RawFlow {
  const calls = s.calls.map(
    (c): Call =>
      c.t === 'data'
        ? { t: 'data', dir: c.dir, data: Buffer.from(c.data, 'base64'), pkt: headerFromJson(c.pkt) }
        : { t: 'gap', dir: c.dir, len: c.len, pkt: headerFromJson(c.pkt) },
  );
  return { label: s.label, origin: s.origin, info: s.info, calls, bytes: 0 };
}

/**
 * Wraps the registry in place (for a vitest setup file: every test then feeds the recorder)
 * and appends each flow that ends to `file` as one JSON line. At most `perLabel` flows each.
 */
export function installRegistryRecorder(file: string, perLabel = 2000): void {
  const list = registry as AnalyzerDescriptor[];
  const names = labels();
  const count = new Map<string, number>();
  const testName = () =>
    (globalThis as { __vitest_worker__?: { filepath?: string } }).__vitest_worker__?.filepath;
  let flowNo = 0;
  list.forEach((d, i) => {
    list[i] = recording(
      d,
      names[i]!,
      () => `golden ${relative(REPO, testName() ?? 'test')} flow ${++flowNo}`,
      () => {},
      (f) => {
        const n = count.get(f.label) ?? 0;
        if (n >= perLabel || f.calls.length === 0) return;
        count.set(f.label, n + 1);
        const s: SerializedFlow = {
          label: f.label,
          origin: f.origin,
          info: f.info,
          calls: f.calls.map((c) =>
            c.t === 'data'
              ? { t: 'data', dir: c.dir, data: c.data.toString('base64'), pkt: headerJson(c.pkt) }
              : { t: 'gap', dir: c.dir, len: c.len, pkt: headerJson(c.pkt) },
          ),
        };
        appendFileSync(file, `${JSON.stringify(s)}\n`);
      },
    );
  });
}

/** Reads the JSON lines `installRegistryRecorder` wrote into the files of `dir`. */
export function readRecordedFlows(dir: string): SerializedFlow[] {
  const out: SerializedFlow[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.length > 0) out.push(JSON.parse(line) as SerializedFlow);
    }
  }
  return out;
}

/**
 * The flows of the analyzers' own tests (golden and malformed traces, fuzzed frames): runs the
 * `src/protocols` tests (but this harness's) in a child vitest whose setup file wraps the
 * registry in place, and reads back what it recorded. Failing tests there still record.
 */
export function collectGoldenSeeds(log: (line: string) => void = (l) => console.warn(l)): SerializedFlow[] {
  const dir = mkdtempSync(join(tmpdir(), 'lineguard-fuzz-'));
  try {
    const setup = join(dir, 'setup.ts');
    const out = join(dir, 'flows');
    writeFileSync(
      setup,
      `import { installRegistryRecorder } from ${JSON.stringify(fileURLToPath(import.meta.url))};\n` +
        `installRegistryRecorder(\`${out}-\${process.pid}.jsonl\`);\n`,
    );
    const config = join(dir, 'vitest.config.mjs');
    const test = {
      include: ['src/protocols/**/*.test.ts'],
      exclude: ['**/node_modules/**', 'src/protocols/fuzz.test.ts'],
      setupFiles: [setup],
      pool: 'forks',
      testTimeout: 60_000,
      reporters: ['dot'],
      passWithNoTests: true,
    };
    writeFileSync(config, `export default ${JSON.stringify({ root: REPO, test })};\n`);
    const started = performance.now();
    const r = spawnSync(join(REPO, 'node_modules', '.bin', 'vitest'), ['run', '--config', config], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 << 20,
    });
    const flows = readRecordedFlows(dir);
    const s = ((performance.now() - started) / 1000).toFixed(1);
    if (r.status !== 0) {
      const tail = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-4).join(' | ');
      log(
        `fuzz: the src/protocols tests (golden traces) did not all pass (${r.signal ?? `exit ${r.status}`}): ${tail}`,
      );
    }
    log(`fuzz: golden traces: ${flows.length} flows recorded from the src/protocols tests in ${s} s`);
    return flows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ── mutation ──

const INTERESTING: Record<1 | 2 | 4, readonly number[]> = {
  1: [0, 0xff, 0x7f, 0x80, 1],
  2: [0, 0xffff, 0x7fff, 0x8000, 1, 0xff, 0x100],
  4: [0, 0xffffffff, 0x7fffffff, 0x80000000, 1, 0xffff, 0x10000],
};
const GAP_LENGTHS = [1, 2, 3, 4, 8, 1460, 65_536, 1 << 20];

/**
 * A mutated copy of `seed` (1 to 8 mutations): flips, interesting values, truncation,
 * re-segmentation, splices with `all`, duplicates, drops, direction swaps, random chunks and
 * (TCP) gaps. Seed bytes are never changed: data is copied before it is written.
 */
export function mutate(seed: Seed, all: readonly Seed[], rand: () => number, tcp: boolean): Work[] {
  const int = (n: number) => Math.floor(rand() * n);
  const w: Work[] = seed.calls.map((c) => (c.t === 'data' ? { ...c, owned: false } : { ...c }));
  const pickData = (): number => {
    let n = 0;
    for (const c of w) if (c.t === 'data') n++;
    if (n === 0) return -1;
    let k = int(n);
    for (let i = 0; i < w.length; i++) if (w[i]!.t === 'data' && k-- === 0) return i;
    return -1;
  };
  const own = (i: number): Buffer => {
    const c = w[i] as Work & { t: 'data' };
    if (!c.owned) {
      c.data = Buffer.from(c.data);
      c.owned = true;
    }
    return c.data;
  };
  const headerFor = (dir: Direction): Packet =>
    (w.find((c) => c.dir === dir) ?? seed.calls.find((c) => c.dir === dir) ?? seed.calls[0]!).pkt;
  const rounds = rand() < 0.5 ? 1 : 2 + int(7);
  for (let k = 0; k < rounds; k++) {
    const op = int(tcp ? 12 : 11);
    if (op === 8 || op === 9 || op === 10) {
      // Structure: duplicate, drop, reverse a call; insert random bytes.
      if (w.length === 0) continue;
      const i = int(w.length);
      const c = w[i]!;
      if (op === 8)
        w.splice(i, 0, c.t === 'data' ? { ...c, data: Buffer.from(c.data), owned: true } : { ...c });
      else if (op === 9 && w.length > 1) w.splice(i, 1);
      else if (op === 10) {
        const dir: Direction = c.dir === 0 ? 1 : 0;
        w[i] = { ...c, dir, pkt: headerFor(dir) };
      }
      continue;
    }
    if (op === 11) {
      // TCP: lost bytes, in place of a chunk or anywhere.
      const i = pickData();
      if (i >= 0 && rand() < 0.5) {
        const c = w[i]!;
        w[i] = { t: 'gap', dir: c.dir, len: c.t === 'data' ? c.data.length : 1, pkt: c.pkt };
      } else {
        const dir: Direction = rand() < 0.5 ? 0 : 1;
        w.splice(int(w.length + 1), 0, {
          t: 'gap',
          dir,
          len: GAP_LENGTHS[int(GAP_LENGTHS.length)]!,
          pkt: headerFor(dir),
        });
      }
      continue;
    }
    if (op === 7) {
      const dir: Direction = rand() < 0.5 ? 0 : 1;
      const data = Buffer.allocUnsafe(1 + int(64));
      for (let j = 0; j < data.length; j++) data[j] = int(256);
      w.splice(int(w.length + 1), 0, { t: 'data', dir, data, pkt: headerFor(dir), owned: true });
      continue;
    }
    const i = pickData();
    if (i < 0) continue;
    const c = w[i] as Work & { t: 'data' };
    const len = c.data.length;
    // The engine may deliver an empty chunk (a segment whose bytes were all seen before).
    if (len === 0 && op <= 2) continue;
    if (op === 0) {
      const b = own(i);
      for (let n = 1 + int(8); n > 0; n--) b[int(len)]! ^= 1 << int(8);
    } else if (op === 1) {
      const b = own(i);
      for (let n = 1 + int(4); n > 0; n--) b[int(len)] = int(256);
    } else if (op === 2) {
      let width = ([1, 2, 4] as const)[int(3)]!;
      if (len < width) width = 1;
      const b = own(i);
      const pos = int(len - width + 1);
      const le = rand() < 0.5;
      const max = width === 4 ? 0x1_0000_0000 : 1 << (8 * width);
      const cur = le ? b.readUIntLE(pos, width) : b.readUIntBE(pos, width);
      const pick = int(3);
      let v: number;
      if (pick === 0) v = INTERESTING[width][int(INTERESTING[width].length)]!;
      else if (pick === 1) v = cur + (rand() < 0.5 ? 1 : -1);
      else v = [len, len - pos, len - pos - width][int(3)]! + int(3) - 1;
      v = ((v % max) + max) % max;
      if (le) b.writeUIntLE(v, pos, width);
      else b.writeUIntBE(v, pos, width);
    } else if (op === 3) {
      if (rand() < 0.25 && w.length > 1) w.length = 1 + int(w.length - 1);
      else if (len > 1) c.data = c.data.subarray(0, 1 + int(len - 1));
      else w.splice(i, 1);
    } else if (op === 4) {
      // Re-segmentation: two pieces, or (short chunks) byte by byte.
      if (len < 2) continue;
      const cuts =
        len <= 64 && rand() < 0.15 ? Array.from({ length: len - 1 }, (_, j) => j + 1) : [1 + int(len - 1)];
      const parts: Work[] = [];
      let from = 0;
      for (const at of [...cuts, len]) {
        parts.push({ ...c, data: c.data.subarray(from, at) });
        from = at;
      }
      w.splice(i, 1, ...parts);
    } else if (op === 5) {
      let j = i + 1;
      while (j < w.length && !(w[j]!.t === 'data' && w[j]!.dir === c.dir)) j++;
      const next = w[j];
      if (next?.t !== 'data') continue;
      w[i] = { ...c, data: Buffer.concat([c.data, next.data]), owned: true };
      w.splice(j, 1);
    } else if (op === 6) {
      // Splice: a prefix of this chunk and a suffix of a chunk from any seed.
      const other = all[int(all.length)]!.calls.filter((x) => x.t === 'data');
      const o = other[int(other.length)];
      if (o?.t !== 'data') continue;
      const data = Buffer.concat([c.data.subarray(0, int(len + 1)), o.data.subarray(int(o.data.length))]);
      if (data.length === 0) continue;
      w[i] = { ...c, data, owned: true };
    }
  }
  return w;
}

/** The calls of a flow as text: one header line per call, data as a hex dump (512 bytes at most each). */
export function dumpCalls(calls: readonly Work[] | readonly Call[]): string {
  const lines: string[] = [];
  for (const [n, c] of calls.entries()) {
    if (n >= 64) {
      lines.push(`… ${calls.length - n} more calls`);
      break;
    }
    if (c.t === 'gap') {
      lines.push(`#${n} gap dir ${c.dir} len ${c.len}`);
      continue;
    }
    lines.push(`#${n} data dir ${c.dir}, ${c.data.length} bytes (frame ${c.pkt.frame})`);
    const shown = Math.min(c.data.length, 512);
    for (let o = 0; o < shown; o += 16) {
      const row = c.data.subarray(o, Math.min(o + 16, shown));
      const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      lines.push(`  ${o.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${text}`);
    }
    if (shown < c.data.length) lines.push(`  … ${c.data.length - shown} more bytes`);
  }
  return lines.join('\n');
}

// ── replay ──

export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The PRNG seed of one iteration: replays it alone. */
export function iterationSeed(seed: number, label: string, iteration: number): number {
  let h = (hash32(label) ^ Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(iteration + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Counts {
  events: number;
  anomalies: number;
  /** What the analyzer asked to run when the flow ends (`onClose`), run after its `end`. */
  closers: (() => void)[];
}

const counts = (): Counts => ({ events: 0, anomalies: 0, closers: [] });

const fuzzPacket = new Packet();

/** A minimal context: a real Packet (set per call), the flow's endpoints, counting sinks. */
function context(info: FlowInfo, c: Counts): AnalyzerContext {
  const pkt = fuzzPacket;
  // Typed so that it fits the contract with or without `onClose` (added while this was written).
  const ctx: AnalyzerContext & { onClose(cb: () => void): void } = {
    flow: info,
    packet: pkt,
    source: 'fuzz',
    emit(e) {
      c.events++;
      if (e.kind === 'anomaly.observed') c.anomalies++;
    },
    evidence: () => ({ source: 'fuzz', ts: pkt.tsUs / 1000, frame: pkt.frame }),
    anomaly() {
      c.events++;
      c.anomalies++;
    },
    setApp() {},
    onClose(cb) {
      c.closers.push(cb);
    },
  };
  return ctx;
}

/** The flow ends: the analyzer's `end`, then its close hooks, as the engine does. */
function close(inst: AnalyzerInstance, c: Counts): void {
  inst.end?.();
  for (const cb of c.closers) cb();
}

function setPacket(h: Packet, buf: Buffer, off: number, len: number): void {
  const p = fuzzPacket;
  copyHeader(h, p);
  p.data = buf;
  p.off = off;
  p.caplen = len;
  p.l2PayloadOff = off;
  p.l2PayloadLen = len;
  p.payloadOff = off;
  p.payloadLen = len;
}

/**
 * Feeds `calls` to `inst` (probing the first chunk of each direction like the engine would).
 * With `pad`, each chunk sits inside a larger buffer at an offset: `off`/`len` must be honoured.
 */
function feed(
  d: AnalyzerDescriptor,
  inst: AnalyzerInstance,
  calls: readonly Work[],
  pad: boolean,
  end?: Counts,
): void {
  let probed = 0;
  for (const c of calls) {
    if (c.t === 'gap') {
      setPacket(c.pkt, c.pkt.data, 0, 0);
      inst.gap?.(c.dir, c.len);
      continue;
    }
    let buf = c.data;
    let off = 0;
    if (pad) {
      off = 1 + (c.data.length & 15);
      buf = Buffer.allocUnsafe(off + c.data.length + 7).fill(0xa5);
      c.data.copy(buf, off);
    }
    setPacket(c.pkt, buf, off, c.data.length);
    if (d.probe && !(probed & (1 << c.dir))) {
      probed |= 1 << c.dir;
      d.probe(buf, off, c.data.length, c.dir);
    }
    inst.data(c.dir, buf, off, c.data.length);
  }
  if (end) close(inst, end);
}

export interface FuzzFailure {
  kind: 'exception' | 'flood' | 'memory';
  label: string;
  /** -1: the long-flow memory check. */
  iteration: number;
  /** PRNG seed of the iteration (and the run's --seed). */
  seed: number;
  runSeed: number;
  signature: string;
  origin: string;
  message: string;
  stack?: string;
  input: string;
}

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** Heap after GC is sampled every this many iterations (default iterations / 20; 0: never). */
  heapEvery?: number;
  /** Allowed growth of heap used after GC from the first sample to any later one (MiB). */
  heapBoundMiB?: number;
  /** Bytes fed to one instance by the long-flow check, and its allowed retained growth (MiB). */
  longFlowBytes?: number;
  longFlowBoundMiB?: number;
  /**
   * Events (anomalies included) one replayed flow may emit: `base` + `perKiB` per KiB of input
   * (default 256 + 512: more than an event per two bytes is amplification, not parsing).
   */
  flood?: { base: number; perKiB: number };
  /** Failures kept with their input (the count goes on). */
  keep?: number;
  onProgress?: (done: number) => void;
  /** Run this one iteration only (replay). */
  only?: number;
}

export interface FuzzResult {
  label: string;
  seeds: number;
  synthetic: boolean;
  iterations: number;
  exceptions: number;
  floods: number;
  /** Heap growth over the run or a long flow's retained memory beyond their bounds. */
  memory: number;
  events: number;
  anomalies: number;
  /** Largest number of events from one replayed flow. */
  maxFlowEvents: number;
  peakHeapMiB: number;
  heapGrowthMiB: number;
  longFlowMiB: number;
  slowestMs: number;
  seconds: number;
  /** Seconds spent in the iterations themselves (no heap samples, no long flow). */
  loopSeconds: number;
  /** Failures by signature (kind, error, first frame in src/ outside this harness) and count. */
  signatures: Record<string, number>;
  /** The first `keep` failures of each signature, with their input. */
  failures: FuzzFailure[];
}

/** Where a failure comes from: its kind, and for a throw the error and the first frame in the code under test. */
function signatureOf(f: Omit<FuzzFailure, 'label' | 'runSeed' | 'signature'>): string {
  if (f.kind !== 'exception') return f.kind;
  const frame = f.stack
    ?.split('\n')
    .find((l) => /\/src\/.*:\d+:\d+/.test(l) && !l.includes('/testing/fuzz.ts'))
    ?.trim()
    .replace(/\(?\/.*?\/src\//, '(src/');
  const error = (f.stack?.split('\n')[0] ?? f.message).replace(/-?\d+/g, 'N');
  return `exception ${error} ${frame ?? ''}`.trim();
}

let gcFn: (() => void) | undefined;

/** `global.gc` (node --expose-gc), or one obtained at run time (under vitest). */
export function gc(): () => void {
  if (gcFn) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) gcFn = g;
  else {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  return gcFn;
}

const MiB = 1 << 20;

function heapAfterGc(): number {
  const collect = gc();
  collect();
  return process.memoryUsage().heapUsed;
}

export function fuzzTarget(t: Target, o: FuzzOptions): FuzzResult {
  const d = t.descriptor;
  const keep = o.keep ?? 5;
  const flood = o.flood ?? { base: 256, perKiB: 512 };
  const heapEvery = o.heapEvery ?? Math.max(1, Math.ceil(o.iterations / 20));
  const res: FuzzResult = {
    label: t.label,
    seeds: t.seeds.length,
    synthetic: t.synthetic,
    iterations: 0,
    exceptions: 0,
    floods: 0,
    memory: 0,
    events: 0,
    anomalies: 0,
    maxFlowEvents: 0,
    peakHeapMiB: 0,
    heapGrowthMiB: 0,
    longFlowMiB: 0,
    slowestMs: 0,
    seconds: 0,
    loopSeconds: 0,
    signatures: {},
    failures: [],
  };
  const fail = (f: Omit<FuzzFailure, 'label' | 'runSeed' | 'signature'>) => {
    const signature = signatureOf(f);
    const n = (res.signatures[signature] ?? 0) + 1;
    res.signatures[signature] = n;
    if (n <= keep) res.failures.push({ label: t.label, runSeed: o.seed, signature, ...f });
  };
  const started = performance.now();
  const first = o.only ?? 0;
  const last = o.only !== undefined ? o.only + 1 : o.iterations;
  let base = -1;
  for (let i = first; i < last; i++) {
    if (o.only === undefined && heapEvery > 0 && i % heapEvery === 0) {
      const h = heapAfterGc();
      if (base < 0) base = h;
      res.peakHeapMiB = Math.max(res.peakHeapMiB, h / MiB);
      res.heapGrowthMiB = Math.max(res.heapGrowthMiB, (h - base) / MiB);
      o.onProgress?.(i);
    }
    const tStart = performance.now();
    const seed = iterationSeed(o.seed, t.label, i);
    const rand = rng(seed);
    const s = t.seeds[Math.floor(rand() * t.seeds.length)]!;
    const calls = mutate(s, t.seeds, rand, d.transport === 'tcp');
    const count = counts();
    const t0 = performance.now();
    try {
      feed(d, d.create(context(s.info, count)), calls, rand() < 0.25, count);
      res.slowestMs = Math.max(res.slowestMs, performance.now() - t0);
    } catch (e) {
      res.exceptions++;
      const err = e instanceof Error ? e : new Error(String(e));
      fail({
        kind: 'exception',
        iteration: i,
        seed,
        origin: s.origin,
        message: err.message,
        ...(err.stack ? { stack: err.stack } : {}),
        input: dumpCalls(calls),
      });
    }
    res.iterations++;
    res.events += count.events;
    res.anomalies += count.anomalies;
    res.maxFlowEvents = Math.max(res.maxFlowEvents, count.events);
    let bytes = 0;
    for (const c of calls) if (c.t === 'data') bytes += c.data.length;
    const limit = flood.base + Math.ceil((flood.perKiB * bytes) / 1024);
    if (count.events > limit || count.anomalies > 2 * MAX_ANOMALIES) {
      res.floods++;
      fail({
        kind: 'flood',
        iteration: i,
        seed,
        origin: s.origin,
        message: `${count.events} events (${count.anomalies} anomalies) from one flow of ${bytes} bytes; limit ${limit}`,
        input: dumpCalls(calls),
      });
    }
    res.loopSeconds += (performance.now() - tStart) / 1000;
  }
  if (o.only === undefined && heapEvery > 0) {
    const h = heapAfterGc();
    if (base < 0) base = h;
    res.peakHeapMiB = Math.max(res.peakHeapMiB, h / MiB);
    res.heapGrowthMiB = Math.max(res.heapGrowthMiB, (h - base) / MiB);
    const bound = o.heapBoundMiB ?? 64;
    if (res.heapGrowthMiB > bound) {
      res.memory++;
      fail({
        kind: 'memory',
        iteration: res.iterations,
        seed: o.seed,
        origin: '',
        message: `heap used after GC grew ${res.heapGrowthMiB.toFixed(1)} MiB over the run (bound ${bound} MiB)`,
        input: '',
      });
    }
  }
  if (o.only === undefined) longFlow(t, o, res, fail);
  res.seconds = (performance.now() - started) / 1000;
  return res;
}

/** One instance fed mutated seeds back to back: what it retains must stay bounded. */
function longFlow(
  t: Target,
  o: FuzzOptions,
  res: FuzzResult,
  fail: (f: Omit<FuzzFailure, 'label' | 'runSeed' | 'signature'>) => void,
): void {
  const budget = o.longFlowBytes ?? 16 * MiB;
  const bound = o.longFlowBoundMiB ?? 16;
  if (budget <= 0) return;
  const seed = iterationSeed(o.seed, t.label, -1);
  const rand = rng(seed);
  const count = counts();
  const s0 = t.seeds[0]!;
  const mem = () => {
    gc()();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  let last: Work[] = [];
  try {
    const inst = t.descriptor.create(context(s0.info, count));
    const before = mem();
    let fed = 0;
    let k = 0;
    while (fed < budget) {
      const s = t.seeds[k++ % t.seeds.length]!;
      last =
        rand() < 0.5
          ? s.calls.map((c) => ({ ...c, owned: false }))
          : mutate(s, t.seeds, rand, t.descriptor.transport === 'tcp');
      feed(t.descriptor, inst, last, rand() < 0.25);
      let n = 0;
      for (const c of last) if (c.t === 'data') n += c.data.length;
      fed += Math.max(1, n);
    }
    const grown = (mem() - before) / MiB;
    res.longFlowMiB = grown;
    if (grown > bound) {
      res.memory++;
      fail({
        kind: 'memory',
        iteration: -1,
        seed,
        origin: 'long flow',
        message: `one flow fed ${(fed / MiB).toFixed(1)} MiB retains ${grown.toFixed(1)} MiB more (bound ${bound} MiB)`,
        input: '',
      });
    }
    close(inst, count);
  } catch (e) {
    res.exceptions++;
    const err = e instanceof Error ? e : new Error(String(e));
    fail({
      kind: 'exception',
      iteration: -1,
      seed,
      origin: 'long flow (seeds fed back to back into one instance)',
      message: err.message,
      ...(err.stack ? { stack: err.stack } : {}),
      input: `(last seed fed)\n${dumpCalls(last)}`,
    });
  }
}
