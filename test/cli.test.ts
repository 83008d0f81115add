/** End-to-end: the real `lineguard` command (analyze, and the hub: demo, serve, user). */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/capture/summary.js';
import type { LineguardEvent } from '../src/events/types.js';
import type { Inventory } from '../src/inventory/types.js';
import { buildDns, dnsAnswer } from '../src/protocols/dns/build.js';
import { udpFrame } from '../src/sim/frames.js';
import { writePcap } from '../src/sim/pcap-writer.js';
import { plantCapture } from '../src/sim/plant.js';
import { TcpSession } from '../src/sim/tcp-session.js';
import { CLI, RunningCli, runCli, signIn } from './cli.js';

const hmi = { mac: '00:1b:1b:00:00:10', ip: '10.10.1.10' };
const plc = { mac: '00:0e:8c:00:00:20', ip: '10.10.1.20' };
const ws = { mac: '00:50:56:00:00:30', ip: '10.10.2.30' };

function trace(): Buffer {
  const modbus = new TcpSession(hmi, plc, 49152, 502).open();
  for (let i = 0; i < 5; i++) {
    modbus.send(Buffer.from([0, i, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2]));
    modbus.reply(Buffer.from([0, i, 0, 0, 0, 7, 1, 3, 4, 0, 1, 0, 2]));
  }
  modbus.close();
  const dns = udpFrame(ws, plc, 53000, 53, Buffer.alloc(12));
  return writePcap([...modbus.frames, dns]);
}

let dir: string;
let capture: string;
let packets: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lineguard-cli-'));
  capture = join(dir, 'plant.pcap');
  const bytes = trace();
  writeFileSync(capture, bytes);
  packets = 3 + 10 + 3 + 1;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lineguard analyze', () => {
  it('prints a summary of a capture', async () => {
    const r = await runCli(['analyze', capture]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`packets   ${packets}`);
    expect(r.stdout).toMatch(/flows\s+2\s+\(tcp 1, udp 1/);
    expect(r.stdout).toMatch(/10\.10\.1\.20 +00:0e:8c:00:00:20/);
    expect(r.stdout).toMatch(/^ {2}modbus +16 /m);
  });

  it('prints the same as JSON', async () => {
    const r = await runCli(['analyze', '--json', capture]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.packets).toBe(packets);
    expect(s.flows).toMatchObject({ total: 2, tcp: 1, udp: 1 });
    expect(s.hosts.map((h) => h.ip)).toEqual(['10.10.1.10', '10.10.1.20', '10.10.2.30']);
    expect(s.protocols.find((p) => p.name === 'modbus')).toMatchObject({ packets: 16, flows: 1 });
  });

  it('writes the event stream, and only a complete file', async () => {
    const out = join(dir, 'events.ndjson');
    const r = await runCli(['analyze', '--events', out, capture]);
    expect(r.code).toBe(0);
    const events = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LineguardEvent);
    const flows = events.filter((e) => e.kind === 'flow.observed');
    expect(flows).toHaveLength(2);
    const tcp = flows.find((e) => e.kind === 'flow.observed' && e.transport === 'tcp');
    expect(tcp).toMatchObject({
      client: { ip: '10.10.1.10', port: 49152, mac: '00:1b:1b:00:00:10' },
      server: { ip: '10.10.1.20', port: 502 },
      packets: [9, 7],
      tcpState: 'closed',
    });
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('streams events or the inventory to standard output (-), the summary then to standard error', async () => {
    const file = join(dir, 'same.ndjson');
    await runCli(['analyze', '--events', file, capture]);
    const piped = await runCli(['analyze', '--events', '-', capture]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(readFileSync(file, 'utf8'));
    expect(piped.stderr).toMatch(/^Capture: /);
    expect(readdirSync(dir)).not.toContain('-');
    const csv = await runCli(['analyze', '--csv', '-', '--json', capture]);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^id,role,/);
    expect((JSON.parse(csv.stderr) as Summary).packets).toBe(packets);
    const inv = await runCli(['analyze', '--inventory', '-', capture]);
    expect((JSON.parse(inv.stdout) as Inventory).assets.length).toBeGreaterThan(0);
    const twice = await runCli(['analyze', '--events', '-', '--csv', '-', capture]);
    expect(twice.code).toBe(64);
    expect(twice.stderr).toMatch(/standard output \(-\) can take one of/);
  });

  it('prints the inventory and writes it as JSON and CSV', async () => {
    const json = join(dir, 'assets.json');
    const csv = join(dir, 'assets.csv');
    const r = await runCli(['analyze', '--inventory', json, '--csv', csv, capture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Inventory: 3 assets/m);
    expect(r.stdout).toMatch(
      /^ {2}plc \(L1\) +10\.10\.1\.20 +00:0e:8c:00:00:20 +Siemens AG +.* dns\*,modbus\* +2$/m,
    );
    const inv = JSON.parse(readFileSync(json, 'utf8')) as Inventory;
    const plcAsset = inv.assets.find((a) => a.ips.includes(plc.ip))!;
    expect(plcAsset).toMatchObject({
      id: `mac:${plc.mac}`,
      macs: [plc.mac],
      role: { role: 'plc' },
      purdue: { level: 1 },
    });
    expect(plcAsset.peers.find((p) => p.asset === `mac:${hmi.mac}`)).toMatchObject({
      as: 'server',
      protocols: ['modbus'],
      opsReceived: { read: 5 },
    });
    const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows.find((l) => l.includes(plc.ip))).toMatch(/^mac:00:0e:8c:00:00:20,plc,/);
  });

  it('reads standard input and gzip', async () => {
    const raw = readFileSync(capture);
    const fromStdin = await runCli(['analyze', '--json', '-'], { stdin: raw });
    expect(fromStdin.code).toBe(0);
    expect((JSON.parse(fromStdin.stdout) as Summary).packets).toBe(packets);
    const gz = join(dir, 'plant.pcap.gz');
    writeFileSync(gz, gzipSync(raw));
    const fromGz = await runCli(['analyze', '--json', gz]);
    expect((JSON.parse(fromGz.stdout) as Summary).packets).toBe(packets);
    const gzStdin = await runCli(['analyze', '--json', '-'], { stdin: gzipSync(raw) });
    expect((JSON.parse(gzStdin.stdout) as Summary).packets).toBe(packets);
  });

  it('analyses several captures as one', async () => {
    const r = await runCli(['analyze', '--json', capture, capture]);
    expect((JSON.parse(r.stdout) as Summary).packets).toBe(packets * 2);
  });

  it('analyses on several threads with the same inventory as on one', async () => {
    const big = join(dir, 'cells.pcap');
    writeFileSync(big, plantCapture({ cells: 6 }));
    const one = join(dir, 'one.json');
    const many = join(dir, 'many.json');
    const r1 = await runCli(['analyze', '--threads', '1', '--inventory', one, big]);
    // More threads than cores are not started: one per core (lane counts are tested in parallel.test.ts).
    const cores = availableParallelism();
    const rN = await runCli(['analyze', '--threads', '64', '--inventory', many, big]);
    expect(rN.code).toBe(0);
    expect(rN.stderr).toContain(`--threads 64: this machine has ${cores} cores; using ${cores}`);
    if (cores > 1) expect(rN.stdout).toContain(` packets/s on ${cores} threads)`);
    expect(r1.stdout).not.toContain('threads');
    const inv1 = JSON.parse(readFileSync(one, 'utf8')) as Inventory;
    expect(inv1.assets.length).toBeGreaterThan(30);
    expect({ ...JSON.parse(readFileSync(many, 'utf8')), generatedAt: inv1.generatedAt }).toEqual(inv1);
    const bad = await runCli(['analyze', '--threads', '0', big]);
    expect(bad.code).toBe(64);
  });

  it('reports a truncated capture with file and offset, keeping what came before', async () => {
    const raw = readFileSync(capture);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, raw.subarray(0, raw.length - 30));
    const r = await runCli(['analyze', cut]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(
      new RegExp(`^lineguard: ${cut}: record ${packets} cut short \\(\\d+ of \\d+ bytes\\) at byte \\d+\\n$`),
    );
    expect(r.stdout).toContain(`packets   ${packets - 1}`);
  });

  it('rejects what is not a capture', async () => {
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'hello, this is not a capture\n');
    const r = await runCli(['analyze', junk]);
    expect(r.code).toBe(66);
    expect(r.stderr).toBe(
      `lineguard: ${junk}: not a pcap or pcapng file (starts with 0x68656c6c) at byte 0\n`,
    );
    expect(r.stdout).toBe('');
    const missing = await runCli(['analyze', join(dir, 'nope.pcap')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain('nope.pcap: no such file');
  });

  it('an events file is not left half-written when the input cannot be read', async () => {
    const out = join(dir, 'never.ndjson');
    const r = await runCli(['analyze', '--events', out, join(dir, 'nope.pcap')]);
    expect(r.code).toBe(66);
    expect(readdirSync(dir).filter((f) => f.includes('never') && f.includes('partial'))).toEqual([]);
  });

  it('runs an analyzer on the ports it is told', async () => {
    const file = join(dir, 'dns5053.pcap');
    writeFileSync(
      file,
      writePcap([
        udpFrame(
          ws,
          plc,
          40000,
          5053,
          buildDns({ id: 7, questions: [{ name: 'historian.plant.example', type: 1 }] }),
        ),
        udpFrame(plc, ws, 5053, 40000, dnsAnswer(7, 'historian.plant.example', ['10.10.0.40'])),
      ]),
    );
    const plain = JSON.parse((await runCli(['analyze', '--json', file])).stdout) as Summary;
    expect(plain.protocols.map((p) => p.name)).toEqual(['udp/5053']);
    const told = JSON.parse(
      (await runCli(['analyze', '--json', '--port', 'dns/udp=5053', file])).stdout,
    ) as Summary;
    expect(told.protocols.map((p) => p.name)).toEqual(['dns']);
    expect(told.hosts.find((h) => h.ip === '10.10.0.40')?.names).toEqual(['historian.plant.example']);
    const bad = await runCli(['analyze', '--port', 'nosuch=1', file]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^lineguard: --port nosuch=1: no analyzer named nosuch \(have: .*dns.*\)\n$/);
    expect((await runCli(['analyze', '--port', 'dns=70000', file])).stderr).toContain('70000 is not a port');
  });

  it('answers usage errors with 64 and documents exit codes', async () => {
    expect((await runCli(['analyze'])).code).toBe(64);
    expect((await runCli(['analyze', '--count', 'x', '-i', 'lo'])).code).toBe(64);
    expect((await runCli(['analyze', '--filter', 'tcp', capture])).code).toBe(64);
    expect((await runCli(['bogus'])).code).toBe(64);
    const noInv = await runCli(['analyze', '--no-analyzers', '--csv', join(dir, 'x.csv'), capture]);
    expect(noInv.code).toBe(64);
    expect(noInv.stderr).toContain('--inventory and --csv need the analyzers');
    const flowsOnly = JSON.parse(
      (await runCli(['analyze', '--json', '--no-analyzers', capture])).stdout,
    ) as Summary;
    expect(flowsOnly.protocols.map((p) => p.name).sort()).toEqual(['tcp/502', 'udp/53']);
    expect('assets' in flowsOnly).toBe(false);
    const help = await runCli(['analyze', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('65  an input was truncated or corrupt');
  });

  it('stops on Ctrl+C, leaving no events file, half-written or whole', async () => {
    const events = join(dir, 'stopped.jsonl');
    const child = spawn(process.execPath, [CLI, 'analyze', '--events', events, '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    const bytes = readFileSync(capture);
    child.stdin.on('error', () => {});
    child.stdin.write(bytes);
    // Running: its events go to a temporary file beside the one asked for.
    await expect
      .poll(() => readdirSync(dir).some((f) => f.startsWith('.stopped.jsonl.')), { timeout: 10_000 })
      .toBe(true);
    child.kill('SIGINT');
    // The capture keeps coming (tcpdump -w - | lineguard analyze -): the stop does not wait for its end.
    const feed = setInterval(() => child.stdin.write(bytes.subarray(24)), 50);
    const code = await closed;
    clearInterval(feed);
    expect(code).toBe(130);
    expect(stderr).toBe('lineguard: stopped by SIGINT; nothing written\n');
    expect(readdirSync(dir).filter((f) => f.includes('stopped.jsonl'))).toEqual([]);
  });

  it('stops on Ctrl+C while standard input sends nothing', async () => {
    const events = join(dir, 'idle.jsonl');
    const child = spawn(process.execPath, [CLI, 'analyze', '--events', events, '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    await expect
      .poll(() => readdirSync(dir).some((f) => f.startsWith('.idle.jsonl.')), { timeout: 10_000 })
      .toBe(true);
    // Nothing written and standard input left open: the command waits for its first bytes.
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toBe('lineguard: stopped by SIGINT; nothing written\n');
    expect(readdirSync(dir).filter((f) => f.includes('idle.jsonl'))).toEqual([]);
    child.stdin.destroy();
  });

  it('ends quietly when its reader stops reading (| head), files written', async () => {
    const inv = join(dir, 'piped.json');
    // The reading end is closed before the command prints: its every write fails with EPIPE.
    const child = spawn(process.execPath, [CLI, 'analyze', '--json', '--inventory', inv, capture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(readFileSync(inv, 'utf8')) as Inventory).assets.length).toBeGreaterThan(0);
  });
});

describe('lineguard demo', () => {
  it('serves the sample plant on a throw-away folder, prints the URL and a login, and cleans up', async () => {
    const env = { ...process.env, LINEGUARD_DATABASE_URL: 'postgres://must-not-be-used.invalid/x' };
    const demo = new RunningCli(['demo', '--port', '0'], env);
    try {
      const [, url] = await demo.waitFor(/Console +(http:\/\/(?:127\.0\.0\.1|localhost):\d+)/);
      const [, user, password] = await demo.waitFor(/Sign in +(\S+) \/ (\S+)/);
      const [, folder] = await demo.waitFor(/Throw-away data in (\S+),/);
      expect(user).toBe('admin');
      expect(existsSync(folder!)).toBe(true);
      expect((await fetch(`${url}/api/stats`)).status).toBe(401);
      const cookie = await signIn(url!, user!, password!);
      const stats = (await (await fetch(`${url}/api/stats`, { headers: { cookie } })).json()) as {
        assets: number;
        byRole: Record<string, number>;
      };
      expect(stats.assets).toBeGreaterThanOrEqual(8);
      expect(stats.byRole.plc).toBeGreaterThanOrEqual(1);
      expect(demo.stdout).toContain(`${stats.assets} assets) is loaded`);
      expect(await demo.stop('SIGINT')).toBe(0);
      expect(existsSync(folder!)).toBe(false);
      expect(demo.stderr).toBe('');
    } finally {
      await demo.stop('SIGKILL');
    }
  });
});

describe('lineguard serve and user', () => {
  let data: string;
  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), 'lineguard-serve-'));
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('prints a one-time setup link on first start, and none once a user exists', async () => {
    const env = { ...process.env, LINEGUARD_DATABASE_URL: '' };
    const first = new RunningCli(['serve', '--data-dir', data, '--port', '0'], env);
    try {
      const [, link, token] = await first.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([\w-]+)/);
      const res = await fetch(`${link}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: 'boss', password: 'boss-password-1' }),
      });
      expect(res.status).toBe(201);
      expect(await first.stop('SIGTERM')).toBe(0);
    } finally {
      await first.stop('SIGKILL');
    }

    const add = await runCli(
      ['user', 'add', 'vic', '--role', 'engineer', '--password-stdin', '--data-dir', data],
      {
        stdin: Buffer.from('vic-password-99\n'),
      },
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe('Added engineer vic.\n');
    const again = await runCli(['user', 'add', 'vic', '--password-stdin', '--data-dir', data], {
      stdin: Buffer.from('another-password\n'),
    });
    expect(again.code).toBe(64);
    expect(again.stderr).toBe('lineguard: a user named vic exists already\n');
    const weak = await runCli(['user', 'add', 'wendy', '--password-stdin', '--data-dir', data], {
      stdin: Buffer.from('short\n'),
    });
    expect(weak.code).toBe(64);
    expect(weak.stderr).toBe('lineguard: password: must be at least 10 characters\n');
    const noTty = await runCli(['user', 'add', 'wendy', '--data-dir', data]);
    expect(noTty.code).toBe(64);
    expect(noTty.stderr).toContain('--password-stdin');
    const list = await runCli(['user', 'list', '--data-dir', data]);
    expect(list.stdout).toMatch(/^boss +admin .*\nvic +engineer /);

    const second = new RunningCli(['serve', '--data-dir', data, '--port', '0'], env);
    try {
      const [, url] = await second.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      await second.waitFor(/Ctrl\+C/);
      expect(second.stdout).not.toContain('setup?token=');
      const cookie = await signIn(url!, 'vic', 'vic-password-99');
      expect((await fetch(`${url}/api/captures`, { headers: { cookie } })).status).toBe(200);
      expect(await second.stop('SIGTERM')).toBe(0);
    } finally {
      await second.stop('SIGKILL');
    }
  });

  it('answers a bad flag or an unusable database with the usage and input exit codes', async () => {
    expect((await runCli(['serve', '--port', '70000'])).code).toBe(64);
    expect((await runCli(['serve', '--max-upload', 'lots'])).code).toBe(64);
    for (const bad of ['10.0.0.300', '10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '10.0.0.1,,']) {
      const r = await runCli(['serve', '--trust-proxy', bad]);
      expect(r.code, bad).toBe(64);
      expect(r.stderr).toContain('is not an IP address or CIDR range');
    }
    const role = await runCli(['user', 'add', 'x', '--role', 'wizard', '--password-stdin']);
    expect(role.code).toBe(64);
    expect(role.stderr).toBe('lineguard: --role wizard: expected one of admin, engineer, viewer\n');
    expect((await runCli(['user', 'add', 'x', '--admin', '--role', 'viewer', '--password-stdin'])).code).toBe(
      64,
    );
    const bad = await runCli(['user', 'list', '--db', 'mysql://nope']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^lineguard: unsupported database URL/);
    const down = await runCli(['user', 'list', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    expect(down.code).toBe(66);
    expect(down.stderr).toMatch(/^lineguard: cannot open the postgres store/);
  });
});
