/** MMS over ISO transport: golden traces, the IEC 61850 and ICCP captures, identity recall. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import { flowEvents } from '../../capture/testing/support.js';
import type { OpObserved } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { cc, cr, dt, dtFragments } from '../cotp/build.js';
import { missingIdentity, truthFacts } from '../cotp/testing/tsdus.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  accept,
  associate,
  concludeRequest,
  concludeResponse,
  confirmedError,
  emptyResponse,
  fileDelete,
  getNameList,
  identifyRequest,
  identifyResponse,
  informationReport,
  objectName,
  obtainFile,
  readRequest,
  readResponse,
  sessionData,
  writeRequest,
  writeResponse,
} from './build.js';

const scada: Host = { mac: '02:00:00:00:03:0a', ip: '10.3.0.10' };
const relay: Host = { mac: '00:09:8e:00:61:50', ip: '10.3.0.50' };

/** Operations one per entry (repeat summaries expanded), in frame order. */
const opsOf = operations;
const brief = (o: OpObserved) => [o.op, o.code, o.target, o.ok];

function associated(port: number): TcpSession {
  return new TcpSession(scada, relay, port, 102)
    .open()
    .send(cr({ srcRef: 1, callingTsap: Buffer.from([0, 1]), calledTsap: Buffer.from([0, 1]) }))
    .reply(cc({ dstRef: 1, srcRef: 2, callingTsap: Buffer.from([0, 1]), calledTsap: Buffer.from([0, 1]) }))
    .send(dt(associate()))
    .reply(dt(accept()));
}

const d = (mms: Buffer) => dt(sessionData(mms));

describe('mms analyzer (golden traces)', () => {
  it('IEC 61850 client session: identify, reads and writes, files, reports, conclude', async () => {
    const s = associated(52000);
    const pos = objectName('REL670LD0', 'XCBR1$ST$Pos');
    s.send(d(identifyRequest(1))).reply(d(identifyResponse(1, 'ABB', 'REL670', '2.2.4')));
    s.send(d(getNameList(2, 9))).reply(d(emptyResponse(2, 1)));
    s.send(d(readRequest(3, [pos, objectName('REL670LD0', 'LLN0$ST$Mod')]))).reply(d(readResponse(3, 2)));
    // A long write in three DT fragments.
    s.send(dtFragments(sessionData(writeRequest(4, [objectName('REL670LD0', 'CSWI1$CO$Pos$Oper')])), 20));
    s.reply(d(writeResponse(4, 1)));
    s.send(d(readRequest(5, [objectName('REL670LD0', 'NOPE')]))).reply(d(confirmedError(5)));
    s.send(d(fileDelete(6, 'settings.cid'))).reply(d(emptyResponse(6, 76)));
    s.send(d(obtainFile(7, 'new.cid', 'settings.cid'))).reply(d(emptyResponse(7, 46)));
    s.reply(d(informationReport(objectName(undefined, 'RPT'))));
    s.send(d(readRequest(8, [pos])));
    s.send(
      dt(
        Buffer.concat([Buffer.from([1, 0, 1, 0]), Buffer.from([0x61, 4, 0x30, 2, 2, 0]), concludeRequest()]),
      ),
    );
    s.send(d(concludeRequest())).reply(d(concludeResponse())).close();
    const events = await golden(import.meta.url, 'mms', s.frames);
    await fuzzFrames(s.frames, 54);
    const all = await analyzeBytes(writePcap(s.frames));
    expect(opsOf(all.events).map(brief)).toEqual([
      ['other', 'initiate', undefined, true],
      ['identify', '2', undefined, true],
      ['read', '1', 'domain (VMD)', true],
      ['read', '4', 'REL670LD0/XCBR1$ST$Pos, REL670LD0/LLN0$ST$Mod', true],
      ['write', '5', 'REL670LD0/CSWI1$CO$Pos$Oper', true],
      ['read', '4', 'REL670LD0/NOPE', false],
      ['program', '76', 'settings.cid', true],
      ['program', '46', 'new.cid → settings.cid', true],
      ['other', 'informationReport', 'RPT', undefined],
      ['read', '4', 'REL670LD0/XCBR1$ST$Pos', undefined],
      ['other', 'conclude', undefined, true],
    ]);
    // The report is the relay's: it is the server of that operation too.
    expect(opsOf(all.events).every((o) => o.server.ip === relay.ip)).toBe(true);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: relay.ip },
        {
          'mms.vendor_name': 'ABB',
          vendor: 'ABB',
          'mms.model_name': 'REL670',
          model: 'REL670',
          'mms.revision': '2.2.4',
          firmware: '2.2.4',
          roleHint: 'ied',
        },
      ],
    ]);
    expect(flowEvents(all.events).map((f) => f.app)).toEqual(['mms']);
  });

  it('ICCP peers: requests from the listening side are its own; TASE.2 peers are not IEDs', async () => {
    const s = associated(52001);
    s.reply(
      d(
        readRequest(0x4432, [
          objectName('KIRKLAND', 'Bilateral_Table_ID'),
          objectName(undefined, 'TASE2_Version'),
        ]),
      ),
    );
    s.send(d(readResponse(0x4432, 2)));
    s.reply(d(identifyRequest(0x4431))).send(
      d(identifyResponse(0x4431, 'AREVA T&D Corporation', 'e-terracomm', '2.3.1')),
    );
    s.close();
    const { events } = await analyzeBytes(writePcap(s.frames));
    const ops = opsOf(events).filter((o) => o.code !== 'initiate');
    expect(ops.map((o) => [o.client.ip, o.server.ip, o.op])).toEqual([
      [relay.ip, scada.ip, 'read'],
      [relay.ip, scada.ip, 'identify'],
    ]);
    expect(assets(events).map((e) => [e.at.ip, e.facts.roleHint, e.facts.vendor])).toEqual([
      [scada.ip, undefined, 'AREVA T&D Corporation'],
    ]);
  });

  it('malformed upper layers and PDUs are anomalies, never throws', async () => {
    const s = associated(52002);
    s.send(dt(Buffer.from([0x0d, 0x40, 0x05])));
    s.send(dt(Buffer.from([1, 0, 1, 0, 0x30, 0])));
    s.send(dt(Buffer.from([1, 0, 1, 0, 0x61, 6, 0x30, 4, 0xa0, 2, 0x8f, 0x00])));
    s.send(d(Buffer.from([0xa0, 3, 0x30, 1, 0]))).close();
    const events = await golden(import.meta.url, 'mms-malformed', s.frames);
    expect(anomalies(events).map((a) => [a.protocol, a.code])).toEqual([
      ['mms', 'mms.bad_spdu'],
      ['mms', 'mms.bad_ppdu'],
      ['mms', 'mms.unknown_pdu'],
      ['mms', 'mms.bad_pdu'],
    ]);
    await fuzzFrames(s.frames, 54);
  });
});

describePublicCaptures('mms analyzer', () => {
  it('identity recall: every mms fact of the truth files, same value, same subject', async () => {
    let facts = 0;
    for (const path of ['iec61850/mms_identify_areva.pcap', 'iec61850/mms_and_goose.pcap']) {
      const events = await analyzePublic(path);
      expect(missingIdentity(events, `${path}.truth.json`, 'mms.'), path).toEqual([]);
      facts += truthFacts(`${path}.truth.json`, 'mms.');
      expect(anomalies(events).filter((a) => a.protocol === 'mms')).toEqual([]);
    }
    expect(facts).toBe(6);
  });

  it('mms_identify_areva.pcap (ICCP): both peers identify each other, read, write and report', async () => {
    const events = await analyzePublic('iec61850/mms_identify_areva.pcap');
    const ops = opsOf(events);
    // Each side identifies the other (and again periodically, as a keep-alive).
    const identify = ops.filter((o) => o.op === 'identify');
    expect(new Set(identify.map((o) => `${o.client.ip}>${o.server.ip}`))).toEqual(
      new Set(['10.101.1.2>10.101.1.3', '10.101.1.3>10.101.1.2']),
    );
    expect(identify.every((o) => o.ok === true)).toBe(true);
    expect(ops.filter((o) => o.op === 'write').length).toBeGreaterThan(3);
    expect(ops.filter((o) => o.code === 'informationReport').length).toBeGreaterThan(30);
    expect(ops.filter((o) => o.ok === false)).toEqual([]);
  });

  it('mms_and_goose.pcap: an IEC 61850 association and mid-stream report flows are all MMS', async () => {
    const events = await analyzePublic('iec61850/mms_and_goose.pcap');
    const mmsServers = new Set(
      flowEvents(events)
        .filter((f) => f.app === 'mms')
        .map((f) => f.server.ip),
    );
    expect(mmsServers).toEqual(
      new Set(['172.16.202.5', '172.16.201.2', '172.16.201.4', '172.16.201.5', '172.16.201.7']),
    );
    const assoc = opsOf(events).filter((o) => o.server.ip === '172.16.202.5');
    expect(assoc.map(brief)).toEqual([
      ['other', 'initiate', undefined, true],
      ['read', '6', 'AA1E1Q01FP2LD0/LLN0$BR$rcb_B02', false],
      ['read', '4', 'AA1E1Q01FP2LD0/LLN0$BR$rcb_B02', true],
      ['other', 'conclude', undefined, true],
    ]);
  });
});
