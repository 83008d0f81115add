/**
 * Test helpers: a gateway on a fresh database in a temporary folder, with a small plant
 * directory (an approver, an operator, a supplier's engineer, a cell zone with a PLC).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { SessionChunkTable, SessionOpTable } from '../db/schema.js';
import { AccessGateway, type GatewayOptions } from '../gateway.js';
import type { Recorder } from '../proxy/recorder.js';

export const TEST_PASSPHRASE = 'correct horse battery staple';

export interface TestGateway {
  gw: AccessGateway;
  dir: string;
  dbPath: string;
  cleanup(): Promise<void>;
}

export async function testGateway(opts: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'lineguard-access-'));
  const dbPath = join(dir, 'access.db');
  const gw = await AccessGateway.open({ dbPath, caPassphrase: TEST_PASSPHRASE, ...opts });
  const t: TestGateway = {
    gw,
    dir,
    dbPath,
    async cleanup() {
      // The test may have reopened the gateway: close the one it holds now.
      await t.gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The plant: `anna` approves, `otto` operates, `sam` is Acme's engineer; `plc1` in zone `cell1`. */
export async function seedPlant(
  gw: AccessGateway,
  plc: { host: string; port: number; protocol?: 'modbus' | 's7' | 'enip' | 'tcp' } = {
    host: '127.0.0.1',
    port: 502,
  },
): Promise<void> {
  const d = gw.directory;
  await d.addGroup({ id: 'approvers', name: 'Approvers' }, 'setup');
  await d.addGroup({ id: 'operators', name: 'Operators' }, 'setup');
  await d.addSupplier({ id: 'acme', name: 'Acme Automation' }, 'setup');
  await d.addZone({ id: 'cell1', name: 'Cell 1' }, 'setup');
  await d.addUser({ id: 'anna', name: 'Anna Approver', kind: 'employee', groups: ['approvers'] }, 'setup');
  await d.addUser({ id: 'otto', name: 'Otto Operator', kind: 'employee', groups: ['operators'] }, 'setup');
  await d.addUser({ id: 'sam', name: 'Sam Supplier', kind: 'supplier', supplier: 'acme' }, 'setup');
  await d.addDevice({ id: 'sam-laptop', user: 'sam', name: "Sam's laptop" }, 'setup');
  await d.addAsset(
    {
      id: 'plc1',
      name: 'Press PLC',
      host: plc.host,
      port: plc.port,
      protocol: plc.protocol ?? 'modbus',
      zone: 'cell1',
    },
    'setup',
  );
}

/** A device key pair and its PKCS#10 request (what a browser or client tool would make). */
export async function deviceCsr(cn: string): Promise<{ csrPem: string; keyPem: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${cn}`,
    keys,
    signingAlgorithm: alg,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  return { csrPem: csr.toString('pem'), keyPem };
}

/** A grant `user` asked for (on `plc1` unless told) and `anna` approved, from now for `ms`. */
export async function approvedGrant(
  gw: AccessGateway,
  user: string,
  actions: string[],
  ms: number,
  assets: string[] = ['plc1'],
): Promise<{ id: string; endsAt: number }> {
  const now = Date.now();
  const g = await gw.grants.request(user, {
    assets,
    actions,
    startsAt: now,
    endsAt: now + ms,
    reason: 'maintenance',
  });
  await gw.grants.approve(g.id, 'anna');
  return g;
}

/** Every recorded operation of a session, read as an export reads them. */
export async function recordedOps(recorder: Recorder, session: string): Promise<SessionOpTable[]> {
  const out: SessionOpTable[] = [];
  for await (const page of recorder.rows(session))
    for (const r of page) if (r.kind === 'operation') out.push(r.row);
  return out;
}

/** Every recorded chunk of a session with its bytes, read as an export reads them. */
export async function recordedChunks(recorder: Recorder, session: string): Promise<SessionChunkTable[]> {
  const out: SessionChunkTable[] = [];
  for await (const page of recorder.rows(session))
    for (const r of page) if (r.kind === 'chunk') out.push(r.row);
  return out;
}
