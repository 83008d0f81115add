/** S7comm parser, SZL identity and targets: built PDUs, real PDUs from the public captures, never-throws. */
import { describe, expect, it } from 'vitest';
import { publicTsdus } from '../cotp/testing/tsdus.js';
import { describePublicCaptures } from '../testing/captures.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import {
  ack,
  blockJob,
  componentRecord,
  moduleRecord,
  piServiceJob,
  plcStopJob,
  readVarAck,
  readVarJob,
  setupJob,
  szlData,
  szlRequestData,
  userdataRequest,
  userdataResponse,
  writeVarAck,
  writeVarJob,
} from './build.js';
import { Area, Func } from './consts.js';
import {
  blockFileName,
  itemsOk,
  parseItems,
  parseS7,
  piService,
  setupCommunication,
  stopService,
  szlRequest,
  uploadId,
} from './parse.js';
import { szlIdentity } from './szl.js';
import { blockName, itemsText, itemText, piText } from './targets.js';

const { parse, ok } = wholeBuffer(parseS7);

const dbBytes = { area: Area.DB, db: 1, byte: 0, size: 2, count: 10 };
const mBit = { area: Area.M, byte: 5, bit: 3, size: 1, count: 1 };

describe('S7comm header', () => {
  it('Job, Ack_Data with error class/code, Userdata with the extended parameter', () => {
    const job = ok(setupJob(7, 480));
    expect(job).toMatchObject({
      rosctr: 1,
      pduRef: 7,
      paramLen: 8,
      dataLen: 0,
      func: Func.SETUP_COMMUNICATION,
    });
    expect(setupCommunication(setupJob(7, 480), job)).toEqual({
      amqCalling: 1,
      amqCalled: 1,
      pduLength: 480,
    });
    expect(ok(ack(9, 0xd241))).toMatchObject({
      rosctr: 2,
      pduRef: 9,
      errorClass: 0xd2,
      errorCode: 0x41,
      func: -1,
    });
    const resp = userdataResponse(3, 4, 1, Buffer.from([1, 2]), { dataUnitRef: 0xd5, last: false, error: 0 });
    expect(ok(resp).ud).toEqual({
      method: 0x12,
      type: 8,
      group: 4,
      subfunc: 1,
      seq: 1,
      extended: true,
      dataUnitRef: 0xd5,
      lastUnit: false,
      errorCode: 0,
      returnCode: 0xff,
      transportSize: 9,
      payloadOff: 10 + 12 + 4,
      payloadLen: 2,
    });
    const req = userdataRequest(2, 4, 1, szlRequestData(0x0011, 0));
    expect(szlRequest(req, ok(req).ud!)).toEqual({ id: 0x0011, index: 0 });
  });

  it('errors: another protocol id, unknown ROSCTR, lengths past the PDU, short header', () => {
    const bad = setupJob(1);
    bad[0] = 0x72;
    expect(parse(bad)).toMatchObject({ ok: false, code: 'bad_header' });
    const r = setupJob(1);
    r[1] = 5;
    expect(parse(r)).toMatchObject({ ok: false, code: 'bad_header' });
    const l = setupJob(1);
    l.writeUInt16BE(40, 6);
    expect(parse(l)).toMatchObject({ ok: false, code: 'bad_length' });
    expect(parse(Buffer.from([0x32, 3, 0, 0, 0, 1, 0, 0, 0, 0]))).toMatchObject({
      ok: false,
      code: 'truncated',
    });
  });
});

describe('Read/Write Var items (S7ANY)', () => {
  it('decodes area, DB, byte.bit address, transport size and count; names other syntaxes', () => {
    const b = readVarJob(1, [dbBytes, mBit, { area: Area.TIMER, byte: 7, size: 29, count: 2 }]);
    const r = parseItems(b, ok(b));
    expect(r).toEqual({
      total: 3,
      items: [
        { syntax: 0x10, size: 2, count: 10, db: 1, area: 0x84, address: 0 },
        { syntax: 0x10, size: 1, count: 1, db: 0, area: 0x83, address: 43 },
        { syntax: 0x10, size: 29, count: 2, db: 0, area: 0x1d, address: 7 },
      ],
    });
    if (typeof r === 'string') throw new Error(r);
    expect(r.items.map(itemText)).toEqual(['DB1.DBB0 (10 bytes)', 'M5.3', 'T7 (2 timers)']);
    const other = Buffer.from(b);
    other[10 + 2 + 2] = 0xb0; // first item's syntax id
    const o = parseItems(other, ok(other));
    expect(typeof o !== 'string' && itemText(o.items[0]!)).toBe('DBREAD');
    const cut = Buffer.from(b);
    cut[10 + 1] = 9; // item count beyond the parameter
    expect(parseItems(cut, ok(cut))).toMatch(/cut short/);
  });

  it('STEP 7 notation for each width and area; long lists end with the count', () => {
    const t = (area: number, size: number, byte: number, extra: object = {}) =>
      itemText({ syntax: 0x10, area, size, count: 1, db: 3, address: byte * 8, ...extra });
    expect([t(Area.DB, 1, 4, { address: 33 }), t(Area.DB, 4, 2), t(Area.DI, 6, 8), t(Area.I, 2, 0)]).toEqual([
      'DB3.DBX4.1',
      'DB3.DBW2',
      'DI3.DID8',
      'IB0',
    ]);
    expect([
      t(Area.Q, 5, 4),
      t(Area.M, 8, 16),
      t(Area.P, 4, 256),
      t(Area.COUNTER, 28, 0, { address: 5 }),
    ]).toEqual(['QW4', 'MD16', 'PW256', 'C5']);
    const five = Array.from({ length: 5 }, (_, i) => ({
      syntax: 0x10,
      area: Area.M,
      size: 2,
      count: 1,
      db: 0,
      address: i * 8,
    }));
    expect(itemsText(five, 5)).toBe('MB0, MB1, MB2, … (5 items)');
  });

  it('response items: every return code 0xff is success; a failed item fails the operation', () => {
    const read = readVarAck(1, [Buffer.from([1, 2, 3]), Buffer.from([4, 5])]);
    expect(itemsOk(read, ok(read), true)).toBe(true);
    const partial = readVarAck(1, [Buffer.from([1]), 0x05]);
    expect(itemsOk(partial, ok(partial), true)).toBe(false);
    const w = writeVarAck(2, [0xff, 0xff]);
    expect(itemsOk(w, ok(w), false)).toBe(true);
    const wf = writeVarAck(2, [0xff, 0x03]);
    expect(itemsOk(wf, ok(wf), false)).toBe(false);
    const wj = writeVarJob(3, [mBit], [Buffer.from([1])]);
    expect(ok(wj)).toMatchObject({ func: Func.WRITE_VAR, dataLen: 5 });
  });
});

describe('blocks, PI services, PLC stop', () => {
  it('file names to block names; PI services with their blocks and restart kind', () => {
    const d = blockJob(Func.REQUEST_DOWNLOAD, 4, '_0A00001P');
    expect(blockFileName(d, ok(d))).toBe('_0A00001P');
    expect(uploadId(d, ok(d))).toBe(0);
    expect(['_0A00001P', '_0800035A', '$0E00012B', '_0B00000A', 'junk'].map(blockName)).toEqual([
      'DB1',
      'OB35',
      'FB12',
      'SDB0',
      'junk',
    ]);
    const inse = piServiceJob(5, '_INSE', Buffer.from('\x01\x000A00001P0C00002P', 'latin1'));
    const pi = piService(inse, ok(inse))!;
    expect(pi.service).toBe('_INSE');
    expect(piText(pi.service, pi.args)).toBe('_INSE DB1, FC2');
    expect(piText('P_PROGRAM', 'C ')).toBe('P_PROGRAM (cold restart)');
    expect(piText('P_PROGRAM', '')).toBe('P_PROGRAM (warm restart)');
    expect(piText('_MODU', 'EP')).toBe('_MODU "EP"');
    expect(piText('_GARB', '')).toBe('_GARB');
    const stop = plcStopJob(6);
    expect(stopService(stop, ok(stop))).toBe('P_PROGRAM');
  });
});

describe('SZL identity', () => {
  it('module identification: order numbers, raw Ausbg per record, firmware version from the basic firmware record', () => {
    const data = szlData(0x0011, 0, 28, [
      moduleRecord(1, '6ES7 315-2EH14-0AB0 ', 4, 1),
      moduleRecord(6, '6ES7 315-2EH14-0AB0 ', 4, 1),
      moduleRecord(7, '', 0x5603, 0x0206),
      moduleRecord(0x81, 'Boot Loader', 0x4120, 0x0909),
    ]);
    expect(szlIdentity(data, 0, data.length)).toEqual({
      records: [
        { 's7comm.firmware': '4', 's7comm.order_number': '6ES7 315-2EH14-0AB0' },
        { 's7comm.firmware': '4', 's7comm.order_number': '6ES7 315-2EH14-0AB0' },
        { 's7comm.firmware': '22019', 's7comm.firmware_version': 'V3.2.6' },
        { 's7comm.firmware': '16672', 's7comm.order_number': 'Boot Loader' },
      ],
      device: { model: '6ES7 315-2EH14-0AB0', firmware: 'V3.2.6', vendor: 'Siemens', roleHint: 'plc' },
    });
  });

  it('component identification: names, serial, copyright, module type; blank ones left out', () => {
    const data = szlData(0x001c, 0, 34, [
      componentRecord(1, 'SNAP7-SERVER'),
      componentRecord(2, 'CPU 315-2 PN/DP'),
      componentRecord(3, ''),
      componentRecord(4, 'Original Siemens Equipment'),
      componentRecord(5, 'S C-C2UR28922012'),
      componentRecord(7, 'CPU 315-2 PN/DP'),
      componentRecord(9, '\x00\x2a\xf6\x00'),
    ]);
    expect(szlIdentity(data, 0, data.length)?.device).toEqual({
      's7comm.plc_name': 'SNAP7-SERVER',
      name: 'SNAP7-SERVER',
      's7comm.module_name': 'CPU 315-2 PN/DP',
      's7comm.copyright': 'Original Siemens Equipment',
      's7comm.serial': 'S C-C2UR28922012',
      serial: 'S C-C2UR28922012',
      's7comm.module_type': 'CPU 315-2 PN/DP',
      vendor: 'Siemens',
      roleHint: 'plc',
    });
    expect(szlIdentity(szlData(0x0424, 0, 20, [Buffer.alloc(20)]), 0, 28)).toBeUndefined();
  });
});

describe('never throws', () => {
  const samples = [
    setupJob(1),
    readVarJob(2, [dbBytes, mBit]),
    readVarAck(2, [Buffer.from([1, 2, 3]), 0x0a]),
    writeVarJob(3, [dbBytes], [Buffer.alloc(10)]),
    piServiceJob(4, '_INSE', Buffer.from('\x01\x000A00001P', 'latin1')),
    blockJob(Func.START_UPLOAD, 5, '_0A00001P'),
    userdataResponse(6, 4, 1, szlData(0x001c, 0, 34, [componentRecord(1, 'X')]), { last: true }),
  ];
  const all = (b: Buffer, off: number, len: number) => {
    const r = parseS7(b, off, len);
    if (!r.ok) return r;
    const m = r.msg;
    parseItems(b, m);
    itemsOk(b, m, true);
    blockFileName(b, m);
    piService(b, m);
    stopService(b, m);
    setupCommunication(b, m);
    if (m.ud) {
      szlRequest(b, m.ud);
      szlIdentity(b, m.ud.payloadOff, m.ud.payloadLen);
    }
    return r;
  };
  it('on truncations and mutations of every decoder', () => {
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, szlIdentity], seed: 0x32 });
  });
});

describePublicCaptures('S7comm parser', () => {
  it('every S7comm PDU of the S7 captures parses', async () => {
    let n = 0;
    for (const path of [
      's7comm/snap7_s300_everything.pcapng',
      's7comm/s7comm_downloading_block_db1.pcap',
      's7comm/tia_s300_go_online.pcapng',
      's7comm/wincc_s300_alarm_read_write.pcapng',
      's7comm/step7_s300_stop.pcapng',
    ]) {
      for (const t of (await publicTsdus(path)).tsdus) {
        if (t.data[0] !== 0x32) continue;
        n++;
        expect(parse(t.data), `${path} frame ${t.frame}`).toMatchObject({ ok: true });
      }
    }
    expect(n).toBeGreaterThan(400);
  });
});
