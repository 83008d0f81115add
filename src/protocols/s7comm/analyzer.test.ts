/** S7comm over ISO transport: golden traces through the engine, attack and engineering captures, identity recall. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import { flowEvents } from '../../capture/testing/support.js';
import type { OpObserved } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { cc, cr, dt, s7Tsap } from '../cotp/build.js';
import { missingIdentity, truthFacts } from '../cotp/testing/tsdus.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  ack,
  ackData,
  blockJob,
  componentRecord,
  moduleRecord,
  piServiceJob,
  plcStopJob,
  readVarAck,
  readVarJob,
  s7,
  setupAck,
  setupJob,
  szlData,
  szlRequestData,
  userdataContinue,
  userdataRequest,
  userdataResponse,
  writeVarAck,
  writeVarJob,
} from './build.js';
import { Area, Func } from './consts.js';

const pg: Host = { mac: '02:00:00:00:01:0a', ip: '10.1.0.10' };
const plc: Host = { mac: '00:1b:1b:00:00:28', ip: '10.1.0.40' };

/** Operations one per entry (repeat summaries expanded), in frame order. */
const opsOf = operations;
const brief = (o: OpObserved) => [o.op, o.code, o.target, o.ok];

function session(port: number): TcpSession {
  return new TcpSession(pg, plc, port, 102)
    .open()
    .send(cr({ srcRef: 1, callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(1, 0, 2) }))
    .reply(cc({ dstRef: 1, srcRef: 0x44, callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(1, 0, 2) }));
}

const component = szlData(0x001c, 0, 34, [
  componentRecord(1, 'Press line 2'),
  componentRecord(2, 'PLC_1'),
  componentRecord(4, 'Original Siemens Equipment'),
  componentRecord(5, 'S C-X4U421302009'),
  componentRecord(7, 'CPU 315-2 PN/DP'),
]);

describe('s7comm analyzer (golden traces)', () => {
  it('engineering session: identity, data access, download, PLC control; operations at their responses', async () => {
    const s = session(40100);
    const dbItem = { area: Area.DB, db: 1, byte: 0, size: 2, count: 10 };
    const mItem = { area: Area.M, byte: 0, bit: 0, size: 1, count: 1 };
    s.send(dt(setupJob(1))).reply(dt(setupAck(1, 240)));
    s.send(dt(userdataRequest(2, 4, 1, szlRequestData(0x0011, 0))));
    s.reply(
      dt(
        userdataResponse(
          2,
          4,
          1,
          szlData(0x0011, 0, 28, [
            moduleRecord(1, '6ES7 315-2EH14-0AB0', 4, 1),
            moduleRecord(7, '', 0x5603, 0x0207),
            moduleRecord(0x81, 'Boot Loader', 0x4120, 0x0909),
          ]),
        ),
      ),
    );
    // The component list in two data units: the client asks for the second.
    s.send(dt(userdataRequest(3, 4, 1, szlRequestData(0x001c, 0))));
    s.reply(dt(userdataResponse(3, 4, 1, component.subarray(0, 60), { dataUnitRef: 9, last: false })));
    s.send(dt(userdataContinue(4, 4, 1, 9)));
    s.reply(dt(userdataResponse(4, 4, 1, component.subarray(60), { dataUnitRef: 9, last: true })));
    s.send(dt(readVarJob(5, [dbItem, mItem]))).reply(dt(readVarAck(5, [Buffer.alloc(10), Buffer.from([1])])));
    s.send(dt(writeVarJob(6, [mItem, dbItem], [Buffer.from([1]), Buffer.alloc(10)])));
    s.reply(dt(writeVarAck(6, [0xff, 0x05])));
    // Download DB1: the PLC pulls the block with its own jobs, then the PG activates it.
    s.send(dt(blockJob(Func.REQUEST_DOWNLOAD, 7, '_0A00001P'))).reply(dt(ackData(7, Func.REQUEST_DOWNLOAD)));
    s.reply(dt(blockJob(Func.DOWNLOAD_BLOCK, 0x100, '_0A00001P'))).send(
      dt(ackData(0x100, Func.DOWNLOAD_BLOCK)),
    );
    s.reply(dt(blockJob(Func.DOWNLOAD_ENDED, 0x101, '_0A00001P'))).send(
      dt(ackData(0x101, Func.DOWNLOAD_ENDED)),
    );
    s.send(dt(piServiceJob(8, '_INSE', Buffer.from('\x01\x000A00001P', 'latin1')))).reply(
      dt(ackData(8, Func.PI_SERVICE)),
    );
    s.send(dt(userdataRequest(9, 7, 2, Buffer.alloc(10)))).reply(
      dt(userdataResponse(9, 7, 2, Buffer.alloc(0))),
    );
    s.send(dt(userdataRequest(10, 5, 1, Buffer.from('secret!!'))));
    s.reply(dt(userdataResponse(10, 5, 1, Buffer.alloc(0), { error: 0xd602 })));
    s.send(dt(blockJob(Func.START_UPLOAD, 11, '_0800001P'))).reply(dt(ack(11, 0xd241)));
    s.send(dt(plcStopJob(12))).reply(dt(ackData(12, Func.PLC_STOP)));
    s.send(dt(piServiceJob(13, 'P_PROGRAM', Buffer.from('C ')))).reply(dt(ackData(13, Func.PI_SERVICE)));
    s.send(dt(readVarJob(14, [mItem]))).close();
    const events = await golden(import.meta.url, 's7comm', s.frames);
    await fuzzFrames(s.frames, 54);
    const all = await analyzeBytes(writePcap(s.frames));
    const ops = opsOf(all.events);
    expect(ops.map(brief)).toEqual([
      ['other', '0xf0', undefined, true],
      ['identify', 'ud-4-01', 'SZL 0x0011 index 0x0000', true],
      ['identify', 'ud-4-01', 'SZL 0x001c index 0x0000', true],
      ['read', '0x04', 'DB1.DBB0 (10 bytes), M0.0', true],
      ['write', '0x05', 'M0.0, DB1.DBB0 (10 bytes)', false],
      ['program', '0x1a', 'DB1', true],
      ['program', '0x1b', 'DB1', true],
      ['program', '0x1c', 'DB1', true],
      ['program', '0x28', '_INSE DB1', true],
      ['control', 'ud-7-02', 'clock', true],
      ['other', 'ud-5-01', 'password', false],
      ['program', '0x1d', 'OB1', false],
      ['control', '0x29', 'P_PROGRAM', true],
      ['control', '0x28', 'P_PROGRAM (cold restart)', true],
      ['read', '0x04', 'M0.0', undefined],
    ]);
    // Every operation is the PG's on the PLC, the PLC's download-block jobs included.
    expect(new Set(ops.map((o) => `${o.client.ip}>${o.server.ip}`))).toEqual(new Set([`${pg.ip}>${plc.ip}`]));
    expect(ops[6]!.evidence.frame).toBeLessThan(ops[7]!.evidence.frame!);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { ip: plc.ip },
      { 's7comm.pdu_size': '240', 's7comm.rack': '0', 's7comm.slot': '2' },
    ]);
    expect(facts).toContainEqual([
      { ip: plc.ip },
      { model: '6ES7 315-2EH14-0AB0', firmware: 'V3.2.7', vendor: 'Siemens', roleHint: 'plc' },
    ]);
    expect(facts).toContainEqual([
      { ip: plc.ip },
      { 's7comm.firmware': '16672', 's7comm.order_number': 'Boot Loader' },
    ]);
    expect(facts).toContainEqual([
      { ip: plc.ip },
      {
        's7comm.plc_name': 'Press line 2',
        name: 'Press line 2',
        's7comm.module_name': 'PLC_1',
        's7comm.copyright': 'Original Siemens Equipment',
        's7comm.serial': 'S C-X4U421302009',
        serial: 'S C-X4U421302009',
        's7comm.module_type': 'CPU 315-2 PN/DP',
        vendor: 'Siemens',
        roleHint: 'plc',
      },
    ]);
    expect(flowEvents(all.events).map((f) => f.app)).toEqual(['s7comm']);
  });

  it('malformed PDUs and unanswered floods are anomalies, never throws', async () => {
    const s = session(40101);
    const long = setupJob(1);
    long.writeUInt16BE(200, 8); // data length past the PDU
    const rosctr = setupJob(2);
    rosctr[1] = 9;
    const items = readVarJob(3, [{ area: Area.M, byte: 0, size: 2, count: 1 }]);
    items[11] = 4; // four items announced, one present
    s.send(dt(long))
      .send(dt(rosctr))
      .send(dt(items))
      .send(dt(s7(1, 4, Buffer.alloc(0))));
    for (let i = 0; i < 66; i++)
      s.send(dt(readVarJob(100 + i, [{ area: Area.I, byte: i, size: 2, count: 1 }])));
    s.close();
    const events = await golden(import.meta.url, 's7comm-malformed', s.frames);
    expect(anomalies(events).map((a) => a.code)).toEqual([
      's7comm.bad_length',
      's7comm.bad_header',
      's7comm.bad_item',
      // 68 requests pending (a job without parameters among them): 4 over the cap of 64.
      's7comm.too_many_pending',
      's7comm.too_many_pending',
      's7comm.too_many_pending',
      's7comm.too_many_pending',
    ]);
    await fuzzFrames(s.frames.slice(0, 10), 54);
    const all = await analyzeBytes(writePcap(s.frames));
    // Evicted and never-answered requests still count, without a verdict.
    expect(opsOf(all.events).filter((o) => o.ok === undefined)).toHaveLength(68);
  });
});

const S7_CAPTURES = [
  's7comm/s7ident.pcap',
  's7comm/s7comm_reading_plc_status.pcap',
  's7comm/snap7_s300_everything.pcapng',
  's7comm/tia_s300_go_online.pcapng',
];

describePublicCaptures('s7comm analyzer', () => {
  it('step7_s300_stop.pcapng: the PLC stop is a control operation, acknowledged', async () => {
    const ops = opsOf(await analyzePublic('s7comm/step7_s300_stop.pcapng'));
    expect(ops.map((o) => [o.protocol, o.client.ip, o.server.ip, ...brief(o)])).toEqual([
      ['s7comm', '134.249.62.199', '134.249.61.163', 'control', '0x29', 'P_PROGRAM', true],
    ]);
  });

  it('s7comm_downloading_block_db1.pcap: the DB1 download is program operations by the PG on the PLC', async () => {
    const ops = opsOf(await analyzePublic('s7comm/s7comm_downloading_block_db1.pcap')).filter(
      (o) => o.op === 'program',
    );
    expect(ops.map(brief)).toEqual([
      ['program', '0x1a', 'DB1', true],
      ['program', '0x1b', 'DB1', true],
      ['program', '0x1b', 'DB1', true],
      ['program', '0x1b', 'DB1', true],
      ['program', '0x1c', 'DB1', true],
      ['program', '0x28', '_INSE DB1', true],
    ]);
    expect(new Set(ops.map((o) => `${o.client.ip}>${o.server.ip}`))).toEqual(
      new Set(['192.168.1.10>192.168.1.40']),
    );
  });

  it('snap7_s300_everything.pcapng: uploads, memory operations, clock, data access, stop and cold restart', async () => {
    const ops = opsOf(await analyzePublic('s7comm/snap7_s300_everything.pcapng'));
    const kinds = new Map<string, string>();
    for (const o of ops) kinds.set(`${o.code} ${o.target}`, `${o.op} ${o.ok}`);
    expect(Object.fromEntries(kinds)).toMatchObject({
      '0x1d SDB0': 'program true',
      '0x1e SDB0': 'program true',
      '0x1f SDB0': 'program true',
      '0x1d OB0': 'program false',
      'ud-7-02 clock': 'control true',
      '0x05 MD16': 'write true',
      '0x04 MD16': 'read true',
      '0x29 P_PROGRAM': 'control true',
      '0x28 _MODU "EP"': 'program true',
      '0x28 _GARB': 'program true',
      '0x28 P_PROGRAM (cold restart)': 'control true',
    });
    expect(ops.every((o) => o.ok !== undefined)).toBe(true);
  });

  it('identity recall: every s7comm fact of the truth files, same value, same subject', async () => {
    let facts = 0;
    for (const path of S7_CAPTURES) {
      const events = await analyzePublic(path);
      expect(missingIdentity(events, `${path}.truth.json`, 's7comm.'), path).toEqual([]);
      facts += truthFacts(`${path}.truth.json`, 's7comm.');
      expect(anomalies(events).filter((a) => a.protocol === 's7comm')).toEqual([]);
    }
    expect(facts).toBe(40);
  });

  it('every S7comm server of the truth files is a flow named s7comm; the variable-service bench decodes all its jobs', async () => {
    const events = await analyzePublic('bench/s7comm_varservice_large.pcap');
    const ops = opsOf(events);
    expect(ops.filter((o) => o.op === 'read' && o.ok === true)).toHaveLength(3000);
    expect(ops.filter((o) => o.op === 'write' && o.ok === true)).toHaveLength(2002);
    for (const path of [
      ...S7_CAPTURES,
      's7comm/wincc_s300_alarm_read_write.pcapng',
      's7comm/opc_server_s7_lldp.pcap',
    ]) {
      const flows = flowEvents(await analyzePublic(path));
      expect(
        flows.some((f) => f.server.port === 102 && f.app === 's7comm'),
        path,
      ).toBe(true);
    }
  });
});
