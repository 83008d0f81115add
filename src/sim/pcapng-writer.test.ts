import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectBytes } from '../capture/testing/support.js';
import { udpFrame } from './frames.js';
import { PcapngWriter, TSRESOL_NS, timestampUnits, tsresolPow2 } from './pcapng-writer.js';

const A = { mac: '02:00:00:00:00:01', ip: '10.0.0.1' };
const B = { mac: '02:00:00:00:00:02', ip: '10.0.0.2' };

describe('PcapngWriter', () => {
  it('writes the section header in either byte order, byte for byte', () => {
    expect(new PcapngWriter().toBuffer().toString('hex')).toBe(
      '0a0d0d0a' + '1c000000' + '4d3c2b1a' + '0100' + '0000' + 'ffffffffffffffff' + '1c000000',
    );
    expect(new PcapngWriter({ bigEndian: true }).toBuffer().toString('hex')).toBe(
      '0a0d0d0a' + '0000001c' + '1a2b3c4d' + '0001' + '0000' + 'ffffffffffffffff' + '0000001c',
    );
  });

  it('writes interface options and an enhanced packet block, padded to 32 bits', () => {
    const w = new PcapngWriter({ bigEndian: true });
    w.take();
    w.addInterface({ linktype: 1, snaplen: 65535, tsresol: TSRESOL_NS, tsoffsetSec: -2 });
    expect(w.take().toString('hex')).toBe(
      '00000001' +
        '0000002c' +
        '0001' +
        '0000' +
        '0000ffff' +
        '0009' + // if_tsresol
        '0001' +
        '09000000' +
        '000e' + // if_tsoffset, signed
        '0008' +
        'fffffffffffffffe' +
        '00000000' + // opt_endofopt
        '0000002c',
    );
    w.packet(0, 0, Buffer.from('abcde'), { units: 0x0102030405060708n, origLen: 99 });
    expect(w.take().toString('hex')).toBe(
      '00000006' +
        '00000028' +
        '00000000' +
        '01020304' +
        '05060708' +
        '00000005' +
        '00000063' +
        '6162636465000000' +
        '00000028',
    );
  });

  it('converts µs to the interface units, relative to its offset', () => {
    expect(timestampUnits(1_700_000_000_123_456, { linktype: 1 })).toBe(1_700_000_000_123_456n);
    expect(timestampUnits(1_700_000_000_123_456, { linktype: 1, tsresol: TSRESOL_NS })).toBe(
      1_700_000_000_123_456_000n,
    );
    expect(
      timestampUnits(1_700_000_000_500_000, {
        linktype: 1,
        tsresol: tsresolPow2(1),
        tsoffsetSec: 1_700_000_000,
      }),
    ).toBe(1n);
    expect(timestampUnits(1_000_999, { linktype: 1, tsresol: 3 })).toBe(1000n); // rounded down
  });

  it('refuses a simple packet before interface 0 and a time for an undeclared interface', () => {
    const w = new PcapngWriter();
    expect(() => w.simplePacket(Buffer.alloc(4))).toThrow(/interface 0/);
    expect(() => w.packet(3, 0, Buffer.alloc(4))).toThrow(/interface 3/);
  });

  it('round-trips through the reader', async () => {
    const frame = udpFrame(A, B, 1, 2, Buffer.from('x'));
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1, tsresol: TSRESOL_NS });
    w.packet(0, 1_700_000_000_123_456, frame);
    const { recs } = await collectBytes(w.toBuffer());
    expect(recs.map((r) => [r.tsUs, r.data.equals(frame)])).toEqual([[1_700_000_000_123_456, true]]);
  });
});

let tshark = false;
try {
  execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  tshark = true;
} catch {
  console.warn('skipping the tshark cross-check: tshark is not installed');
}

describe.skipIf(!tshark)('tshark reads what the writer writes, as the reader does', () => {
  it('two sections, both byte orders, ns / 2^-n / offsets, EPB SPB OPB and unknown blocks', async () => {
    const f1 = udpFrame(A, B, 1111, 2222, Buffer.from('one'));
    const f2 = udpFrame(B, A, 2222, 1111, Buffer.from('two, longer'));
    const w = new PcapngWriter();
    w.addInterface({ linktype: 1, tsresol: TSRESOL_NS, name: 'eth0' });
    w.addInterface({ linktype: 1, tsresol: tsresolPow2(10), tsoffsetSec: 1_600_000_000 });
    w.packet(0, 0, f1, { units: 1_700_000_005_899_655_745n, comment: 'c' });
    w.packet(1, 0, f2, { units: 1024n * 1234n + 7n });
    w.block(0x99, Buffer.alloc(16, 0x5a)); // unknown type (0xBAD would be a custom block, shown as a frame)
    w.simplePacket(f1);
    w.obsoletePacket(0, 1_700_000_000_000_001, f2);
    w.section({ bigEndian: true });
    w.addInterface({ linktype: 1, tsoffsetSec: 100 });
    w.packet(0, 1_700_000_000_654_321, f1, { origLen: 1000 });
    const file = w.toBuffer();
    const dir = mkdtempSync(join(tmpdir(), 'lineguard-ng-'));
    try {
      const path = join(dir, 'x.pcapng');
      writeFileSync(path, file);
      const out = execFileSync(
        'tshark',
        [
          '-r',
          path,
          '-T',
          'fields',
          '-E',
          'separator=,',
          '-e',
          'frame.time_epoch',
          '-e',
          'frame.len',
          '-e',
          'frame.cap_len',
        ],
        { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      );
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.split(','));
      const { recs, result } = await collectBytes(file);
      expect(result.error).toBeNull();
      expect(rows.map((r) => [Number(r[1]), Number(r[2])])).toEqual(
        recs.map((r) => [r.origLen, r.data.length]),
      );
      // tshark prints seconds with nanoseconds; the reader keeps whole microseconds. The SPB has
      // no time: tshark shows 0, the reader the previous packet's.
      const us = rows.map((r) => {
        const [s, frac = ''] = r[0]!.split('.');
        return Number(s) * 1e6 + Number(frac.padEnd(9, '0').slice(0, 6));
      });
      expect(us.filter((_, i) => i !== 2)).toEqual(recs.map((r) => r.tsUs).filter((_, i) => i !== 2));
      expect(us[2]).toBe(0);
      expect(recs[2]!.tsUs).toBe(recs[1]!.tsUs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
