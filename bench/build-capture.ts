/**
 * Builds the benchmark capture `bench/out/bench-<N>MB.pcap` (N in MiB) from the classic
 * little-endian Ethernet pcaps in `../shared/pcaps/bench`, by streaming: the inputs (a few MB)
 * are held once, the output is written segment by segment and never held whole.
 *
 * The inputs are repeated in order until the output reaches N MiB; the last segment is cut at
 * the first record boundary at or past the size, so a smaller build is a prefix of a larger one.
 * Each segment is shifted in time to start one second after the previous one ended, so time
 * only increases and the whole capture is one contiguous stretch (the first segment keeps its
 * own times; a later input recorded years apart is moved next to it). For each
 * repetition r (0, 1, 2, ...) every IPv4 source and destination address a.b.c.d becomes
 * a.(b ^ r & 0xff).(c ^ r >> 8 & 0xff).d — repetition 0 is the original traffic, each later one
 * is new hosts and so new flows rather than retransmissions of the old ones. Only frames whose
 * EtherType at offset 12 is IPv4 (0x0800), directly or behind 802.1Q / 802.1ad tags, are
 * rewritten; the IPv4 header checksum and the TCP / UDP checksum (whose pseudo-header holds the
 * addresses) are adjusted incrementally (RFC 1624), so a checksum that was right stays right and
 * one that was wrong (offloaded) stays wrong the same way. ARP and payload bytes are untouched.
 *
 * A finished build is reused when its sidecar `.json` matches the same size and inputs; output
 * goes to a temporary file renamed into place, so nothing half-written is ever reused.
 *
 * Usage: node --import tsx bench/build-capture.ts [--mb 256]
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const MiB = 1024 * 1024;
/** Bump when the same inputs and size would give different output bytes. */
const BUILD_FORMAT = 2;
const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
/** Largest record accepted from an input (the largest snaplen in use). */
const MAX_RECORD = 262144;
/** Gap between the last packet of one segment and the first of the next, in seconds. */
const SEGMENT_GAP_S = 1n;

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const benchOutDir = join(repoRoot, 'bench', 'out');
/** `../shared/pcaps/bench`, located from the repository root. */
export const benchSourceDir = resolve(repoRoot, '..', 'shared', 'pcaps', 'bench');

/** An input that is not a classic little-endian Ethernet pcap, or is damaged. */
export class CaptureInputError extends Error {
  override name = 'CaptureInputError';
}

export type BuiltCapture = {
  path: string;
  mb: number;
  bytes: number;
  packets: number;
  /** Segments written (one input file each; the last may be cut). */
  segments: number;
  repetitions: number;
  reused: boolean;
  seconds: number;
};

type Input = {
  name: string;
  size: number;
  mtimeMs: number;
  nano: boolean;
  snaplen: number;
  /** The records, without the 24-byte file header. */
  body: Buffer;
  /** Per record: offset in body, end offset, IPv4 header offset (-1: none), TCP/UDP checksum offset (-1: none). */
  recOff: Int32Array;
  recEnd: Int32Array;
  ipOff: Int32Array;
  l4SumOff: Int32Array;
  l4Udp: Uint8Array;
  /** Earliest and latest timestamp, in units of the file's resolution. */
  minTs: bigint;
  maxTs: bigint;
};

type Meta = {
  format: number;
  mb: number;
  inputs: { name: string; size: number; mtimeMs: number }[];
  bytes: number;
  packets: number;
  segments: number;
  repetitions: number;
};

function isVlanTag(ethertype: number): boolean {
  return ethertype === 0x8100 || ethertype === 0x88a8 || ethertype === 0x9100;
}

/** Reads and checks one input; throws CaptureInputError naming the file and offset. */
function readInput(path: string): Input {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const st = statSync(path);
  const buf = readFileSync(path);
  const fail = (why: string): never => {
    throw new CaptureInputError(
      `${path}: ${why} (the benchmark takes classic little-endian pcap with Ethernet frames only)`,
    );
  };
  if (buf.length < 24) fail('shorter than a pcap file header');
  const magic = buf.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) fail('is pcapng, not classic pcap');
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) fail('is big-endian pcap');
  if (magic !== MAGIC_MICRO && magic !== MAGIC_NANO) fail(`unknown magic 0x${magic.toString(16)}`);
  const major = buf.readUInt16LE(4);
  const minor = buf.readUInt16LE(6);
  if (major !== 2 || minor !== 4) fail(`pcap version ${major}.${minor}, expected 2.4`);
  const snaplen = buf.readUInt32LE(16);
  const linktype = buf.readUInt32LE(20) & 0x0fffffff;
  if (linktype !== LINKTYPE_ETHERNET) fail(`link type ${linktype}, expected 1 (Ethernet)`);
  const nano = magic === MAGIC_NANO;
  const unit = nano ? 1_000_000_000 : 1_000_000;

  const body = buf.subarray(24);
  const offs: number[] = [];
  const ends: number[] = [];
  const ips: number[] = [];
  const sums: number[] = [];
  const udps: number[] = [];
  let minTs = -1n;
  let maxTs = -1n;
  let p = 0;
  while (p < body.length) {
    if (p + 16 > body.length) fail(`truncated record header at offset ${p + 24}`);
    const sec = body.readUInt32LE(p);
    const frac = body.readUInt32LE(p + 4);
    const incl = body.readUInt32LE(p + 8);
    if (frac >= unit) fail(`timestamp fraction ${frac} out of range at offset ${p + 24}`);
    if (incl > MAX_RECORD) fail(`record length ${incl} at offset ${p + 24} exceeds ${MAX_RECORD}`);
    const end = p + 16 + incl;
    if (end > body.length) fail(`truncated record at offset ${p + 24}`);
    const ts = BigInt(sec) * BigInt(unit) + BigInt(frac);
    if (minTs < 0n || ts < minTs) minTs = ts;
    if (ts > maxTs) maxTs = ts;

    let ip = -1;
    let l4 = -1;
    let udp = 0;
    const f = p + 16;
    if (incl >= 14) {
      let t = 12;
      let type = body.readUInt16BE(f + t);
      while (isVlanTag(type) && t + 6 <= incl) {
        t += 4;
        type = body.readUInt16BE(f + t);
      }
      const h = t + 2;
      if (type === 0x0800 && h + 20 <= incl && body[f + h]! >> 4 === 4) {
        const ihl = (body[f + h]! & 0x0f) * 4;
        if (ihl >= 20 && h + ihl <= incl) {
          ip = f + h;
          const proto = body[ip + 9]!;
          const fragOffset = body.readUInt16BE(ip + 6) & 0x1fff;
          const l4h = h + ihl;
          if (fragOffset === 0 && proto === 6 && l4h + 18 <= incl) l4 = f + l4h + 16;
          if (fragOffset === 0 && proto === 17 && l4h + 8 <= incl) {
            l4 = f + l4h + 6;
            udp = 1;
          }
        }
      }
    }
    offs.push(p);
    ends.push(end);
    ips.push(ip);
    sums.push(l4);
    udps.push(udp);
    p = end;
  }
  if (offs.length === 0) fail('holds no packets');
  return {
    name,
    size: st.size,
    mtimeMs: st.mtimeMs,
    nano,
    snaplen,
    body,
    recOff: Int32Array.from(offs),
    recEnd: Int32Array.from(ends),
    ipOff: Int32Array.from(ips),
    l4SumOff: Int32Array.from(sums),
    l4Udp: Uint8Array.from(udps),
    minTs,
    maxTs,
  };
}

function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with m and m' one's-complement sums of the changed words. */
function adjustChecksum(hc: number, oldSum: number, newSum: number): number {
  return ~fold((~hc & 0xffff) + (~oldSum & 0xffff) + newSum) & 0xffff;
}

function addressSum(buf: Buffer, ip: number): number {
  return fold(
    buf.readUInt16BE(ip + 12) +
      buf.readUInt16BE(ip + 14) +
      buf.readUInt16BE(ip + 16) +
      buf.readUInt16BE(ip + 18),
  );
}

function rewriteIPv4(buf: Buffer, ip: number, l4Sum: number, udp: boolean, k2: number, k3: number): void {
  const before = addressSum(buf, ip);
  buf[ip + 13]! ^= k2;
  buf[ip + 14]! ^= k3;
  buf[ip + 17]! ^= k2;
  buf[ip + 18]! ^= k3;
  const after = addressSum(buf, ip);
  buf.writeUInt16BE(adjustChecksum(buf.readUInt16BE(ip + 10), before, after), ip + 10);
  if (l4Sum < 0) return;
  const old = buf.readUInt16BE(l4Sum);
  if (udp && old === 0) return; // UDP without a checksum
  const next = adjustChecksum(old, before, after);
  buf.writeUInt16BE(udp && next === 0 ? 0xffff : next, l4Sum);
}

/** Patches records [0, count) of `buf` (a copy of input.body) for one segment. */
function patchSegment(input: Input, buf: Buffer, count: number, delta: bigint, rep: number): void {
  const unit = input.nano ? 1_000_000_000n : 1_000_000n;
  // floor division, so that dFrac is in [0, unit) also for a negative delta
  let q = delta / unit;
  if (q * unit > delta) q -= 1n;
  const dSec = Number(q);
  const dFrac = Number(delta - q * unit);
  const unitN = Number(unit);
  const k2 = rep & 0xff;
  const k3 = (rep >>> 8) & 0xff;
  const rewrite = k2 !== 0 || k3 !== 0;
  for (let i = 0; i < count; i++) {
    const o = input.recOff[i]!;
    let sec = buf.readUInt32LE(o) + dSec;
    let frac = buf.readUInt32LE(o + 4) + dFrac;
    if (frac >= unitN) {
      frac -= unitN;
      sec += 1;
    }
    if (sec > 0xffffffff || sec < 0) {
      throw new Error('shifted timestamps leave the 1970–2106 range of pcap; ask for a smaller capture');
    }
    buf.writeUInt32LE(sec, o);
    buf.writeUInt32LE(frac, o + 4);
    const ip = input.ipOff[i]!;
    if (rewrite && ip >= 0) rewriteIPv4(buf, ip, input.l4SumOff[i]!, input.l4Udp[i] === 1, k2, k3);
  }
}

/** The pcap files of the source directory, sorted by name. */
export function listSourcePcaps(sourceDir: string = benchSourceDir): string[] {
  return readdirSync(sourceDir)
    .filter((n) => n.endsWith('.pcap'))
    .sort()
    .map((n) => join(sourceDir, n));
}

function readMeta(path: string): Meta | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Meta;
  } catch {
    return undefined;
  }
}

/** Builds (or reuses) `bench-<mb>MB.pcap` in outDir. Throws CaptureInputError for a bad input. */
export function buildCapture(
  mb: number,
  opts: { sourceDir?: string; outDir?: string; log?: (line: string) => void } = {},
): BuiltCapture {
  if (!Number.isInteger(mb) || mb < 1)
    throw new RangeError(`capture size must be a whole number of MiB ≥ 1, got ${mb}`);
  const started = performance.now();
  const sourceDir = opts.sourceDir ?? benchSourceDir;
  const outDir = opts.outDir ?? benchOutDir;
  const log = opts.log ?? (() => {});
  const paths = listSourcePcaps(sourceDir);
  if (paths.length === 0) throw new CaptureInputError(`${sourceDir}: no .pcap files`);
  const out = join(outDir, `bench-${mb}MB.pcap`);
  const metaPath = `${out}.json`;
  const inputStats = paths.map((p) => {
    const st = statSync(p);
    return { name: p.slice(p.lastIndexOf('/') + 1), size: st.size, mtimeMs: st.mtimeMs };
  });

  const old = readMeta(metaPath);
  if (
    old !== undefined &&
    old.format === BUILD_FORMAT &&
    old.mb === mb &&
    JSON.stringify(old.inputs) === JSON.stringify(inputStats) &&
    existsSync(out) &&
    statSync(out).size === old.bytes
  ) {
    return { path: out, ...old, reused: true, seconds: (performance.now() - started) / 1000 };
  }

  const inputs = paths.map(readInput);
  const first = inputs[0]!;
  for (const input of inputs) {
    if (input.nano !== first.nano) {
      throw new CaptureInputError(
        `${sourceDir}: ${first.name} and ${input.name} mix micro- and nanosecond timestamps`,
      );
    }
  }
  const unit = first.nano ? 1_000_000_000n : 1_000_000n;
  const header = Buffer.alloc(24);
  header.writeUInt32LE(first.nano ? MAGIC_NANO : MAGIC_MICRO, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(Math.max(...inputs.map((i) => i.snaplen)), 16);
  header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  const scratch = inputs.map((i) => Buffer.allocUnsafe(i.body.length));

  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const target = mb * MiB;
  let fd = -1;
  let written = 0;
  let packets = 0;
  let segments = 0;
  let rep = 0;
  try {
    rmSync(metaPath, { force: true });
    fd = openSync(tmp, 'w');
    writeSync(fd, header);
    written = header.length;
    let lastTs = -1n;
    build: for (; ; rep++) {
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        const buf = scratch[k]!;
        let count = input.recOff.length;
        if (written + input.body.length >= target) {
          // cut at the first record whose end reaches the target
          count = 1;
          while (written + input.recEnd[count - 1]! < target) count++;
        }
        const want = lastTs < 0n ? input.minTs : lastTs + SEGMENT_GAP_S * unit;
        const delta = want - input.minTs;
        const len = input.recEnd[count - 1]!;
        input.body.copy(buf, 0, 0, len);
        patchSegment(input, buf, count, delta, rep);
        let off = 0;
        while (off < len) off += writeSync(fd, buf, off, len - off);
        written += len;
        packets += count;
        segments++;
        lastTs = input.maxTs + delta;
        if (written >= target) break build;
      }
      if (rep % 16 === 15) log(`  ${(written / MiB).toFixed(0)} / ${mb} MiB`);
    }
    closeSync(fd);
    fd = -1;
    renameSync(tmp, out);
  } finally {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
  }
  const meta: Meta = {
    format: BUILD_FORMAT,
    mb,
    inputs: inputStats,
    bytes: written,
    packets,
    segments,
    repetitions: rep + 1,
  };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 1)}\n`);
  return { path: out, ...meta, reused: false, seconds: (performance.now() - started) / 1000 };
}

function main(): number {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '256' } } });
  const mb = Number(values.mb);
  if (!Number.isInteger(mb) || mb < 1) {
    console.error(`build-capture: --mb must be a whole number ≥ 1, got "${values.mb}"`);
    return 2;
  }
  if (!existsSync(benchSourceDir)) {
    console.log(`build-capture: ${benchSourceDir} is absent; nothing to build.`);
    return 0;
  }
  try {
    const c = buildCapture(mb, { log: (l) => console.error(l) });
    console.log(
      `${c.path}: ${c.packets} packets, ${(c.bytes / MiB).toFixed(1)} MiB, ${c.repetitions} repetitions` +
        (c.reused ? ' (reused)' : ` (built in ${c.seconds.toFixed(2)} s)`),
    );
    return 0;
  } catch (e) {
    if (e instanceof CaptureInputError) {
      console.error(`build-capture: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main();
}
