/**
 * Live sessions and recordings over the API with a real session: a supplier's grant asked for
 * and approved over HTTP, a real Modbus client (modbus-serial) through the gateway's mTLS
 * listener to a Modbus server simulator, the session listed live, cut by the kill button's
 * route, and its recording (operations, export) read back. Also: groups changed by an
 * administrator make someone an approver.
 */
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { LightMyRequestResponse } from 'fastify';
import MB from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayListener } from '../access/proxy/listener.js';
import { deviceCsr } from '../access/testing/gateway.js';
import { type PlcSimulator, plcSimulator } from '../access/testing/modbus-plc.js';
import { type AccessTestHub, accessTestHub } from './testing/access-hub.js';
import type { Client } from './testing/hub.js';

const HOUR = 3600_000;

describe('live sessions and recordings over the API', () => {
  let plc: PlcSimulator;
  let t: AccessTestHub;
  let listener: GatewayListener;
  let admin: Client;
  let anna: Client;
  let sam: Client;
  let otto: Client;
  const json = <T>(res: LightMyRequestResponse): T => res.json() as T;

  beforeAll(async () => {
    plc = await plcSimulator();
    t = await accessTestHub({ host: '127.0.0.1', port: plc.port });
    listener = await t.access.gateway.listenModbus({ asset: 'plc1', port: 0, security: { mode: 'mtls' } });
    admin = await t.signedIn('admin', 'root');
    anna = await t.signedIn('engineer', 'anna');
    sam = await t.signedIn('viewer', 'sam');
    otto = await t.signedIn('engineer', 'otto');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await plc?.close();
  });

  async function samConnects(): Promise<{ socket: TLSSocket; modbus: InstanceType<typeof MB.default> }> {
    const gw = t.access.gateway;
    const { csrPem, keyPem } = await deviceCsr('sam');
    const cert = await gw.ca.issueClientCert(
      { user: 'sam', device: 'sam-laptop', csrPem, mfa: { at: Date.now(), method: 'webauthn' } },
      'sam',
    );
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({
        host: '127.0.0.1',
        port: listener.address().port,
        ca: gw.ca.certPem,
        cert: cert.pem,
        key: keyPem,
        servername: 'localhost',
      });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    });
    const modbus = new MB.default();
    await modbus.connectTCP('127.0.0.1', { port: 0, socket });
    modbus.setID(1);
    modbus.setTimeout(2000);
    return { socket, modbus };
  }

  it('lists a live session, cuts it with the kill route, and shows its recording', async () => {
    const asked = await sam.inject({
      method: 'POST',
      url: '/api/access/grants',
      payload: {
        assets: ['plc1'],
        actions: ['connect', 'modbus:read'],
        startsAt: Date.now(),
        endsAt: Date.now() + HOUR,
        reason: 'counter check',
      },
    });
    const grant = json<{ id: string }>(asked).id;
    expect(
      (await anna.inject({ method: 'POST', url: `/api/access/grants/${grant}/approve`, payload: {} }))
        .statusCode,
    ).toBe(200);

    const { socket, modbus } = await samConnects();
    expect((await modbus.readHoldingRegisters(7, 2)).data).toEqual([7, 8]);
    await expect(modbus.writeRegister(7, 1)).rejects.toMatchObject({ modbusCode: 1 });

    const live = json<{ items: { id: string; user: string; allowed: number; denied: number }[] }>(
      await anna.inject({ method: 'GET', url: '/api/access/sessions' }),
    ).items;
    expect(live).toMatchObject([{ user: 'sam', allowed: 1, denied: 1 }]);
    const id = live[0]!.id;

    // Someone who may not cut sessions changes nothing.
    expect((await otto.inject({ method: 'POST', url: `/api/access/sessions/${id}/kill` })).statusCode).toBe(
      403,
    );
    expect(socket.destroyed).toBe(false);

    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const kill = await anna.inject({ method: 'POST', url: `/api/access/sessions/${id}/kill` });
    expect(kill.statusCode).toBe(204);
    await closed;
    expect(
      json<{ items: unknown[] }>(await anna.inject({ method: 'GET', url: '/api/access/sessions' })).items,
    ).toEqual([]);

    const rec = json<{
      session: { endReason: string };
      operations: { action: string; decision: string; target: string }[];
    }>(await anna.inject({ method: 'GET', url: `/api/access/recordings/${id}` }));
    expect(rec.session.endReason).toBe('killed by anna');
    expect(rec.operations.map((o) => [o.action, o.decision, o.target])).toEqual([
      ['modbus:read', 'allow', 'unit 1 holding 7-8'],
      ['modbus:write', 'deny', 'unit 1 holding 7'],
    ]);
    // Long recordings come in pages: the totals count the whole of it.
    type Page = { totals: { operations: number }; operations: { seq: number }[]; next: number | null };
    const first = json<Page>(
      await anna.inject({ method: 'GET', url: `/api/access/recordings/${id}?limit=1` }),
    );
    expect(first.totals.operations).toBe(2);
    expect(first.operations.map((o) => o.seq)).toEqual([1]);
    expect(first.next).toBe(1);
    const rest = json<Page>(
      await anna.inject({ method: 'GET', url: `/api/access/recordings/${id}?after=${first.next}&limit=1` }),
    );
    expect([rest.operations.map((o) => o.seq), rest.next]).toEqual([[2], null]);
    for (const bad of ['limit=0', 'limit=5001', 'after=-1', 'after=x', 'page=2'])
      expect(
        (await anna.inject({ method: 'GET', url: `/api/access/recordings/${id}?${bad}` })).statusCode,
      ).toBe(400);
    const list = json<{ items: { id: string }[] }>(
      await anna.inject({ method: 'GET', url: '/api/access/recordings?user=sam' }),
    );
    expect(list.items.map((r) => r.id)).toContain(id);
    // Paging back from the newest: that session is not older than itself.
    const older = json<{ items: { id: string }[] }>(
      await anna.inject({ method: 'GET', url: `/api/access/recordings?before=${id}` }),
    );
    expect(older.items.map((r) => r.id)).not.toContain(id);
    expect(
      (await anna.inject({ method: 'GET', url: '/api/access/recordings?before=s-none' })).statusCode,
    ).toBe(404);
    const exported = await anna.inject({ method: 'GET', url: `/api/access/recordings/${id}/export` });
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(
      exported.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    ).toEqual(['session', 'operation', 'operation']);
    // A supplier (console viewer) does not read recordings.
    expect((await sam.inject({ method: 'GET', url: '/api/access/recordings' })).statusCode).toBe(403);
  });

  it('makes someone an approver by changing their groups; an unknown group changes nothing', async () => {
    const bad = await admin.inject({
      method: 'PUT',
      url: '/api/access/users/otto/groups',
      payload: { groups: ['approvers', 'nope'] },
    });
    expect(bad.statusCode).toBe(404);
    expect(t.access.gateway.directory.user('otto')?.groups).toEqual(['operators']);
    expect(
      (await anna.inject({ method: 'PUT', url: '/api/access/users/otto/groups', payload: { groups: [] } }))
        .statusCode,
    ).toBe(403);
    const ok = await admin.inject({
      method: 'PUT',
      url: '/api/access/users/otto/groups',
      payload: { groups: ['operators', 'approvers'] },
    });
    expect(json<{ identity: { groups: string[] } }>(ok).identity.groups).toEqual(['operators', 'approvers']);
    expect(
      json<{ approver: boolean }>(await otto.inject({ method: 'GET', url: '/api/access/me' })).approver,
    ).toBe(true);
  });
});
