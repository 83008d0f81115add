/** OPC UA binary parser unit tests (Part 6 §5.2, §6.7, §7.1; Part 4 service parameters), real frames, never-throws checks. */
import { describe, expect, it } from 'vitest';
import { describePublicCaptures } from '../testing/captures.js';
import { publicFrames } from '../testing/frames.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { type App, certificate, type Endpoint, services, UaWriter, ua } from './build.js';
import { certificateCn } from './cert.js';
import { MsgType, POLICY_NONE, Service } from './consts.js';
import { probeOpcua } from './index.js';
import {
  bodyTypeId,
  measureUa,
  parseChunk,
  parseErrorBody,
  parseHello,
  parseReverseHello,
  parseSequence,
} from './parse.js';
import { reader } from './reader.js';
import { decodeRequest } from './requests.js';
import { decodeResponse } from './responses.js';

const server: App = {
  uri: 'urn:plant:opc',
  product: 'urn:vendor:ua-sdk',
  name: 'Line 1 OPC server',
  type: 0,
};
const client: App = { uri: 'urn:ews-1:scada', product: 'urn:vendor:scada', name: 'SCADA', type: 1 };
const ep = (mode: number, policy: string): Endpoint => ({
  url: 'opc.tcp://plc:4840',
  server,
  mode,
  policy,
  tokens: [0, 1],
});
const B256 = 'http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256';

const req = (body: Buffer) => decodeRequest(body, 0, body.length, bodyTypeId(body, 0, body.length));
const res = (body: Buffer) => decodeResponse(body, 0, body.length, bodyTypeId(body, 0, body.length));

describe('opcua transport (Part 6 §7.1, §6.7)', () => {
  it('measures and probes UA-TCP headers', () => {
    const hel = ua.hello('opc.tcp://plc:4840');
    expect(measureUa(hel, 0, 7)).toBe(0);
    expect(measureUa(hel, 0, hel.length)).toBe(hel.length);
    expect(probeOpcua(hel, 0, hel.length)).toBe('yes');
    expect(probeOpcua(hel, 0, 4)).toBe('more');
    const chunkedHello = Buffer.from(hel);
    chunkedHello[3] = 0x43; // 'C' is not allowed for HEL
    expect(measureUa(chunkedHello, 0, hel.length)).toBe(-1);
    expect(probeOpcua(Buffer.from('GET / HTTP/1.1\r\n'), 0, 16)).toBe('no');
    const huge = Buffer.from(hel);
    huge.writeUInt32LE(0x7fffffff, 4);
    expect(measureUa(huge, 0, hel.length)).toBe(-1);
  });

  it('reads HEL, ACK, ERR and RHE', () => {
    const hel = ua.hello('opc.tcp://plc:4840/x');
    expect(parseHello(hel, 0, hel.length - 1)).toMatchObject({ ok: false, code: 'truncated' });
    expect(parseHello(hel, 0, hel.length)).toMatchObject({
      ok: true,
      msg: { version: 0, receiveBufferSize: 65535, endpointUrl: 'opc.tcp://plc:4840/x' },
    });
    const ack = ua.ack();
    expect(parseHello(ack, 0, ack.length)).toMatchObject({ ok: true, msg: { sendBufferSize: 65535 } });
    const err = ua.error(0x80130000, 'no');
    expect(parseErrorBody(err, 8, err.length - 8)).toEqual({
      ok: true,
      msg: { error: 0x80130000, reason: 'no' },
    });
    const rhe = ua.reverseHello('urn:plant:opc', 'opc.tcp://plc:4840');
    expect(parseReverseHello(rhe, 0, rhe.length)).toEqual({
      ok: true,
      msg: { serverUri: 'urn:plant:opc', endpointUrl: 'opc.tcp://plc:4840' },
    });
  });

  it('reads OPN asymmetric headers with the sender certificate, and MSG symmetric headers', () => {
    const cert = certificate('plc-1.plant.example');
    const opn = ua.opn(7, Buffer.alloc(40, 0xaa), B256, cert, 9);
    const r = parseChunk(opn, 0, opn.length);
    if (!r.ok) throw new Error(r.detail);
    expect(r.msg).toMatchObject({
      type: MsgType.OPN,
      chunk: 0x46,
      channelId: 9,
      policyUri: B256,
      certLen: cert.length,
    });
    expect(certificateCn(opn, r.msg.certOff, r.msg.certLen)).toBe('plc-1.plant.example');
    expect(parseSequence(opn, r.msg.seqOff, r.msg.end)).toMatchObject({ sequenceNumber: 7, requestId: 7 });
    const msg = ua.msg(5, services.publish());
    const m = parseChunk(msg, 0, msg.length);
    if (!m.ok) throw new Error(m.detail);
    expect(m.msg).toMatchObject({ type: MsgType.MSG, tokenId: 1, seqOff: 16 });
    const seq = parseSequence(msg, m.msg.seqOff, m.msg.end)!;
    expect(seq.requestId).toBe(5);
    expect(bodyTypeId(msg, seq.bodyOff, msg.length)).toBe(Service.PUBLISH);
    const cut = Buffer.from(opn.subarray(0, 30));
    expect(parseChunk(cut, 0, cut.length)).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('names NodeIds in all six encodings (Part 6 §5.2.2.9)', () => {
    const b = Buffer.concat([
      Buffer.from([0x00, 85]),
      Buffer.from([0x01, 2, 0x39, 0x05]),
      new UaWriter().nodeId('ns=3;i=100000').done(),
      new UaWriter().nodeId('ns=2;s=Line1.Temp').done(),
      Buffer.from([0x04, 1, 0, 0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56, 1, 2, 3, 4, 5, 6, 7, 8]),
      Buffer.from([0x05, 4, 0, 3, 0, 0, 0, 1, 2, 3]),
    ]);
    const r = reader.reset(b, 0, b.length);
    const names = Array.from({ length: 6 }, () => r.nodeIdString());
    expect(names).toEqual([
      'i=85',
      'ns=2;i=1337',
      'ns=3;i=100000',
      'ns=2;s=Line1.Temp',
      'ns=1;g=12345678-1234-5678-0102-030405060708',
      'ns=4;b=AQID',
    ]);
    expect(r.bad).toBe(false);
  });

  it('skips Variants: scalars, arrays, matrices, nested DataValues and ExtensionObjects', () => {
    const x = new UaWriter()
      .u8(6)
      .i32(1) // Int32
      .u8(0x80 | 12)
      .array(['a', 'bc'], (y, s) => y.str(s)) // String[]
      .u8(0xc0 | 11)
      .i32(4)
      .raw(Buffer.alloc(32))
      .i32(2)
      .i32(2)
      .i32(2) // Double[2][2]
      .u8(23)
      .u8(0x03)
      .u8(24)
      .u8(1)
      .u8(1)
      .u32(0) // DataValue(Variant(Variant(Boolean)), status)
      .u8(22)
      .extensionObject(321, Buffer.from('xyz'))
      .u8(0x3f); // type 63: invalid
    const b = x.done();
    const r = reader.reset(b, 0, b.length);
    for (let i = 0; i < 5; i++) r.skipVariant();
    expect(r.bad).toBe(false);
    expect(r.left).toBe(1);
    r.skipVariant();
    expect(r.bad).toBe(true);
    const deep = Buffer.alloc(40, 24); // Variant in Variant in ...
    const d = reader.reset(deep, 0, deep.length);
    d.skipVariant();
    expect(d.bad).toBe(true);
    const tooMany = new UaWriter()
      .u8(0x80 | 6)
      .i32(1_000_000)
      .done();
    const t = reader.reset(tooMany, 0, tooMany.length);
    t.skipVariant();
    expect(t.bad).toBe(true);
  });
});

describe('opcua services (Part 4)', () => {
  it('names the targets of requests and their kinds', () => {
    expect(
      req(
        services.read([
          [2258, 13],
          ['ns=2;s=Line1.Temp', 13],
          ['ns=2;i=7', 4],
          [2259, 13],
        ]),
      ),
    ).toMatchObject({
      service: Service.READ,
      kind: 'read',
      target: 'i=2258 Value, ns=2;s=Line1.Temp Value, ns=2;i=7 DisplayName (+1 more)',
    });
    expect(
      req(
        services.write([
          ['ns=2;s=Line1.Setpoint', 5],
          ['ns=2;s=Line1.Mode', 1],
        ]),
      ),
    ).toMatchObject({
      kind: 'write',
      target: 'ns=2;s=Line1.Setpoint Value, ns=2;s=Line1.Mode Value',
    });
    expect(req(services.call('ns=2;s=Line1', 'ns=2;s=Line1.Stop'))).toMatchObject({
      kind: 'control',
      target: 'method ns=2;s=Line1.Stop on ns=2;s=Line1',
    });
    expect(req(services.browse([85, 'ns=2;s=Line1']))).toMatchObject({
      kind: 'read',
      target: 'i=85, ns=2;s=Line1',
    });
    expect(req(services.addNodes(85, 'Backdoor'))).toMatchObject({
      kind: 'program',
      target: '1:Backdoor under i=85',
    });
    expect(req(services.deleteNodes(['ns=2;s=Line1.Interlock']))).toMatchObject({
      kind: 'program',
      target: 'ns=2;s=Line1.Interlock',
    });
    expect(req(services.getEndpoints('opc.tcp://plc:4840'))).toMatchObject({
      kind: 'identify',
      target: 'opc.tcp://plc:4840',
    });
    expect(req(services.openRequest(1))).toMatchObject({ kind: 'other', securityMode: 1, target: 'issue' });
    expect(req(services.publish())).toEqual({ service: Service.PUBLISH, kind: 'read', malformed: false });
    expect(req(services.createSession(client, 'S1'))).toMatchObject({
      kind: 'other',
      target: 'session "S1"',
      client: {
        applicationUri: 'urn:ews-1:scada',
        productUri: 'urn:vendor:scada',
        applicationName: 'SCADA',
        applicationType: 1,
      },
    });
  });

  it('reads the user identity token of ActivateSession', () => {
    expect(req(services.activateSession()).token).toEqual({ type: 'anonymous', cleartextPassword: false });
    expect(req(services.activateSession({ name: 'op', password: 'secret', encrypted: false }))).toMatchObject(
      {
        target: 'username "op"',
        token: { type: 'username', userName: 'op', cleartextPassword: true },
      },
    );
    expect(
      req(services.activateSession({ name: 'op', password: 'x', encrypted: true })).token?.cleartextPassword,
    ).toBe(false);
  });

  it('reads verdicts and server identity from responses', () => {
    const ge = res(services.getEndpointsResponse([ep(1, POLICY_NONE), ep(3, B256)]));
    expect(ge.ok).toBe(true);
    expect(
      ge.endpoints?.map((e) => [e.url, e.securityMode, e.policyUri, e.tokenTypes, e.server.applicationUri]),
    ).toEqual([
      ['opc.tcp://plc:4840', 1, POLICY_NONE, [0, 1], 'urn:plant:opc'],
      ['opc.tcp://plc:4840', 3, B256, [0, 1], 'urn:plant:opc'],
    ]);
    const cert = certificate('plc-1');
    const cs = services.createSessionResponse(cert, [ep(1, POLICY_NONE)]);
    const c = res(cs);
    expect(certificateCn(cs, c.certOff, c.certLen)).toBe('plc-1');
    expect(c.endpoints).toHaveLength(1);
    expect(res(services.writeResponse([0, 0x803b0000]))).toMatchObject({ ok: false, status: 0 });
    expect(res(services.writeResponse([0, 0]))).toMatchObject({ ok: true });
    expect(res(services.callResponse(0x80750000)).ok).toBe(false);
    expect(res(services.serviceFault(0x801f0000))).toMatchObject({
      service: Service.SERVICE_FAULT,
      ok: false,
      status: 0x801f0000,
    });
    expect(res(services.readResponse(0x80340000))).toMatchObject({ ok: false });
  });

  it('never throws on truncations and mutations', () => {
    const bodies = [
      services.read([
        [2258, 13],
        ['ns=2;s=Line1.Temp', 13],
      ]),
      services.write([
        ['ns=2;s=A', 1],
        ['ns=2;s=B', 2],
      ]),
      services.call('ns=2;s=Line1', 'ns=2;s=Line1.Stop'),
      services.activateSession({ name: 'op', password: 'pw', encrypted: false }),
      services.createSession(client, 'S'),
      services.addNodes(85, 'N'),
      services.browse([85]),
      services.getEndpointsResponse([ep(1, POLICY_NONE), ep(3, B256)]),
      services.createSessionResponse(certificate('x'), [ep(1, POLICY_NONE)]),
      services.writeResponse([0, 0x80000000]),
    ];
    const decode = (buf: Buffer, off: number, len: number) => {
      const id = bodyTypeId(buf, off, off + len);
      decodeRequest(buf, off, off + len, id);
      return decodeResponse(buf, off, off + len, id);
    };
    neverThrowsOnTruncations(bodies, decode);
    const chunk = (buf: Buffer, off: number, len: number) => {
      const r = parseChunk(buf, off, len);
      if (r.ok && r.msg.certLen > 0) certificateCn(buf, r.msg.certOff, r.msg.certLen);
      return r;
    };
    const frames = [
      ua.opn(1, services.openRequest(), B256, certificate('a.b')),
      ua.hello('opc.tcp://x:4840'),
      ua.error(0x80130000, 'no'),
    ];
    neverThrowsOnTruncations(frames, chunk);
    neverThrowsOnMutations({ samples: bodies, parsers: [decode], seed: 0x0ca, rounds: 5000 });
    neverThrowsOnMutations({
      samples: frames,
      parsers: [chunk, parseHello, measureUa, probeOpcua],
      seed: 0x0cb,
      rounds: 3000,
    });
    neverThrowsOnMutations({
      samples: [certificate('plc.example')],
      parsers: [certificateCn],
      seed: 0x0cc,
      rounds: 3000,
    });
  });
});

describePublicCaptures('opcua parse', () => {
  it('open62541_read_service.pcap: GetEndpoints response (frame 15) and a Read request (frame 25)', async () => {
    const frames = await publicFrames('opcua/open62541_read_service.pcap');
    const body = (n: number) => {
      const b = frames[n - 1]!.payload;
      const c = parseChunk(b, 0, b.length);
      if (!c.ok) throw new Error(c.detail);
      const s = parseSequence(b, c.msg.seqOff, c.msg.end)!;
      return { b, off: s.bodyOff, end: c.msg.end, id: bodyTypeId(b, s.bodyOff, c.msg.end) };
    };
    const ge = body(15);
    expect(ge.id).toBe(431);
    const r = decodeResponse(ge.b, ge.off, ge.end, ge.id);
    expect(r.endpoints?.[0]?.server).toMatchObject({
      applicationUri: 'urn:open62541.server.application',
      productUri: 'http://open62541.org',
    });
    const rd = body(25);
    expect(decodeRequest(rd.b, rd.off, rd.end, rd.id)).toMatchObject({
      kind: 'read',
      target: 'ns=1;s=Boolean.Variable Value',
    });
  });

  it('python_opcua_encrypted.pcap: the OPN of the Basic256Sha256 channel names its certificate (frame 31)', async () => {
    const b = (await publicFrames('opcua/python_opcua_encrypted.pcap'))[30]!.payload;
    const c = parseChunk(b, 0, b.length);
    if (!c.ok) throw new Error(c.detail);
    expect(c.msg.policyUri).toBe(B256);
    expect(certificateCn(b, c.msg.certOff, c.msg.certLen)).toBe('python-opcua.example.org');
  });
});
