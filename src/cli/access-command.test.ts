import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPlant, type TestGateway, testGateway } from '../access/testing/gateway.js';
import { runExplain } from './access-command.js';
import { runAuditExport, runAuditVerify } from './audit-command.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}

describe('lineguard access explain / audit verify / audit export', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await testGateway();
    await seedPlant(t.gw);
    await t.gw.policies.set(
      `@id("operators-read") permit (principal in Group::"operators", action in Action::"read", resource in Zone::"cell1");
@id("no-low-writes") @reason("operation-not-permitted")
forbid (principal, action in Action::"write", resource) when { context.target.start < 100 };`,
      'anna',
    );
    await t.gw.close();
  }, 30_000);
  afterAll(async () => t.cleanup());

  it('explains an allow and a deny, naming the policies', async () => {
    const a = capture();
    const base = { user: 'otto', asset: 'plc1', source: '10.0.0.5', db: t.dbPath };
    expect(await runExplain({ ...base, action: 'modbus:read' }, a.io)).toBe(0);
    expect(a.out()).toMatch(/^ALLOW {2}otto → modbus:read on plc1/);
    expect(a.out()).toContain('operators-read (permit)');
    const d = capture();
    expect(
      await runExplain(
        { ...base, action: 'modbus:write', target: 'holding:10-12', unit: 1, json: true },
        d.io,
      ),
    ).toBe(0);
    const j = JSON.parse(d.out()) as {
      decision: string;
      reasons: string[];
      policies: { id: string }[];
      context: { target: unknown };
    };
    expect(j).toMatchObject({
      decision: 'deny',
      reasons: ['operation-not-permitted'],
      policies: [{ id: 'no-low-writes' }],
    });
    expect(j.context.target).toEqual({ unit: 1, space: 'holding', start: 10, end: 12 });
    const g = capture();
    expect(await runExplain({ ...base, user: 'sam', action: 'modbus:read' }, g.io)).toBe(0);
    expect(g.out()).toContain('reasons: grant-missing');
    expect(g.out()).toContain('default deny');
  });

  it('rejects bad flags and a missing database', async () => {
    const c = capture();
    expect(
      await runExplain(
        { user: 'otto', asset: 'plc1', source: 'x', action: 'modbus:read', db: t.dbPath },
        c.io,
      ),
    ).toBe(64);
    expect(
      await runExplain(
        { user: 'otto', asset: 'plc1', source: '10.0.0.1', action: 'modbus:fly', db: t.dbPath },
        c.io,
      ),
    ).toBe(64);
    expect(
      await runExplain(
        { user: 'otto', asset: 'plc1', source: '10.0.0.1', action: 'connect', db: join(t.dir, 'nope.db') },
        c.io,
      ),
    ).toBe(66);
    expect(c.err()).toMatch(
      /--source x: not an IP address[\s\S]*--action modbus:fly[\s\S]*no gateway database/,
    );
  });

  it('exports JSON lines and CEF to a file', async () => {
    const out = join(t.dir, 'audit.jsonl');
    const c = capture();
    expect(await runAuditExport({ format: 'jsonl', from: '1', out, db: t.dbPath }, c.io)).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(lines[0]).toMatchObject({ seq: 1, type: 'access.policy.change' });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const cef = capture();
    expect(await runAuditExport({ format: 'cef', syslog: true, from: '2', db: t.dbPath }, cef.io)).toBe(0);
    expect(cef.out().split('\n')[0]).toMatch(
      /^<\d+>1 \S+ \S+ lineguard - access\.ca\.create - CEF:0\|Lineguard\|/,
    );
    expect(await runAuditExport({ format: 'xml', from: '1', db: t.dbPath }, cef.io)).toBe(64);
  });

  it('verify passes, then names the entry an intruder edited (through the real CLI)', async () => {
    const ok = capture();
    expect(await runAuditVerify({ db: t.dbPath }, ok.io)).toBe(0);
    expect(ok.out()).toMatch(/^audit log intact: \d+ entries/);
    const raw = new Database(t.dbPath);
    raw.prepare(`update audit set actor = 'someone-else' where seq = 3`).run();
    raw.close();
    const run = promisify(execFile);
    const r = await run(process.execPath, [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'audit',
      'verify',
      '--db',
      t.dbPath,
    ]).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(r.code).toBe(65);
    expect(r.stdout).toMatch(/TAMPERED at entry 3 \(hash-mismatch\)/);
  }, 30_000);
});
