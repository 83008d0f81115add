/** DNS wire-format parser unit tests (RFC 1035 compression limits, RFC 6762 bits, RFC 4343 escapes); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { rng, wholeBuffer } from '../testing/parsers.js';
import { buildDns, dnsAnswer } from './build.js';
import { DnsType } from './consts.js';
import { splitServiceName } from './index.js';
import { readName } from './name.js';
import { parseDns, reverseNameToIp } from './parse.js';

const { parse, ok } = wholeBuffer(parseDns);

/** Header with the given counts followed by `body` (hand-written bytes for the spec's edge cases). */
function raw(counts: [number, number, number, number], body: number[], flags = 0x8180): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234, 0);
  h.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => {
    h.writeUInt16BE(c, 4 + i * 2);
  });
  return Buffer.concat([h, Buffer.from(body)]);
}

describe('dns parse', () => {
  it('reads a compressed response with CNAME, A and AAAA records (RFC 1035 §4.1)', () => {
    const b = buildDns({
      id: 7,
      response: true,
      recursionDesired: true,
      questions: [{ name: 'www.example.com', type: DnsType.A }],
      answers: [
        { name: 'www.example.com', type: DnsType.CNAME, data: { target: 'web.example.com' } },
        { name: 'web.example.com', type: DnsType.A, ttl: 60, data: { a: '192.0.2.10' } },
        { name: 'web.example.com', type: DnsType.AAAA, data: { aaaa: '2001:db8::a' } },
      ],
    });
    // The builder compresses: the CNAME owner must be a pointer to the question name at 12.
    expect(b.readUInt16BE(12 + 17 + 4)).toBe(0xc00c);
    const m = ok(b);
    expect(m).toMatchObject({
      id: 7,
      response: true,
      opcode: 0,
      rcode: 0,
      recursionDesired: true,
      omitted: 0,
    });
    expect(m.questions).toEqual([{ name: 'www.example.com', type: 1, cls: 1, unicastResponse: false }]);
    expect(m.records.map((r) => [r.section, r.name, r.type, r.data])).toEqual([
      ['answer', 'www.example.com', 5, { kind: 'name', name: 'web.example.com' }],
      ['answer', 'web.example.com', 1, { kind: 'address', ip: '192.0.2.10' }],
      ['answer', 'web.example.com', 28, { kind: 'address', ip: '2001:db8::a' }],
    ]);
    expect(m.records[1]!.ttl).toBe(60);
  });

  it('reads SRV, TXT, HINFO and the mDNS cache-flush / QU bits (RFC 6762 §10.2, §5.4)', () => {
    const m = ok(
      buildDns({
        response: true,
        authoritative: true,
        questions: [{ name: '_ipp._tcp.local', type: DnsType.PTR, unicastResponse: true }],
        answers: [
          {
            name: 'Lab Printer._ipp._tcp.local',
            type: DnsType.SRV,
            cacheFlush: true,
            data: { srv: { priority: 0, weight: 0, port: 631, target: 'lab-printer.local' } },
          },
          {
            name: 'Lab Printer._ipp._tcp.local',
            type: DnsType.TXT,
            data: { txt: ['txtvers=1', 'ty=ACME 3000'] },
          },
          { name: 'lab-printer.local', type: DnsType.HINFO, data: { hinfo: { cpu: 'ARM', os: 'RTOS' } } },
        ],
      }),
    );
    expect(m.questions[0]).toMatchObject({ unicastResponse: true, cls: 1 });
    expect(m.records[0]).toMatchObject({
      cacheFlush: true,
      cls: 1,
      data: { kind: 'srv', port: 631, target: 'lab-printer.local' },
    });
    expect(m.records[1]!.data).toEqual({ kind: 'txt', strings: ['txtvers=1', 'ty=ACME 3000'] });
    expect(m.records[2]!.data).toEqual({ kind: 'hinfo', cpu: 'ARM', os: 'RTOS' });
  });

  it('keeps unknown RDATA as type and length', () => {
    const m = ok(
      buildDns({ response: true, answers: [{ name: 'x', type: 99, data: { raw: Buffer.alloc(5) } }] }),
    );
    expect(m.records[0]!.data).toEqual({ kind: 'other', length: 5 });
  });

  it('accepts empty RDATA of any type (RFC 2136 §2.5.2 deletions)', () => {
    const m = ok(
      buildDns({
        opcode: 5,
        questions: [{ name: 'plant.example', type: DnsType.SOA }],
        authority: [
          { name: 'x.plant.example', type: DnsType.A, cls: 255, ttl: 0, data: { raw: Buffer.alloc(0) } },
        ],
      }),
    );
    expect(m.records[0]).toMatchObject({
      section: 'authority',
      cls: 255,
      data: { kind: 'other', length: 0 },
    });
  });

  it('rejects a message shorter than the header', () => {
    expect(parse(Buffer.alloc(11))).toMatchObject({ ok: false, code: 'too_short' });
  });

  it('reports counts the bytes do not back as truncated', () => {
    const b = dnsAnswer(1, 'a.example', ['192.0.2.1']);
    b.writeUInt16BE(3, 6);
    expect(parse(b)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('accepts a TC response that stops at a record boundary (RFC 2181 §9)', () => {
    const b = dnsAnswer(1, 'a.example', ['192.0.2.1']);
    b.writeUInt16BE(b.readUInt16BE(2) | 0x0200, 2);
    b.writeUInt16BE(5, 6);
    const m = ok(b);
    expect(m.truncated).toBe(true);
    expect(m.records).toHaveLength(1);
  });

  it('ends a compression pointer loop and forward pointers as bad names (RFC 1035 §4.1.4)', () => {
    // Question name is a pointer to itself.
    expect(parse(raw([1, 0, 0, 0], [0xc0, 12, 0, 1, 0, 1], 0))).toMatchObject({
      ok: false,
      code: 'bad_name',
    });
    // Two names pointing at each other: the second points back to the first, the first forward.
    expect(parse(raw([1, 0, 0, 0], [0xc0, 14, 0xc0, 12, 0, 1, 0, 1], 0))).toMatchObject({
      ok: false,
      code: 'bad_name',
    });
    // A label, then a pointer back to the label's start: loops by re-reading the label.
    const loop = raw([1, 0, 0, 0], [1, 0x61, 0xc0, 12, 0, 1, 0, 1], 0);
    expect(parse(loop)).toMatchObject({ ok: false, code: 'bad_name' });
  });

  it('caps pointer chains and name length', () => {
    // 40 names each pointing to the previous one: a legal but absurd chain.
    const body: number[] = [1, 0x61, 0];
    for (let i = 0; i < 40; i++) body.push(0xc0, 12 + (i === 0 ? 0 : 3 + (i - 1) * 2));
    const b = raw([0, 1, 0, 0], [...body, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    // The record's owner is the last pointer.
    const r = readName(b, 0, b.length, 12 + 3 + 39 * 2);
    expect(r).toMatchObject({ ok: false, code: 'bad_name' });
    // 5 labels of 63 octets exceed 255.
    const long: number[] = [];
    for (let i = 0; i < 5; i++) long.push(63, ...Array(63).fill(0x61));
    expect(parse(raw([1, 0, 0, 0], [...long, 0, 0, 1, 0, 1], 0))).toMatchObject({
      ok: false,
      code: 'bad_name',
    });
  });

  it('rejects extended label types and bad A lengths', () => {
    expect(parse(raw([1, 0, 0, 0], [0x41, 0, 0, 1, 0, 1], 0))).toMatchObject({ ok: false, code: 'bad_name' });
    const b = buildDns({
      response: true,
      answers: [{ name: 'x', type: DnsType.A, data: { raw: Buffer.alloc(3) } }],
    });
    expect(parse(b)).toMatchObject({ ok: false, code: 'bad_rdata' });
  });

  it('escapes dots and control bytes inside labels (RFC 4343 §2.1)', () => {
    const m = ok(raw([1, 0, 0, 0], [3, 0x61, 0x2e, 0x01, 1, 0x62, 0, 0, 1, 0, 1], 0));
    expect(m.questions[0]!.name).toBe('a\\.\\001.b');
  });

  it('decodes UTF-8 labels (RFC 6762 §16)', () => {
    const m = ok(buildDns({ questions: [{ name: 'Drucker Büro._ipp._tcp.local', type: DnsType.PTR }] }));
    expect(m.questions[0]!.name).toBe('Drucker Büro._ipp._tcp.local');
  });

  it('keeps at most 128 records and counts the rest as omitted', () => {
    const answers = Array.from({ length: 200 }, (_, i) => ({
      name: 'many.example',
      type: DnsType.A,
      data: { a: `10.0.${i >> 8}.${i & 255}` },
    }));
    const m = ok(buildDns({ response: true, answers }));
    expect(m.records).toHaveLength(128);
    expect(m.omitted).toBe(72);
  });

  it('maps reverse names to addresses (RFC 1035 §3.5, RFC 3596 §2.5)', () => {
    expect(reverseNameToIp('10.2.0.192.in-addr.arpa')).toBe('192.0.2.10');
    expect(reverseNameToIp('10.2.0.192.IN-ADDR.ARPA')).toBe('192.0.2.10');
    expect(reverseNameToIp('2.0.192.in-addr.arpa')).toBeUndefined();
    expect(reverseNameToIp('300.2.0.192.in-addr.arpa')).toBeUndefined();
    const v6 = `${'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4'}.ip6.arpa`;
    expect(reverseNameToIp(v6)).toBe('4321:0:1:2:3:4:567:89ab');
    expect(reverseNameToIp('example.com')).toBeUndefined();
  });

  it('splits DNS-SD service instance names (RFC 6763 §4.1)', () => {
    expect(splitServiceName('Lab Printer._ipp._tcp.local')).toEqual({
      service: '_ipp._tcp',
      instance: 'Lab Printer',
    });
    expect(splitServiceName('A\\.B._http._tcp.local')).toEqual({ service: '_http._tcp', instance: 'A.B' });
    expect(splitServiceName('_printer._sub._http._tcp.local')).toEqual({ service: '_http._tcp' });
    expect(splitServiceName('host.local')).toBeUndefined();
  });
});

describe('dns parse never throws', () => {
  const samples = [
    dnsAnswer(1, 'www.example.com', ['192.0.2.1', '2001:db8::1']),
    buildDns({
      response: true,
      questions: [{ name: '_ipp._tcp.local', type: DnsType.PTR }],
      answers: [
        { name: '_ipp._tcp.local', type: DnsType.PTR, data: { target: 'P._ipp._tcp.local' } },
        { name: 'P._ipp._tcp.local', type: DnsType.SRV, data: { srv: { port: 631, target: 'p.local' } } },
        { name: 'P._ipp._tcp.local', type: DnsType.TXT, data: { txt: ['ty=X'] } },
        { name: 'p.local', type: DnsType.HINFO, data: { hinfo: { cpu: 'a', os: 'b' } } },
      ],
    }),
  ];

  it('on every truncation of valid messages', () => {
    for (const s of samples) {
      for (let n = 0; n <= s.length; n++) {
        const r = parseDns(s, 0, n);
        if (n < s.length) expect(r.ok).toBe(false);
      }
      // And when the message sits inside a larger buffer, bytes past `len` are not read.
      const padded = Buffer.concat([Buffer.alloc(7, 0xc0), s, Buffer.alloc(9, 0xff)]);
      expect(parseDns(padded, 7, s.length).ok).toBe(true);
    }
  });

  it('on random bytes and random mutations', () => {
    const rand = rng(53);
    for (let i = 0; i < 20_000; i++) {
      let b: Buffer;
      if (i % 2 === 0) {
        b = Buffer.alloc(Math.floor(rand() * 300));
        for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
        // Plausible small counts so the record walker is reached.
        if (b.length >= 12) for (let k = 4; k < 12; k += 2) b.writeUInt16BE(Math.floor(rand() * 4), k);
      } else {
        b = Buffer.from(samples[i % samples.length]!);
        for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      }
      expect(() => parseDns(b, 0, b.length)).not.toThrow();
      expect(() => parseDns(b, 3, b.length + 50)).not.toThrow();
    }
  });
});
