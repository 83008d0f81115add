import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type Host, udpFrame } from '../sim/frames.js';
import { writePcap } from '../sim/pcap-writer.js';
import { PcapngWriter } from '../sim/pcapng-writer.js';
import { analyze } from './analyze.js';
import { CaptureError } from './errors.js';
import { openFile, openStream } from './source.js';
import { collect, collectBytes } from './testing/support.js';

const A: Host = { mac: '02:00:00:00:00:01', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:02', ip: '10.0.0.2' };

const dir = mkdtempSync(join(tmpdir(), 'lineguard-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frames = Array.from({ length: 300 }, (_, i) =>
  udpFrame(A, B, 1000 + i, 502, Buffer.alloc((i * 13) % 700, i)),
);
const pcap = writePcap(frames);
const ng = (() => {
  const w = new PcapngWriter();
  w.addInterface({ linktype: 1, tsresol: 9 });
  for (const [i, f] of frames.entries()) w.packet(0, 1_700_000_000_000_000 + i, f);
  return w.toBuffer();
})();

function file(name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** A stream handing out `size`-byte chunks, as a pipe or standard input would. */
function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts);
}

describe('sources', () => {
  it('a plain and a gzip-compressed file read the same packets', async () => {
    const base = await collectBytes(pcap);
    for (const [name, data] of [
      ['a.pcap', pcap],
      ['a.pcap.gz', gzipSync(pcap)],
      ['renamed-gz.pcap', gzipSync(pcap, { level: 1 })],
    ] as const) {
      const src = await openFile(file(name, data));
      expect(src.size).toBe(data.length);
      const { recs, result } = await collect(src, { chunkSize: 4096 });
      expect(src.consumed).toBe(data.length);
      await src.close();
      expect(result.error).toBeNull();
      expect(result.bytes).toBe(pcap.length);
      expect(recs).toEqual(base.recs);
    }
  });

  it('gzip and plain streams, in 1-byte and odd chunks, read the same packets', async () => {
    const small = writePcap(frames.slice(0, 40));
    for (const data of [pcap, ng, small]) {
      const base = await collectBytes(data);
      // Byte-by-byte (standard input from a slow pipe) on the small capture only: it is slow.
      const sizes = data === small ? [1] : [4097, 333];
      for (const size of sizes) {
        for (const input of [data, gzipSync(data)]) {
          const src = await openStream('-', chunked(input, size), -1);
          const { recs, result } = await collect(src, { chunkSize: 1000 });
          await src.close();
          expect(result.error).toBeNull();
          expect(result.records).toBe(base.recs.length);
          expect(recs).toEqual(base.recs);
          expect(src.consumed).toBe(input.length);
        }
      }
    }
  });

  it('a stream that pauses between chunks (a live pipe) still delivers everything', async () => {
    const pipe = new PassThrough();
    const srcP = openStream('pipe', pipe);
    const feed = (async () => {
      for (let i = 0; i < pcap.length; i += 500) {
        pipe.write(pcap.subarray(i, i + 500));
        await new Promise((r) => setImmediate(r));
      }
      pipe.end();
    })();
    const src = await srcP;
    const { recs, result } = await collect(src);
    await feed;
    expect(result.error).toBeNull();
    expect(recs).toHaveLength(300);
  });

  it('a 1-byte gzip header alone, or an empty stream, is not a capture', async () => {
    for (const data of [Buffer.from([0x1f]), Buffer.alloc(0)]) {
      const src = await openStream('-', chunked(data, 1));
      const { result } = await collect(src);
      expect(result.error?.code).toBe('not-a-capture');
      expect(result.error?.offset).toBe(0);
    }
  });

  it('corrupt or cut gzip: packets before the damage, then an io error', async () => {
    const gz = gzipSync(pcap);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const src = await openStream('cut.gz', chunked(cut, 1000));
    const { recs, result } = await collect(src);
    await src.close();
    expect(result.error?.code).toBe('io');
    expect(result.error?.message).toMatch(/^cut\.gz: read failed/);
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.length).toBeLessThan(300);
    const base = await collectBytes(pcap);
    expect(recs).toEqual(base.recs.slice(0, recs.length));

    const bad = Buffer.from(gz);
    bad.fill(0x55, 10, 40); // deflate data overwritten
    const src2 = await openFile(file('bad.gz', bad));
    const r2 = await collect(src2);
    await src2.close();
    expect(r2.result.error?.code).toBe('io');
  });

  it('a missing file and a directory are io errors naming the path', async () => {
    const missing = join(dir, 'missing.pcap');
    await expect(openFile(missing)).rejects.toMatchObject({
      code: 'io',
      input: missing,
      message: `${missing}: no such file`,
    });
    const e = await openFile(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CaptureError);
    expect((e as CaptureError).message).toBe(`${dir}: is a directory`);
  });

  it('analyze() reads files, gzip and not, and reports a broken input without stopping the rest', async () => {
    const missing = join(dir, 'nope.pcap');
    const s = await analyze([file('b.pcap', pcap), missing, file('b.pcapng.gz', gzipSync(ng))], {
      analyzers: [],
    });
    expect(
      s.inputs.map((i) => [i.input.replace(dir, ''), i.format, i.packets, i.bytes, i.error?.code]),
    ).toEqual([
      ['/b.pcap', 'pcap', 300, pcap.length, undefined],
      ['/nope.pcap', null, 0, 0, 'io'],
      ['/b.pcapng.gz', 'pcapng', 300, ng.length, undefined],
    ]);
    expect(s.packets).toBe(600);
    expect(s.captureBytes).toBe(pcap.length + ng.length);
  });

  it('reports progress in compressed bytes for gzip files', async () => {
    const gz = gzipSync(Buffer.concat([pcap, ...Array.from({ length: 40 }, () => pcap.subarray(24))]));
    const p = file('big.pcap.gz', gz);
    const seen: number[] = [];
    const s = await analyze([p], { analyzers: [], onProgress: (pr) => seen.push(pr.consumed) });
    expect(s.packets).toBe(300 * 41);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(gz.length);
    expect(seen.at(-1)).toBe(gz.length);
  });
});
