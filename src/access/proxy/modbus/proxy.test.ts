/**
 * The Modbus/TCP proxy against a real client library (modbus-serial) and a real Modbus server
 * (modbus-serial's ServerTCP), over mTLS with certificates from the gateway's CA.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import MB from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mbap,
  readRegistersResponse,
  readRequest,
  writeSingleRegister,
} from '../../../protocols/modbus/build.js';
import { assetServer } from '../../testing/asset-server.js';
import {
  approvedGrant,
  recordedOps,
  seedPlant,
  type TestGateway,
  testGateway,
} from '../../testing/gateway.js';
import { type PlcSimulator, plcSimulator } from '../../testing/modbus-plc.js';
import {
  certificateRefusals,
  closed,
  type DeviceCert,
  deviceCert,
  mtlsPlant,
  tlsTo,
  tryRequest,
} from '../../testing/mtls-client.js';
import type { GatewayListener } from '../listener.js';

const HOUR = 3600_000;

/** Try a read with this certificate: `answered`, or how the connection ended. */
function tryRead(l: GatewayListener, caPem: string, d: DeviceCert): Promise<string> {
  return tryRequest(l, caPem, d, mbap(1, 1, readRequest(3, 0, 1)));
}

async function modbusOver(socket: Socket): Promise<InstanceType<typeof MB.default>> {
  const c = new MB.default();
  await c.connectTCP('127.0.0.1', { port: 0, socket });
  c.setID(1);
  c.setTimeout(2000);
  return c;
}

/**
 * `n` reads of 125 registers sent at once while the client reads nothing for `pauseMs`, so the
 * gateway's writes to it back up (the asset's answers are read into a buffer the proxy reuses);
 * then every answer must arrive whole, right and in order. Returns the first byte that differs, or -1.
 */
async function pipelinedReads(socket: Socket, n: number, pauseMs: number): Promise<number> {
  const ask = Array.from({ length: n }, (_, i) => mbap(i, 1, readRequest(3, i % 875, 125)));
  const want = Buffer.concat(
    ask.map((_, i) =>
      mbap(
        i,
        1,
        readRegistersResponse(
          3,
          Array.from({ length: 125 }, (_, k) => (i % 875) + k),
        ),
      ),
    ),
  );
  socket.pause();
  socket.write(Buffer.concat(ask));
  await new Promise((r) => setTimeout(r, pauseMs));
  const got: Buffer[] = [];
  let have = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (c: Buffer) => {
      got.push(c);
      have += c.length;
      if (have >= want.length) resolve();
    });
    socket.once('close', () => reject(new Error(`closed after ${have} of ${want.length} bytes`)));
    socket.resume();
  });
  const all = Buffer.concat(got);
  for (let i = 0; i < want.length; i++) if (all[i] !== want[i]) return i;
  return all.length === want.length ? -1 : want.length;
}

describe('Modbus/TCP proxy over mTLS', () => {
  let t: TestGateway;
  let plc: PlcSimulator;
  let listener: GatewayListener;
  let sam: DeviceCert;

  beforeAll(async () => {
    plc = await plcSimulator();
    ({ t, listener, sam } = await mtlsPlant(plc.port, 'modbus', (gw) =>
      gw.listenModbus({ asset: 'plc1', port: 0, security: { mode: 'mtls' } }),
    ));
  }, 30_000);
  afterAll(async () => {
    await t.cleanup();
    await plc.close();
  });

  const grant = (actions: string[], ms: number) => approvedGrant(t.gw, 'sam', actions, ms);

  it('allows reads, denies writes with exception 01, records both', async () => {
    const g = await grant(['modbus:read'], HOUR);
    const socket = await tlsTo(listener, t.gw.ca.certPem, sam);
    const c = await modbusOver(socket);
    expect((await c.readHoldingRegisters(10, 4)).data).toEqual([10, 11, 12, 13]);
    await expect(c.writeRegister(5, 42)).rejects.toMatchObject({ modbusCode: 1 });
    await expect(c.writeCoil(3, true)).rejects.toMatchObject({ modbusCode: 1 });
    expect(plc.holding[5]).toBe(5);
    expect(plc.writes).toBe(0);
    // Still connected after a denial: the next read goes through.
    expect((await c.readHoldingRegisters(0, 2)).data).toEqual([0, 1]);
    const [live] = t.gw.sessions.list();
    expect(live).toMatchObject({ user: 'sam', device: 'sam-laptop', asset: 'plc1', allowed: 2, denied: 2 });
    const ops = await recordedOps(t.gw.recorder, live!.id);
    expect(ops.map((o) => [o.action, o.code, o.target, o.decision, o.result])).toEqual([
      ['modbus:read', '3', 'unit 1 holding 10-13', 'allow', 'ok'],
      ['modbus:write', '6', 'unit 1 holding 5', 'deny', 'denied'],
      ['modbus:write', '5', 'unit 1 coil 3', 'deny', 'denied'],
      ['modbus:read', '3', 'unit 1 holding 0-1', 'allow', 'ok'],
    ]);
    expect(ops[1]!.reasons).toBe('operation-not-permitted');
    const done = closed(socket);
    await t.gw.grants.revoke(g.id, 'anna', 'test over');
    await done;
  });

  it('passes pipelined answers whole and in order to a client that reads slowly', async () => {
    const g = await grant(['modbus:read'], HOUR);
    const socket = await tlsTo(listener, t.gw.ca.certPem, sam);
    expect(await pipelinedReads(socket, 20_000, 500)).toBe(-1);
    // 20,000 recorded reads: let their commits finish before the next step writes the audit log.
    await t.gw.recorder.flush();
    const done = closed(socket);
    await t.gw.grants.revoke(g.id, 'anna', 'test over');
    await done;
  }, 30_000);

  it('cuts a live session within 1 s of its grant expiring', async () => {
    const { endsAt: ends } = await grant(['modbus:read'], 1500);
    const socket = await tlsTo(listener, t.gw.ca.certPem, sam);
    const c = await modbusOver(socket);
    expect((await c.readHoldingRegisters(0, 1)).data).toEqual([0]);
    const at = await closed(socket);
    expect(at - ends).toBeLessThan(1000);
    expect(at).toBeGreaterThanOrEqual(ends);
    const [ended] = await t.gw.recorder.sessions({ limit: 1 });
    expect(ended?.endReason).toMatch(/access withdrawn: grant-missing/);
  });

  it('cuts sessions when the user is disabled, the asset isolated, or the certificate revoked', async () => {
    const g = await grant(['modbus:read'], HOUR);
    for (const [cutIt, undo, why] of [
      [
        () => t.gw.directory.setUserDisabled('sam', true, 'anna'),
        () => t.gw.directory.setUserDisabled('sam', false, 'anna'),
        'user-disabled',
      ],
      [
        () => t.gw.directory.setAssetIsolated('plc1', true, 'anna'),
        () => t.gw.directory.setAssetIsolated('plc1', false, 'anna'),
        'asset-isolated',
      ],
    ] as const) {
      const socket = await tlsTo(listener, t.gw.ca.certPem, sam);
      const c = await modbusOver(socket);
      await c.readHoldingRegisters(0, 1);
      const t0 = Date.now();
      await cutIt();
      expect((await closed(socket)) - t0).toBeLessThan(1000);
      const [ended] = await t.gw.recorder.sessions({ limit: 1 });
      expect(ended?.endReason).toContain(why);
      await undo();
    }
    const own = await deviceCert(t.gw);
    const socket = await tlsTo(listener, t.gw.ca.certPem, own);
    await (await modbusOver(socket)).readHoldingRegisters(0, 1);
    await t.gw.ca.revoke(own.cert.serial, 'anna', 'laptop lost');
    await closed(socket);
    expect(await tryRead(listener, t.gw.ca.certPem, own)).toBe('closed');
    expect(await tryRead(listener, t.gw.ca.certPem, sam)).toBe('answered');
    await t.gw.grants.revoke(g.id, 'anna');
  });

  it('refuses expired and unknown client certificates', async () => {
    await grant(['modbus:read'], HOUR);
    const r = await certificateRefusals(t.gw, listener, mbap(1, 1, readRequest(3, 0, 1)));
    expect(r.expired).not.toBe('answered');
    expect(r.foreign).not.toBe('answered');
    expect(r.audited.some((d) => /CERT_HAS_EXPIRED/.test(d))).toBe(true);
    expect(r.audited.some((d) => /UNABLE_TO_VERIFY_LEAF_SIGNATURE/.test(d))).toBe(true);
    expect(plc.writes).toBe(0);
  });

  it('answers malformed PDUs with exception 03 and ends the session on an oversized frame', async () => {
    const socket = await tlsTo(listener, t.gw.ca.certPem, sam);
    const replies: Buffer[] = [];
    socket.on('data', (b: Buffer) => replies.push(b));
    // Read holding registers with the quantity cut off: a PDU of 3 bytes.
    socket.write(mbap(7, 1, Buffer.from([3, 0, 0])));
    await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.concat(replies)).toEqual(mbap(7, 1, Buffer.from([0x83, 3])));
    // A well-formed read still works on the same connection.
    socket.write(mbap(8, 1, readRequest(3, 0, 1)));
    await new Promise((r) => setTimeout(r, 200));
    expect(Buffer.concat(replies).subarray(9)).toEqual(mbap(8, 1, Buffer.from([3, 2, 0, 0])));
    // Pipelined in one segment: read, refused write, read — the reads reach the PLC, the write does not.
    replies.length = 0;
    socket.write(
      Buffer.concat([
        mbap(20, 1, readRequest(3, 2, 1)),
        mbap(21, 1, writeSingleRegister(5, 1)),
        mbap(22, 1, readRequest(3, 3, 1)),
      ]),
    );
    await new Promise((r) => setTimeout(r, 200));
    const got = Buffer.concat(replies);
    const adus = new Map<number, Buffer>();
    for (let o = 0; o < got.length; o += 6 + got.readUInt16BE(o + 4))
      adus.set(got.readUInt16BE(o), got.subarray(o, o + 6 + got.readUInt16BE(o + 4)));
    expect(adus.get(20)).toEqual(mbap(20, 1, Buffer.from([3, 2, 0, 2])));
    expect(adus.get(21)).toEqual(mbap(21, 1, Buffer.from([0x86, 1])));
    expect(adus.get(22)).toEqual(mbap(22, 1, Buffer.from([3, 2, 0, 3])));
    // An MBAP length of 300 is beyond any ADU: the stream is not trusted further.
    const big = Buffer.alloc(306);
    big.writeUInt16BE(9, 0);
    big.writeUInt16BE(300, 4);
    big[6] = 1;
    big[7] = 16;
    socket.write(big);
    await closed(socket);
    expect(plc.writes).toBe(0);
  });
});

describe('Modbus/TCP proxy over plain TCP from allowed addresses', () => {
  let t: TestGateway;
  let plc: PlcSimulator;

  beforeAll(async () => {
    plc = await plcSimulator();
    t = await testGateway();
    await seedPlant(t.gw, { host: '127.0.0.1', port: plc.port });
    // A legacy HMI without certificates: operators may read cell 1, nothing else.
    await t.gw.policies.set(
      '@id("hmi-reads") permit (principal in Group::"operators", action in Action::"read", resource in Zone::"cell1");\n' +
        '@id("hmi-connects") permit (principal in Group::"operators", action == Action::"connect", resource in Zone::"cell1");',
      'anna',
    );
  }, 30_000);
  afterAll(async () => {
    await t.cleanup();
    await plc.close();
  });

  function tcpTo(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = tcpConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
  }

  it('serves a listed source as its user, and drops denied requests in drop mode', async () => {
    const l = await t.gw.listenModbus({
      asset: 'plc1',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'otto' }] },
      onDeny: 'drop',
    });
    const c = await modbusOver(await tcpTo(l.address().port));
    c.setTimeout(500);
    expect((await c.readHoldingRegisters(1, 1)).data).toEqual([1]);
    await expect(c.writeRegister(1, 7)).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
    expect(plc.writes).toBe(0);
    await l.close();
  });

  it('passes pipelined answers whole and in order to a client that reads slowly', async () => {
    const l = await t.gw.listenModbus({
      asset: 'plc1',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'otto' }] },
    });
    const socket = await tcpTo(l.address().port);
    // Over plain TCP the kernel holds some 4 MB before the proxy's writes have to wait.
    expect(await pipelinedReads(socket, 40_000, 2000)).toBe(-1);
    socket.destroy();
    await l.close();
    // 20,000 recorded reads: let their commits finish before the next test writes the audit log.
    await t.gw.recorder.flush();
  }, 30_000);

  it('records forwarded requests the asset never answered as no-response, those past the tracked ones as untracked', async () => {
    // An asset that reads what comes and never answers.
    const mute = await assetServer(t.gw, { id: 'plc-mute', name: 'Silent PLC', protocol: 'modbus' }, (s) =>
      s.resume(),
    );
    const l = await t.gw.listenModbus({
      asset: 'plc-mute',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'otto' }] },
    });
    const socket = await tcpTo(l.address().port);
    // 300 reads, the second one reusing the first one's transaction id: 256 are tracked at once.
    const tids = [0, 0, ...Array.from({ length: 298 }, (_, i) => i + 1)];
    socket.write(Buffer.concat(tids.map((tid, i) => mbap(tid, 1, readRequest(3, i, 1)))));
    await expect.poll(() => t.gw.sessions.list()[0]?.allowed ?? 0).toBe(300);
    const [live] = t.gw.sessions.list();
    socket.destroy();
    await expect.poll(() => t.gw.sessions.size).toBe(0);
    const ops = await recordedOps(t.gw.recorder, live!.id);
    expect(ops.map((o) => o.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const results = ops.map((o) => o.result);
    expect(results[0]).toBe('no-response');
    expect(results[1]).toBe('untracked');
    expect(results.slice(2, 257).every((r) => r === 'no-response')).toBe(true);
    expect(results.slice(257).every((r) => r === 'untracked')).toBe(true);
    const [session] = await t.gw.recorder.sessions({ asset: 'plc-mute' });
    expect(session).toMatchObject({ endReason: 'client closed the connection' });
    await l.close();
    await mute.close();
  });

  it('refuses a source that is not listed', async () => {
    const l = await t.gw.listenModbus({
      asset: 'plc1',
      port: 0,
      security: { mode: 'plain', allow: [{ source: '192.0.2.10', user: 'otto' }] },
    });
    const s = await tcpTo(l.address().port);
    await closed(s);
    const [refused] = (await t.gw.audit.list({ type: 'access.connect.refused', limit: 10 })).slice(-1);
    expect(refused?.data).toMatchObject({ reasons: ['source-not-allowed'], source: '127.0.0.1' });
    await l.close();
  });
});
