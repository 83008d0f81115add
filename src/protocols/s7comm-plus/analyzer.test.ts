/** S7comm-plus over ISO transport: golden traces, the S7-1200 captures tshark cannot decode. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import { flowEvents } from '../../capture/testing/support.js';
import type { OpObserved } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { cc, cr, dt } from '../cotp/build.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  connectRequest,
  connectResponse,
  ERROR_OBJECT_NOT_FOUND,
  frame,
  keepAlive,
  onObject,
  operatingState,
  request,
  response,
  variables,
} from './build.js';
import { Fn, Version } from './consts.js';

const tia: Host = { mac: '02:00:00:00:02:0a', ip: '10.2.0.10' };
const s1200: Host = { mac: '00:1c:06:00:12:00', ip: '10.2.0.191' };
const SESSION = 0x3c0;

/** Operations one per entry (repeat summaries expanded), in frame order. */
const opsOf = operations;
const brief = (o: OpObserved) => [o.op, o.code, o.target, o.ok];

function session(port: number, called = 'SIMATIC-ROOT-ES'): TcpSession {
  return new TcpSession(tia, s1200, port, 102)
    .open()
    .send(cr({ srcRef: 0x11, callingTsap: Buffer.from([6, 0]), calledTsap: Buffer.from(called, 'latin1') }))
    .reply(
      cc({
        dstRef: 0x11,
        srcRef: 7,
        callingTsap: Buffer.from([1, 0]),
        calledTsap: Buffer.from(called, 'latin1'),
      }),
    )
    .send(dt(connectRequest(1)))
    .reply(dt(connectResponse(SESSION, '1;6ES7 214-1HE30-0XB0 ;V2.2', 1)));
}

const v2 = (data: Buffer) => dt(frame(Version.V2, data));

describe('s7comm-plus analyzer (golden traces)', () => {
  it('engineering session: setup, variables, a download transaction, CPU stop; identity and client role', async () => {
    const s = session(50100);
    const sessionEcho = request(Fn.SET_MULTI_VARIABLES, 2, SESSION, Buffer.from([0, 0, 3, 0xc0, 1, 1]));
    s.send(v2(sessionEcho)).reply(v2(response(Fn.SET_MULTI_VARIABLES, 2, Buffer.alloc(0))));
    s.send(v2(variables(Fn.GET_MULTI_VARIABLES, 3, SESSION, 3, 2))).reply(
      v2(response(Fn.GET_MULTI_VARIABLES, 3, Buffer.alloc(0))),
    );
    s.send(v2(variables(Fn.SET_MULTI_VARIABLES, 4, SESSION, 3, 1))).reply(
      v2(response(Fn.SET_MULTI_VARIABLES, 4, Buffer.alloc(0))),
    );
    s.send(dt(keepAlive(1)));
    // A block download: BeginSequence, a CreateObject in two fragments, EndSequence.
    s.send(v2(request(Fn.BEGIN_SEQUENCE, 5, SESSION, Buffer.alloc(6)))).reply(
      v2(response(Fn.BEGIN_SEQUENCE, 5, Buffer.alloc(6))),
    );
    const create = request(Fn.CREATE_OBJECT, 6, SESSION, Buffer.alloc(600, 0x5a));
    s.send(dt(frame(Version.V2, create.subarray(0, 300), false)));
    s.send(dt(frame(Version.V2, create.subarray(300), true)));
    s.reply(v2(response(Fn.CREATE_OBJECT, 6, Buffer.alloc(0))));
    s.send(v2(request(Fn.END_SEQUENCE, 7, SESSION, Buffer.alloc(2)))).reply(
      v2(response(Fn.END_SEQUENCE, 7, Buffer.alloc(0))),
    );
    s.send(v2(onObject(Fn.GET_VAR_SUBSTREAMED, 8, SESSION, 0x89f9)));
    s.reply(v2(response(Fn.GET_VAR_SUBSTREAMED, 8, Buffer.alloc(0), ERROR_OBJECT_NOT_FOUND)));
    s.send(v2(operatingState(9, SESSION, 1))).reply(v2(response(Fn.SET_VARIABLE, 9, Buffer.alloc(0))));
    s.send(dt(frame(Version.V3, onObject(Fn.EXPLORE, 10, SESSION, 3))));
    s.reply(dt(frame(Version.V3, response(Fn.EXPLORE, 10, Buffer.alloc(8)))));
    s.send(v2(onObject(Fn.DELETE_OBJECT, 11, SESSION, SESSION))).reply(
      v2(response(Fn.DELETE_OBJECT, 11, Buffer.alloc(4))),
    );
    s.send(v2(onObject(Fn.GET_LINK, 12, SESSION, 0x31))).close();
    const events = await golden(import.meta.url, 's7comm-plus', s.frames);
    await fuzzFrames(s.frames, 54);
    const all = await analyzeBytes(writePcap(s.frames));
    expect(opsOf(all.events).map(brief)).toEqual([
      ['other', '0x04ca', 'session', true],
      ['other', '0x0542', 'session', true],
      ['read', '0x054c', '2 variables (DB3, …)', true],
      ['write', '0x0542', '1 variable (DB3)', true],
      ['program', '0x0556', undefined, true],
      ['program', '0x04ca', 'object', true],
      ['program', '0x0560', undefined, true],
      ['read', '0x0586', 'object 0x000089f9', false],
      ['control', '0x04f2', 'CPU operating state → STOP', true],
      ['read', '0x04bb', 'area 0x00000003', true],
      ['other', '0x04d4', 'session', true],
      ['read', '0x0524', 'object 0x00000031', undefined],
    ]);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toEqual([
      [{ ip: tia.ip }, { 's7comm-plus.tsap': 'SIMATIC-ROOT-ES', roleHint: 'engineering-workstation' }],
      [
        { ip: s1200.ip },
        {
          vendor: 'Siemens',
          roleHint: 'plc',
          's7comm-plus.order_number': '6ES7 214-1HE30-0XB0',
          model: '6ES7 214-1HE30-0XB0',
          's7comm-plus.firmware_version': 'V2.2',
          firmware: 'V2.2',
        },
      ],
      [{ ip: s1200.ip }, { 's7comm-plus.version': 'V2' }],
      [{ ip: s1200.ip }, { 's7comm-plus.version': 'V3' }],
    ]);
    expect(flowEvents(all.events).map((f) => f.app)).toEqual(['s7comm-plus']);
  });

  it('an HMI connection; TLS after setup is noted, not decoded', async () => {
    const s = session(50101, 'SIMATIC-ROOT-HMI');
    s.send(dt(Buffer.from([0x17, 3, 3, 0, 4, 1, 2, 3, 4]))).reply(dt(Buffer.from([0x17, 3, 3, 0, 2, 9, 9])));
    s.close();
    const { events } = await analyzeBytes(writePcap(s.frames));
    expect(assets(events).map((e) => e.facts)).toContainEqual({
      's7comm-plus.tsap': 'SIMATIC-ROOT-HMI',
      roleHint: 'hmi',
    });
    expect(assets(events).map((e) => e.facts)).toContainEqual({ 's7comm-plus.tls': 'yes' });
    expect(anomalies(events)).toEqual([]);
  });

  it('malformed frames are anomalies, never throws', async () => {
    const s = session(50102);
    s.send(dt(Buffer.from([0x72, 0x09, 0, 1, 0x31])));
    s.send(dt(Buffer.from([0x72, 0x02, 0, 40, 0x31, 0, 0])));
    s.send(dt(frame(Version.V2, Buffer.from([0x31, 0, 0, 5]))));
    const v3 = frame(Version.V3, Buffer.from([0x31]));
    v3[4] = 7;
    s.send(dt(v3)).close();
    const events = await golden(import.meta.url, 's7comm-plus-malformed', s.frames);
    expect(anomalies(events).map((a) => [a.protocol, a.code])).toEqual([
      ['s7comm-plus', 's7comm-plus.bad_version'],
      ['s7comm-plus', 's7comm-plus.bad_length'],
      ['s7comm-plus', 's7comm-plus.truncated'],
      ['s7comm-plus', 's7comm-plus.bad_integrity'],
    ]);
    await fuzzFrames(s.frames, 54);
  });
});

describePublicCaptures('s7comm-plus analyzer', () => {
  it('s7_1200_uploading_ob1.pcap (TIA V12): the block transaction is program operations; PLC identity, TIA as engineering workstation', async () => {
    const events = await analyzePublic('s7comm/s7_1200_uploading_ob1.pcap');
    const ops = opsOf(events);
    expect(ops.filter((o) => o.op === 'program').map(brief)).toEqual([
      ['program', '0x0556', undefined, true],
      ['program', '0x0556', undefined, true],
      ['program', '0x04ca', 'object', true],
      ['program', '0x0560', undefined, true],
      ['program', '0x0560', undefined, true],
    ]);
    expect(ops.filter((o) => o.op === 'read').length).toBeGreaterThan(30);
    expect(ops.every((o) => o.client.ip === '192.168.1.10' && o.ok !== undefined)).toBe(true);
    const facts = assets(events).map((e) => [e.at.ip, e.facts]);
    expect(facts).toContainEqual([
      '192.168.1.191',
      expect.objectContaining({
        's7comm-plus.order_number': '6ES7 214-1HE30-0XB0',
        firmware: 'V2.2',
        roleHint: 'plc',
      }),
    ]);
    expect(facts).toContainEqual(['192.168.1.191', { 's7comm-plus.version': 'V2' }]);
    expect(facts).toContainEqual([
      '192.168.1.10',
      expect.objectContaining({ roleHint: 'engineering-workstation' }),
    ]);
    expect(anomalies(events).filter((a) => a.protocol !== 'tcp')).toEqual([]);
    expect(flowEvents(events).map((f) => f.app)).toEqual(['s7comm-plus']);
  });

  it('s7_1200_hmi.pcap: an HMI reading and writing DB3 of a CPU 1211C', async () => {
    const events = await analyzePublic('s7comm/s7_1200_hmi.pcap');
    const ops = opsOf(events);
    expect(ops.filter((o) => o.op === 'write').map(brief)).toEqual([
      ['write', '0x0542', '1 variable (DB3)', true],
    ]);
    expect(ops.filter((o) => o.op === 'read' && o.target === '2 variables (DB3, …)')).toHaveLength(8);
    const facts = assets(events).map((e) => [e.at.ip, e.facts]);
    expect(facts).toContainEqual([
      '192.168.25.131',
      expect.objectContaining({ model: '6ES7 211-1BE31-0XB0', 's7comm-plus.firmware_version': 'V3.0' }),
    ]);
    expect(facts).toContainEqual(['192.168.25.177', expect.objectContaining({ roleHint: 'hmi' })]);
  });
});
