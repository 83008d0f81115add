/** EtherNet/IP encapsulation parser tests (CIP Vol 2 §2-3, §2-4, §2-6) on built and real messages; never-throws checks. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AnalyzerDescriptor } from '../analyzer.js';
import { describePublicCaptures, PCAPS } from '../testing/captures.js';
import { itNeverThrows, neverThrowsOnMutations, wholeBuffer } from '../testing/parsers.js';
import {
  cpf,
  encap,
  identityAttributes,
  listIdentityReply,
  listIdentityRequest,
  registerSession,
  sendRRData,
  sendUnitData,
} from './build.js';
import { Command, Item } from './consts.js';
import {
  measureEncap,
  parseCpf,
  parseEncap,
  parseIdentity,
  parseListIdentityItem,
  parseListIdentityReply,
  parseSendData,
  plausibleHeader,
} from './parse.js';

const encapOk = wholeBuffer(parseEncap).ok;
const cpfParse = wholeBuffer(parseCpf);

const ENBT = {
  vendor: 1,
  deviceType: 12,
  productCode: 58,
  major: 4,
  minor: 3,
  status: 0x30,
  serial: 0x00524d8e,
  productName: '1756-ENBT/A',
};

describe('enip encapsulation header (Vol 2 §2-3)', () => {
  it('reads every header field little-endian and bounds the body', () => {
    const m = encap(Command.SEND_RR_DATA, Buffer.from([1, 2, 3]), {
      session: 0x11020100,
      status: 0,
      context: 0x00e10820_00029bb3n,
      options: 0,
    });
    expect(encapOk(m)).toEqual({
      command: 0x6f,
      length: 3,
      session: 0x11020100,
      status: 0,
      context0: 0x00029bb3,
      context1: 0x00e10820,
      options: 0,
      bodyOff: 24,
    });
    expect(parseEncap(m, 0, 26)).toMatchObject({ ok: false, code: 'truncated' });
    expect(parseEncap(m, 0, 23)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('measures messages for the stream framer: 0 to wait, -1 for an unknown command', () => {
    const m = registerSession();
    expect(measureEncap(m, 0, 3)).toBe(0);
    expect(measureEncap(m, 0, 4)).toBe(28);
    expect(measureEncap(Buffer.from([0x71, 0, 0, 0]), 0, 4)).toBe(-1);
    expect(measureEncap(encap(Command.NOP, Buffer.alloc(6)), 0, 30)).toBe(30);
  });

  it('recognises plausible headers strictly (probe and resync)', () => {
    expect(plausibleHeader(registerSession(), 0, 28)).toBe('yes');
    expect(plausibleHeader(listIdentityRequest(), 0, 24)).toBe('yes');
    expect(plausibleHeader(listIdentityReply(ENBT, '10.1.1.164'), 0, 75)).toBe('yes');
    expect(
      plausibleHeader(sendRRData(Buffer.from([0x01, 0x02, 0x20, 0x01, 0x24, 0x01]), { session: 7 }), 0, 46),
    ).toBe('yes');
    expect(
      plausibleHeader(sendUnitData(0x1234, 1, Buffer.from([0x0e, 0x01, 0x20, 0x01]), { session: 7 }), 0, 50),
    ).toBe('yes');
    // Too short to tell, but agreeing so far.
    expect(plausibleHeader(registerSession(), 0, 10)).toBe('more');
    expect(plausibleHeader(Buffer.from([0x65]), 0, 1)).toBe('more');
    // NOP is too weak to recognise a protocol by; unknown commands, options, bad status, no session.
    expect(plausibleHeader(encap(Command.NOP, Buffer.alloc(0)), 0, 24)).toBe('no');
    expect(plausibleHeader(encap(0x71, Buffer.alloc(0)), 0, 24)).toBe('no');
    expect(plausibleHeader(registerSession({ options: 1 }), 0, 28)).toBe('no');
    expect(plausibleHeader(registerSession({ status: 0x42 }), 0, 28)).toBe('no');
    expect(plausibleHeader(sendRRData(Buffer.from([0x01, 0x00])), 0, 44)).toBe('no');
    expect(plausibleHeader(encap(Command.REGISTER_SESSION, Buffer.from([2, 0, 0, 0])), 0, 28)).toBe('no');
    expect(plausibleHeader(Buffer.from('GET / HTTP/1.1\r\nHost: plc\r\n\r\n'), 0, 29)).toBe('no');
  });
});

describe('enip Common Packet Format (Vol 2 §2-6)', () => {
  it('lists items and insists they fill the body exactly', () => {
    const b = cpf([
      [Item.NULL_ADDRESS, Buffer.alloc(0)],
      [Item.UNCONNECTED_DATA, Buffer.from([1, 2, 3])],
    ]);
    expect(cpfParse.ok(b)).toEqual([
      { type: 0, off: 6, len: 0 },
      { type: 0xb2, off: 10, len: 3 },
    ]);
    expect(cpfParse.parse(Buffer.concat([b, Buffer.from([0])]))).toMatchObject({
      ok: false,
      code: 'bad_cpf',
    });
    expect(cpfParse.parse(b.subarray(0, b.length - 1))).toMatchObject({ ok: false, code: 'bad_cpf' });
    expect(cpfParse.parse(Buffer.from([17, 0]))).toMatchObject({ ok: false, code: 'bad_cpf' });
    expect(cpfParse.parse(Buffer.alloc(1))).toMatchObject({ ok: false, code: 'bad_cpf' });
  });

  it('reads the send-data prefix: interface handle, timeout', () => {
    const m = sendRRData(Buffer.from([0x01, 0x02, 0x20, 0x01, 0x24, 0x01]), {}, 32);
    const r = parseSendData(m, 24, m.length - 24);
    expect(r).toMatchObject({ ok: true, msg: { iface: 0, timeout: 32 } });
    expect(parseSendData(m, 24, 5)).toMatchObject({ ok: false, code: 'bad_cpf' });
  });
});

describe('enip identity (Vol 2 §2-4.3.2, Vol 1 §5A-2.2)', () => {
  it('reads a ListIdentity item: big-endian socket address, identity, state', () => {
    const m = listIdentityReply(ENBT, '10.1.1.164');
    const r = parseListIdentityReply(m, 24, m.length - 24);
    expect(r).toEqual({
      ok: true,
      msg: [{ protocolVersion: 1, socketAddress: '10.1.1.164:44818', identity: { ...ENBT, state: 3 } }],
    });
  });

  it('reads Get_Attributes_All identity attributes; short or overlong names are errors', () => {
    const b = identityAttributes({ ...ENBT, productName: '1756-L61/B LOGIX5561' });
    expect(wholeBuffer(parseIdentity).ok(b)).toMatchObject({
      productName: '1756-L61/B LOGIX5561',
      state: -1,
    });
    expect(parseIdentity(b, 0, 14)).toMatchObject({ ok: false, code: 'bad_identity' });
    expect(parseIdentity(b, 0, b.length - 1)).toMatchObject({ ok: false, code: 'bad_identity' });
    expect(parseListIdentityItem(b, 0, 17)).toMatchObject({ ok: false, code: 'bad_identity' });
  });
});

describe('enip parsers never throw', () => {
  const samples = [
    registerSession({ session: 5 }),
    listIdentityReply(ENBT, '10.1.1.164'),
    sendRRData(Buffer.from([0x01, 0x02, 0x20, 0x01, 0x24, 0x01]), { session: 5, context: 9 }),
    sendUnitData(0x99, 4, Buffer.from([0x4c, 0x02, 0x91, 0x03, 0x54, 0x61, 0x67, 0x00, 0x01, 0x00]), {
      session: 5,
    }),
  ];
  const body = (p: (b: Buffer, o: number, l: number) => unknown) => (b: Buffer, o: number, l: number) =>
    p(b, o + Math.min(24, l), Math.max(0, l - 24));
  const parsers = [
    parseEncap,
    measureEncap,
    plausibleHeader,
    body(parseCpf),
    body(parseSendData),
    body(parseListIdentityReply),
    parseIdentity,
    parseListIdentityItem,
  ];

  itNeverThrows({ samples, parsers, seed: 0xe1, rounds: 4000 }, 'on mutated and random bytes');
});

/** The encapsulation messages of every TCP 44818 flow of a public capture, per direction, in order. */
async function realMessages(path: string): Promise<{ fromClient: boolean; msg: Buffer }[]> {
  const out: { fromClient: boolean; msg: Buffer }[] = [];
  const recorder: AnalyzerDescriptor = {
    name: 'enip-record',
    transport: 'tcp',
    ports: [44818],
    create: () => {
      const bufs: Buffer[][] = [[], []];
      return {
        data: (dir, buf, off, len) => void bufs[dir]!.push(Buffer.from(buf.subarray(off, off + len))),
        end: () => {
          for (const dir of [0, 1]) {
            const all = Buffer.concat(bufs[dir]!);
            for (let pos = 0; pos + 4 <= all.length; ) {
              const n = measureEncap(all, pos, all.length - pos);
              if (n <= 0 || pos + n > all.length) break;
              out.push({ fromClient: dir === 0, msg: all.subarray(pos, pos + n) });
              pos += n;
            }
          }
        },
      };
    },
  };
  await analyzeBytes(readFileSync(`${PCAPS}${path}`), { analyzers: [recorder] });
  return out;
}

describePublicCaptures('enip parser', () => {
  it('reads the ListIdentity reply of enip_test.pcap (frame 7) as tshark does', async () => {
    const msgs = await realMessages('enip/enip_test.pcap');
    const reply = msgs.find((m) => !m.fromClient)!.msg;
    const h = encapOk(reply);
    expect(h.command).toBe(Command.LIST_IDENTITY);
    const items = parseListIdentityReply(reply, h.bodyOff, h.length);
    expect(items).toEqual({
      ok: true,
      msg: [{ protocolVersion: 1, socketAddress: '10.1.1.164:44818', identity: { ...ENBT, state: 3 } }],
    });
  });

  it('frames and parses every message of the attack captures; mutations never throw', async () => {
    const samples: Buffer[] = [];
    for (const f of ['enip/eip_reboot_or_restart.pcap', 'enip/eip_software_upload.pcap']) {
      const msgs = await realMessages(f);
      expect(msgs.length).toBeGreaterThan(600);
      for (const { msg } of msgs) {
        const h = encapOk(msg);
        expect([Command.SEND_RR_DATA, Command.SEND_UNIT_DATA, Command.REGISTER_SESSION]).toContain(h.command);
        if (h.command !== Command.REGISTER_SESSION) {
          expect(parseSendData(msg, h.bodyOff, h.length).ok).toBe(true);
        }
      }
      samples.push(...msgs.slice(0, 40).map((m) => m.msg));
    }
    neverThrowsOnMutations({
      samples,
      parsers: [parseEncap, (b, o, l) => parseSendData(b, o + 24, Math.max(0, l - 24))],
      seed: 0xe2,
      rounds: 2000,
    });
  });
});
