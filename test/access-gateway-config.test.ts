/**
 * `lineguard serve --gateway-config`, through the built command: a Modbus client library reads a
 * Modbus server, and an EtherNet/IP client library (st-ethernet-ip) a Logix-like target, that
 * the test starts through the plain listeners the file configures, once the administrator's
 * policy (set over the HTTP API) allows it — and a malformed file is refused with its field
 * named, before anything starts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MB from 'modbus-serial';
import { Controller, Tag } from 'st-ethernet-ip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENIP_PORT, freeEnipHost } from '../src/access/testing/enip-client.js';
import { type EnipSimulator, enipSimulator } from '../src/access/testing/enip-plc.js';
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

type Api = (method: string, path: string, body: unknown) => Promise<Response>;

/** The console's first administrator, set up over the API with the token `serve` printed; calls as them. */
async function adminApi(hub: RunningCli): Promise<Api> {
  const [, url, token] = await hub.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([\w-]+)/);
  const setup = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name: 'boss', password: 'boss-password-1' }),
  });
  const cookie = setup.headers.getSetCookie()[0]!.split(';')[0]!;
  const { csrf } = (await setup.json()) as { csrf: string };
  return (method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
}

/** Adds the gateway user `hmi1`, the HMI the plain listeners' allowed source stands for. */
async function addHmi(api: Api): Promise<void> {
  const add = await api('POST', '/api/access/users', { id: 'hmi1', name: 'Line 1 HMI', kind: 'employee' });
  expect(add.status, await add.text()).toBe(201);
}

async function setPolicy(api: Api, text: string): Promise<void> {
  const policy = await api('PUT', '/api/access/policy', { text });
  expect(policy.status, await policy.text()).toBe(200);
}

/** A gateway config file with these listeners. */
function writeListeners(file: string, listeners: Record<string, unknown>[]): void {
  writeFileSync(file, JSON.stringify({ listeners }));
}

describe('lineguard serve --gateway-config', () => {
  let dir: string;
  let plc: PlcSimulator;
  let target: EnipSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lineguard-gateway-config-'));
    plc = await plcSimulator();
    target = await enipSimulator();
  });
  afterAll(async () => {
    await plc?.close();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays a Modbus client to the PLC through the configured plain listener, as policy allows', async () => {
    const data = join(dir, 'ok');
    const listen = await freePort();
    const file = join(dir, 'gateway.json');
    writeListeners(file, [
      {
        protocol: 'modbus',
        asset: 'plc1',
        listen: { host: '127.0.0.1', port: listen },
        upstream: { host: '127.0.0.1', port: plc.port },
        security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'hmi1' }] },
        onDeny: 'exception',
      },
    ]);
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--gateway-config', file], env());
    const client = new MB.default();
    try {
      await hub.waitFor(
        new RegExp(
          `Gateway modbus listener for plc1 on 127\\.0\\.0\\.1:${listen} → 127\\.0\\.0\\.1:${plc.port}`,
        ),
      );
      const api = await adminApi(hub);
      // Before the policy names it, the HMI's source is listed but nothing is allowed.
      await addHmi(api);
      const refused = (async () => {
        await client.connectTCP('127.0.0.1', { port: listen });
        client.setID(1);
        client.setTimeout(2000);
        return client.readHoldingRegisters(10, 2);
      })();
      await expect(refused).rejects.toBeDefined();
      client.close(() => {});

      await setPolicy(
        api,
        '@id("hmi-connects") permit (principal == User::"hmi1", action == Action::"connect", resource == Asset::"plc1");\n' +
          '@id("hmi-reads") permit (principal == User::"hmi1", action in Action::"read", resource == Asset::"plc1");',
      );
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

  it('puts an EtherNet/IP client through the configured enip listener: tag reads pass, writes get 0x0F', async () => {
    const data = join(dir, 'enip');
    // st-ethernet-ip dials 44818 only: the listener takes that port on a loopback address of its own.
    const host = await freeEnipHost();
    const file = join(dir, 'gateway-enip.json');
    writeListeners(file, [
      {
        protocol: 'enip',
        asset: 'plc2',
        listen: { host, port: ENIP_PORT },
        upstream: { host: '127.0.0.1', port: target.port },
        security: { mode: 'plain', allow: [{ source: '127.0.0.0/8', user: 'hmi1' }] },
        onDeny: 'exception',
      },
    ]);
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--gateway-config', file], env());
    const client = new Controller(false);
    client.timeout_sp = 2000;
    try {
      const at = host.replaceAll('.', '\\.');
      await hub.waitFor(
        new RegExp(`Gateway enip listener for plc2 on ${at}:${ENIP_PORT} → 127\\.0\\.0\\.1:${target.port}`),
      );
      const api = await adminApi(hub);
      await addHmi(api);
      await setPolicy(
        api,
        '@id("hmi-connects") permit (principal == User::"hmi1", action == Action::"connect", resource == Asset::"plc2");\n' +
          '@id("hmi-reads") permit (principal == User::"hmi1", action == Action::"enip:read", resource == Asset::"plc2");',
      );
      await client.connect(host, 0, false);
      const speed = new Tag('Speed');
      await client.readTag(speed);
      expect(speed.value).toBe(1500);
      await expect(client.writeTag(speed, 1)).rejects.toMatchObject({ generalStatusCode: 0x0f });
      expect(target.writes).toBe(0);
      // The Unconnected Send carrying the read reached the target; the write did not.
      expect(target.requests).toEqual(['0x52', '0x4c Speed']);
      client.destroy();

      expect(await hub.stop()).toBe(0);
      expect(hub.stderr).toBe('');
    } finally {
      client.destroy();
      await hub.stop('SIGKILL');
    }
  }, 90_000);

  it('refuses a malformed file naming the field, before anything starts (exit 64)', async () => {
    const data = join(dir, 'bad');
    const file = join(dir, 'bad.json');
    writeListeners(file, [
      {
        protocol: 'modbus',
        asset: 'plc1',
        listen: { host: '127.0.0.1', port: 1502 },
        upstream: { host: '127.0.0.1', port: 502 },
        security: { mode: 'plain', allow: [{ source: '10.1.0.0/40', user: 'hmi1' }] },
      },
    ]);
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
