/**
 * `lineguard serve --gateway-config`, through the built command: a Modbus client library reads a
 * Modbus server the test starts through the plain listener the file configures, once the
 * administrator's policy (set over the HTTP API) allows it — and a malformed file is refused
 * with its field named, before anything starts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MB from 'modbus-serial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type PlcSimulator, plcSimulator } from '../src/access/testing/modbus-plc.js';
import { RunningCli } from './cli.js';

const PASSPHRASE = 'gateway-config test passphrase, long enough';

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    LINEGUARD_DATABASE_URL: '',
    LINEGUARD_CA_PASSPHRASE: PASSPHRASE,
  };
  delete e.LINEGUARD_CA_PASSPHRASE_FILE;
  delete e.LINEGUARD_PUBLIC_URL;
  delete e.LINEGUARD_GATEWAY_CONFIG;
  return e;
};

describe('lineguard serve --gateway-config', () => {
  let dir: string;
  let plc: PlcSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lineguard-gateway-config-'));
    plc = await plcSimulator();
  });
  afterAll(async () => {
    await plc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays a Modbus client to the PLC through the configured plain listener, as policy allows', async () => {
    const data = join(dir, 'ok');
    const listen = await freePort();
    const file = join(dir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        listeners: [
          {
            protocol: 'modbus',
            asset: 'plc1',
            listen: { host: '127.0.0.1', port: listen },
            upstream: { host: '127.0.0.1', port: plc.port },
            security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'hmi1' }] },
            onDeny: 'exception',
          },
        ],
      }),
    );
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--gateway-config', file], env());
    const client = new MB.default();
    try {
      await hub.waitFor(
        new RegExp(
          `Gateway modbus listener for plc1 on 127\\.0\\.0\\.1:${listen} → 127\\.0\\.0\\.1:${plc.port}`,
        ),
      );
      const [, url, token] = await hub.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([\w-]+)/);
      const setup = await fetch(`${url}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: 'boss', password: 'boss-password-1' }),
      });
      const cookie = setup.headers.getSetCookie()[0]!.split(';')[0]!;
      const { csrf } = (await setup.json()) as { csrf: string };
      const api = (method: string, path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        });

      // Before the policy names it, the HMI's source is listed but nothing is allowed.
      const add = await api('POST', '/api/access/users', {
        id: 'hmi1',
        name: 'Line 1 HMI',
        kind: 'employee',
      });
      expect(add.status, await add.text()).toBe(201);
      const refused = (async () => {
        await client.connectTCP('127.0.0.1', { port: listen });
        client.setID(1);
        client.setTimeout(2000);
        return client.readHoldingRegisters(10, 2);
      })();
      await expect(refused).rejects.toBeDefined();
      client.close(() => {});

      const policy = await api('PUT', '/api/access/policy', {
        text:
          '@id("hmi-connects") permit (principal == User::"hmi1", action == Action::"connect", resource == Asset::"plc1");\n' +
          '@id("hmi-reads") permit (principal == User::"hmi1", action in Action::"read", resource == Asset::"plc1");',
      });
      expect(policy.status, await policy.text()).toBe(200);
      const reader = new MB.default();
      await reader.connectTCP('127.0.0.1', { port: listen });
      reader.setID(1);
      reader.setTimeout(2000);
      expect((await reader.readHoldingRegisters(10, 2)).data).toEqual([10, 11]);
      await expect(reader.writeRegister(10, 99)).rejects.toMatchObject({ modbusCode: 1 });
      expect(plc.writes).toBe(0);
      reader.close(() => {});

      expect(await hub.stop()).toBe(0);
      expect(hub.stderr).toBe('');
      // Closed on shutdown: nobody answers on the listener's port any more.
      const gone = new MB.default();
      await expect(gone.connectTCP('127.0.0.1', { port: listen })).rejects.toBeDefined();
    } finally {
      await hub.stop('SIGKILL');
    }
  }, 90_000);

  it('refuses a malformed file naming the field, before anything starts (exit 64)', async () => {
    const data = join(dir, 'bad');
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        listeners: [
          {
            protocol: 'modbus',
            asset: 'plc1',
            listen: { host: '127.0.0.1', port: 1502 },
            upstream: { host: '127.0.0.1', port: 502 },
            security: { mode: 'plain', allow: [{ source: '10.1.0.0/40', user: 'hmi1' }] },
          },
        ],
      }),
    );
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0'], {
      ...env(),
      LINEGUARD_GATEWAY_CONFIG: file,
    });
    try {
      expect(await hub.exited).toBe(64);
      expect(hub.stderr).toContain(`gateway config ${file}`);
      expect(hub.stderr).toContain('listeners[0].security.allow[0].source');
      expect(hub.stdout).not.toMatch(/listening on/);
      // Nothing opened: no store, no gateway database.
      expect(existsSync(data) ? readdirSync(data) : []).toEqual([]);
    } finally {
      await hub.stop('SIGKILL');
    }
  });
});
