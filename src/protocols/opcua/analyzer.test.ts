/** OPC UA analyzer: golden traces (a None-security session, an encrypted channel, errors, malformed streams), operations, public captures and identity recall. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { missingFacts } from '../testing/recall.js';
import { type App, certificate, type Endpoint, response, services, ua } from './build.js';
import { MsgType, POLICY_NONE, Service } from './consts.js';

async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

const plc: Host = { mac: '02:00:00:00:40:01', ip: '10.0.4.10' };
const ews: Host = { mac: '02:00:00:00:40:99', ip: '10.0.4.99' };
const hmi: Host = { mac: '02:00:00:00:40:42', ip: '10.0.4.42' };
const server: App = {
  uri: 'urn:plant:line1:opc',
  product: 'urn:vendor:ua-sdk',
  name: 'Line 1 OPC server',
  type: 0,
};
const client: App = { uri: 'urn:ews-1:scada', product: 'urn:vendor:scada', name: 'SCADA', type: 1 };
const B256 = 'http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256';
const URL = 'opc.tcp://10.0.4.10:4840';
const ep = (mode: number, policy: string): Endpoint => ({ url: URL, server, mode, policy, tokens: [0, 1] });

function noneSession(): Buffer[] {
  const browse = services.browse([85, 'ns=2;s=Line1']);
  const s = new TcpSession(ews, plc, 50000, 4840)
    .open()
    .send(ua.hello(URL))
    .reply(ua.ack())
    .send(ua.opn(1, services.openRequest(1)))
    .reply(ua.opn(1, services.openResponse()))
    .send(ua.msg(2, services.getEndpoints(URL)))
    .reply(ua.msg(2, services.getEndpointsResponse([ep(1, POLICY_NONE), ep(3, B256)])))
    .send(ua.msg(3, services.createSession(client, 'S1')))
    .reply(
      ua.msg(3, services.createSessionResponse(certificate('plc-1.plant.example'), [ep(1, POLICY_NONE)])),
    )
    .send(ua.msg(4, services.activateSession({ name: 'operator', password: 'line1!', encrypted: false })))
    .reply(
      ua.msg(
        4,
        response(Service.ACTIVATE_SESSION, 0, (x) => x.str(null).i32(-1).i32(-1)),
      ),
    )
    .send(ua.msg(5, services.read([['ns=2;s=Line1.Temp', 13]])))
    .reply(ua.msg(5, services.readResponse()))
    .send(
      ua.msg(
        6,
        services.write([
          ['ns=2;s=Line1.Setpoint', 80],
          ['ns=2;s=Line1.Interlock', 0],
        ]),
      ),
    )
    .reply(ua.msg(6, services.writeResponse([0, 0x803b0000])))
    .send(ua.msg(7, services.call('ns=2;s=Line1', 'ns=2;s=Line1.Stop')))
    .reply(ua.msg(7, services.callResponse(0)))
    .send(ua.msg(8, services.addNodes(85, 'Backdoor')))
    .reply(ua.msg(8, response(Service.ADD_NODES)))
    .send(ua.msg(9, services.deleteNodes(['ns=2;s=Line1.Interlock'])))
    .reply(ua.msg(9, services.serviceFault(0x801f0000)))
    // A request in two chunks (C then F).
    .send(ua.msg(10, browse.subarray(0, 20), 'C'))
    .send(ua.msg(10, browse.subarray(20), 'F'))
    .reply(ua.msg(10, response(Service.BROWSE)))
    .send(ua.msg(11, services.publish()))
    .send(ua.msg(12, services.closeSession()))
    .reply(ua.msg(12, response(Service.CLOSE_SESSION)))
    .send(ua.msg(13, services.closeChannel(), 'F', MsgType.CLO))
    .close();
  return s.frames;
}

describe('opcua analyzer (golden traces)', () => {
  it('a session over SecurityPolicy None: identity, every kind of operation, the risky settings', async () => {
    const frames = noneSession();
    const events = await golden(import.meta.url, 'opcua-none', frames);
    await fuzzFrames(frames, 54);
    expect(ops(await run(frames))).toEqual([
      ['other', '446', 'None issue mode None', true],
      ['identify', '428', URL, true],
      ['other', '461', 'session "S1"', true],
      ['other', '467', 'username "operator"', true],
      ['read', '631', 'ns=2;s=Line1.Temp Value', true],
      ['write', '673', 'ns=2;s=Line1.Setpoint Value, ns=2;s=Line1.Interlock Value', false],
      ['control', '712', 'method ns=2;s=Line1.Stop on ns=2;s=Line1', true],
      ['program', '488', '1:Backdoor under i=85', true],
      ['program', '500', 'ns=2;s=Line1.Interlock', false],
      ['read', '527', 'i=85, ns=2;s=Line1', true],
      // The unanswered Publish, emitted at the end, listed (frame order) at its request.
      ['read', '826', undefined, undefined],
      ['other', '473', undefined, true],
      ['other', '452', undefined, undefined],
    ]);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([{ ip: plc.ip }, { 'opcua.endpoint_url': URL }]);
    expect(facts).toContainEqual([
      { ip: plc.ip, mac: plc.mac },
      {
        'opcua.application_uri': 'urn:plant:line1:opc',
        'opcua.product_uri': 'urn:vendor:ua-sdk',
        'opcua.application_name': 'Line 1 OPC server',
        'opcua.application_type': 'Server',
        roleHint: 'opc-server',
      },
    ]);
    expect(facts).toContainEqual([
      { ip: plc.ip, mac: plc.mac },
      {
        'opcua.endpoint_url': URL,
        'opcua.security_mode': 'SignAndEncrypt',
        'opcua.security_policy': 'Basic256Sha256',
        'opcua.user_tokens': 'anonymous,username',
      },
    ]);
    expect(facts).toContainEqual([
      { ip: ews.ip, mac: ews.mac },
      {
        'opcua.application_uri': 'urn:ews-1:scada',
        'opcua.product_uri': 'urn:vendor:scada',
        'opcua.application_name': 'SCADA',
        'opcua.application_type': 'Client',
      },
    ]);
    expect(facts).toContainEqual([
      { ip: plc.ip, mac: plc.mac },
      { 'opcua.certificate_cn': 'plc-1.plant.example' },
    ]);
    expect(facts).toContainEqual([{ ip: plc.ip, mac: plc.mac }, { 'opcua.user_token': 'username' }]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['opcua.cleartext_password', 'opcua.no_security']);
  });

  it('an encrypted channel: policy and certificates from the OPN, the mode, nothing decoded; ERR fails what is pending', async () => {
    const opaque = (n: number, seed: number) =>
      Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + 7) & 0xff));
    const enc = new TcpSession(ews, plc, 50001, 4840)
      .open()
      .send(ua.hello(URL))
      .reply(ua.ack())
      .send(ua.opn(1, opaque(120, 1), B256, certificate('ews-1.plant.example')))
      .reply(ua.opn(1, opaque(120, 2), B256, certificate('plc-1.plant.example'), 5))
      .send(ua.msg(0x51, opaque(200, 3)))
      .reply(ua.msg(0x52, opaque(300, 4)))
      .close();
    // A client whose certificate is refused, on a port found by the probe.
    const refused = new TcpSession(hmi, plc, 50002, 48400)
      .open()
      .send(ua.hello('opc.tcp://10.0.4.10:48400'))
      .reply(ua.ack())
      .send(ua.opn(1, opaque(64, 5), B256, certificate('hmi-2')))
      .reply(ua.error(0x80130000, 'Certificate rejected'))
      .close();
    const frames = [...enc.frames, ...refused.frames];
    const events = await golden(import.meta.url, 'opcua-encrypted', frames);
    await fuzzFrames(frames, 54);
    expect(ops(await run(frames))).toEqual([
      ['other', '446', 'Basic256Sha256 (encrypted)', true],
      ['other', '446', 'Basic256Sha256 (encrypted)', false],
    ]);
    const facts = assets(events).map((e) => [e.at.ip, e.facts]);
    expect(facts).toContainEqual([ews.ip, { 'opcua.certificate_cn': 'ews-1.plant.example' }]);
    expect(facts).toContainEqual([plc.ip, { 'opcua.certificate_cn': 'plc-1.plant.example' }]);
    expect(facts).toContainEqual([plc.ip, { 'opcua.security_policy': 'Basic256Sha256' }]);
    expect(facts).toContainEqual([plc.ip, { 'opcua.security_mode': 'SignAndEncrypt' }]);
    expect(anomalies(events).map((e) => [e.code, e.detail])).toEqual([
      ['opcua.error', '0x80130000 Bad_SecurityChecksFailed: Certificate rejected'],
    ]);
  });

  it('malformed streams: a bad header, a cut request body, an oversized chunk; no throw', async () => {
    const read = services.read([['ns=2;s=A', 13]]);
    const bad = new TcpSession(ews, plc, 50003, 4840)
      .open()
      .send(ua.hello(URL))
      .send(Buffer.from('XYZF\x10\x00\x00\x00garbage!'))
      .close();
    const cut = new TcpSession(ews, plc, 50004, 4840)
      .open()
      .send(ua.msg(1, read.subarray(0, read.length - 6)))
      .reply(ua.msg(1, services.readResponse()))
      .close();
    const big = Buffer.from(ua.hello(URL));
    big.writeUInt32LE(64 * 1024 * 1024, 4);
    const huge = new TcpSession(ews, plc, 50005, 4840).open().send(ua.hello(URL)).send(big).close();
    const frames = [...bad.frames, ...cut.frames, ...huge.frames];
    const events = await golden(import.meta.url, 'opcua-malformed', frames);
    await fuzzFrames(frames, 54);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'opcua.bad_header',
      'opcua.bad_message',
      'opcua.bad_header',
    ]);
    expect(ops(await run(frames))).toEqual([['read', '631', undefined, true]]);
  });
});

/** tshark's truth keys IPv6 hosts as "" (it keys by ip.src only): those captures run over ::1. */
const v6 = (k: string) => (k === '' ? '::1' : k);

describePublicCaptures('opcua', () => {
  it('open62541_mainloop.pcap (::1): server and client identities, the full service mix', async () => {
    const events = await analyzePublic('opcua/open62541_mainloop.pcap');
    expect(missingFacts('opcua/open62541_mainloop.pcap', events, ['opcua.'], v6)).toEqual({
      wanted: 3,
      missing: [],
    });
    const o = ops(events);
    expect(new Set(o.map(([op, code]) => `${op} ${code}`))).toEqual(
      new Set([
        'other 446',
        'identify 428',
        'other 452',
        'other 461',
        'other 467',
        'read 527',
        'read 787',
        'read 751',
        'read 826',
        'read 631',
        'write 673',
        'read 847',
        'control 712',
        'program 488',
        'other 473',
      ]),
    );
    // Frames 88/92: the Write answered BadNodeIdUnknown per item; frame 120: the Call's method is unknown.
    expect(o.filter(([op]) => op === 'write' || op === 'control').map(([, , , ok]) => ok)).toEqual([
      false,
      false,
      false,
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['opcua.cleartext_password', 'opcua.no_security']);
  });

  it('open62541_read_service.pcap: 90 Reads over an anonymous... username session on 127.0.0.1', async () => {
    const events = await analyzePublic('opcua/open62541_read_service.pcap');
    expect(missingFacts('opcua/open62541_read_service.pcap', events, ['opcua.'])).toEqual({
      wanted: 3,
      missing: [],
    });
    const reads = ops(events).filter(([op]) => op === 'read');
    expect(reads.length).toBeGreaterThan(80);
    expect(reads.every(([, code, , ok]) => code === '631' && ok === true)).toBe(true);
  });

  it('open62541_get_endpoints.pcap: an empty endpoint list names nothing (truth: no identity)', async () => {
    const events = await analyzePublic('opcua/open62541_get_endpoints.pcap');
    expect(missingFacts('opcua/open62541_get_endpoints.pcap', events, ['opcua.'], v6)).toEqual({
      wanted: 0,
      missing: [],
    });
    expect(ops(events)).toEqual([
      ['other', '446', 'None issue mode None', true],
      ['identify', '428', 'opc.tcp://localhost:4840', true],
      ['other', '452', undefined, undefined],
    ]);
  });

  it('python_opcua_encrypted.pcap: GetEndpoints in clear, then a Basic256Sha256 channel in mode Sign, still readable', async () => {
    const events = await analyzePublic('opcua/python_opcua_encrypted.pcap');
    expect(missingFacts('opcua/python_opcua_encrypted.pcap', events, ['opcua.'])).toEqual({
      wanted: 4,
      missing: [],
    });
    const facts = assets(events).map((e) => e.facts);
    expect(facts).toContainEqual({ 'opcua.security_mode': 'Sign' });
    expect(facts).toContainEqual({ 'opcua.certificate_cn': 'python-opcua.example.org' });
    expect(ops(events).map(([op, code, , ok]) => `${op} ${code} ${ok}`)).toEqual([
      'other 446 true',
      'identify 428 true',
      'other 452 undefined',
      'other 446 true',
      'other 461 true',
      'other 467 true',
      'read 527 true',
    ]);
    // The session on the secured channel is anonymous but not over None: no anomaly.
    expect(anomalies(events).filter((e) => e.protocol === 'opcua')).toEqual([]);
  });
});
