/**
 * Live capture end to end: the real command captures on loopback (through tcpdump) while the
 * test sends its own UDP datagrams there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/capture/summary.js';
import { CLI, runCli } from './cli.js';

function liveCaptureAvailable(): boolean {
  const has = spawnSync('tcpdump', ['--version']).status === 0;
  const root = process.getuid?.() === 0;
  if (has && root) return true;
  const why = has ? 'not root (capturing needs CAP_NET_RAW)' : 'tcpdump is not installed';
  if (process.env.CI === 'true') throw new Error(`CI=true but live capture cannot run: ${why}`);
  console.warn(`skipping live capture tests: ${why}`);
  return false;
}

describe.skipIf(!liveCaptureAvailable())('lineguard analyze --interface', () => {
  it('captures the traffic the test sends on loopback', async () => {
    const port = 40000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      process.execPath,
      [CLI, 'analyze', '--json', '--no-progress', '-i', 'lo', '--filter', `udp port ${port}`, '--count', '5'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // tcpdump needs a moment to open the device: keep sending until the capture has its five.
    const sock = createSocket('udp4');
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < 400) sock.send(Buffer.from(`lineguard live test ${sent++}`), port, '127.0.0.1');
    }, 25);
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearInterval(timer);
    clearTimeout(killer);
    sock.close();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const s = JSON.parse(stdout) as Summary;
    expect(s.packets).toBe(5);
    expect(s.inputs[0]!.format).toBe('pcap');
    expect(s.flows.udp).toBe(1);
    expect(s.hosts.map((h) => h.ip)).toEqual(['127.0.0.1']);
    expect(s.protocols).toEqual([{ name: `udp/${port}`, packets: 5, bytes: expect.any(Number), flows: 1 }]);
  });

  it('names the interface and tcpdump’s reason when it cannot capture', async () => {
    const r = await runCli(['analyze', '--no-progress', '-i', 'nosuchif0', '--duration', '5']);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/^lineguard: interface nosuchif0: tcpdump exited with 1: .*nosuchif0/);
  });

  it('refuses an interface name that is not one', async () => {
    const r = await runCli(['analyze', '-i', 'lo; rm -rf /']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('not a valid interface name');
  });
});
