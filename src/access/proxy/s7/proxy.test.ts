/**
 * The S7comm proxy: a client speaking ISO-on-TCP (frames from the project's builders) through
 * the gateway to an S7 PLC simulator, with an operator allowed to read DB1 and nothing more.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cr, dt, s7Tsap } from '../../../protocols/cotp/build.js';
import { measureTpkt, parseTpkt } from '../../../protocols/cotp/parse.js';
import {
  blockJob,
  piServiceJob,
  plcStopJob,
  readVarJob,
  setupJob,
  writeVarJob,
} from '../../../protocols/s7comm/build.js';
import { Area, Func } from '../../../protocols/s7comm/consts.js';
import { parseS7, type S7Pdu } from '../../../protocols/s7comm/parse.js';
import { FramedClient } from '../../testing/framed-client.js';
import { recordedOps, seedPlant, type TestGateway, testGateway } from '../../testing/gateway.js';
import { type S7Simulator, s7Simulator } from '../../testing/s7-plc.js';
import type { GatewayListener } from '../listener.js';

/** A client reading whole TPKTs off a socket. */
class IsoClient extends FramedClient {
  constructor(socket: Socket) {
    super(socket, measureTpkt);
  }
  async job(pdu: Buffer): Promise<S7Pdu & { frame: Buffer }> {
    this.socket.write(dt(pdu));
    const f = await this.next();
    const t = parseTpkt(f, 0, f.length);
    if (!t.ok || t.tpdu.type !== 'DT') throw new Error('not a DT');
    const p = parseS7(f, t.tpdu.dataOff, t.tpdu.dataLen);
    if (!p.ok) throw new Error(p.detail);
    return { ...p.msg, frame: f };
  }
}

describe('S7comm proxy', () => {
  let t: TestGateway;
  let plc: S7Simulator;
  let l: GatewayListener;

  beforeAll(async () => {
    plc = await s7Simulator();
    t = await testGateway();
    await seedPlant(t.gw, { host: '127.0.0.1', port: plc.port, protocol: 's7' });
    await t.gw.policies.set(
      `@id("hmi-connect") permit (principal in Group::"operators", action == Action::"connect", resource in Zone::"cell1");
@id("hmi-reads-db1") permit (principal in Group::"operators", action == Action::"s7:read", resource in Zone::"cell1")
when { context.target.space == "DB1" && context.target.end < 100 };`,
      'anna',
    );
    l = await t.gw.listenS7({
      asset: 'plc1',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '127.0.0.1', user: 'otto' }] },
    });
  }, 30_000);
  afterAll(async () => {
    await t.cleanup();
    await plc.close();
  });

  async function session(): Promise<IsoClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: l.address().port }, () => resolve(s));
      s.once('error', reject);
    });
    const c = new IsoClient(socket);
    socket.write(cr({ callingTsap: s7Tsap(1, 0, 0), calledTsap: s7Tsap(3, 0, 2), tpduSizeCode: 10 }));
    const cc = await c.next();
    expect(parseTpkt(cc, 0, cc.length)).toMatchObject({ ok: true, tpdu: { type: 'CC' } });
    expect((await c.job(setupJob(1))).rosctr).toBe(3);
    return c;
  }

  const db1 = (byte: number, count: number) => ({ area: Area.DB, db: 1, byte, size: 2, count });

  it('passes reads it allows and refuses writes, program download and stop the way a PLC would', async () => {
    const c = await session();
    const read = await c.job(readVarJob(2, [db1(0, 4)]));
    expect(read).toMatchObject({ rosctr: 3, errorClass: 0, pduRef: 2 });
    expect(read.frame[read.dataOff]).toBe(0xff);
    // Beyond the allowed range, and a write: item return code 0x03, nothing reaches the PLC.
    const far = await c.job(readVarJob(3, [db1(0, 4), db1(200, 2)]));
    expect([far.frame[far.dataOff], far.frame[far.dataOff + 4]]).toEqual([3, 3]);
    const write = await c.job(writeVarJob(4, [db1(0, 2)], [Buffer.from([1, 2])]));
    expect(write.frame[write.dataOff]).toBe(3);
    const stop = await c.job(plcStopJob(5));
    expect(stop).toMatchObject({ rosctr: 3, errorClass: 0x81, errorCode: 0x04 });
    const download = await c.job(blockJob(Func.REQUEST_DOWNLOAD, 6, '_0800001P'));
    expect(download.errorClass).toBe(0x81);
    const start = await c.job(piServiceJob(7, 'P_PROGRAM'));
    expect(start.errorClass).toBe(0x81);
    expect(plc.jobs).toEqual([Func.SETUP_COMMUNICATION, Func.READ_VAR]);
    const [live] = t.gw.sessions.list();
    const ops = await recordedOps(t.gw.recorder, live!.id);
    expect(ops.map((o) => [o.action, o.target, o.decision, o.result])).toEqual([
      ['connect', 'setup communication', 'allow', 'ok'],
      ['s7:read', 'DB1.DBB0 (4 bytes)', 'allow', 'ok'],
      ['s7:read', 'DB1.DBB0 (4 bytes), DB1.DBB200 (2 bytes)', 'deny', 'denied'],
      ['s7:write', 'DB1.DBB0 (2 bytes)', 'deny', 'denied'],
      ['s7:control', 'stop P_PROGRAM', 'deny', 'denied'],
      ['s7:program', 'OB1', 'deny', 'denied'],
      ['s7:control', 'pi P_PROGRAM', 'deny', 'denied'],
    ]);
    c.socket.destroy();
  });

  it('ends the session on malformed S7 and on S7comm-plus', async () => {
    const c = await session();
    // A Read Var whose parameter length runs past the PDU.
    const bad = readVarJob(8, [db1(0, 1)]);
    bad.writeUInt16BE(200, 6);
    c.socket.write(dt(bad));
    await c.closed;
    const p = await session();
    p.socket.write(dt(Buffer.from([0x72, 0x03, 0x00, 0x10])));
    await p.closed;
    const sessions = await t.gw.recorder.sessions({ limit: 2 });
    // Two sessions may start within the same millisecond: compare without order.
    expect(sessions.map((s) => s.endReason).sort()).toEqual([
      expect.stringMatching(/malformed request: S7 bad_length/),
      expect.stringMatching(/malformed request: protocol id 0x72/),
    ]);
    expect(plc.jobs.filter((j) => j !== Func.SETUP_COMMUNICATION)).toEqual([Func.READ_VAR]);
  });
});
