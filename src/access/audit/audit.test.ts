import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, testGateway } from '../testing/gateway.js';
import { toCef, toJsonLine, toSyslogCef } from './export.js';

describe('audit log', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await testGateway();
    for (let i = 0; i < 5; i++)
      await t.gw.audit.append({
        type: 'access.login',
        actor: `user${i}`,
        subject: 'console',
        data: { i, note: 'a=b|c\\d\n' },
      });
  });
  afterEach(async () => t.cleanup());

  it('chains every entry to the one before', async () => {
    const all = await t.gw.audit.list({ limit: 100 });
    // Opening the gateway wrote the default policy and the CA's creation first.
    expect(all.map((e) => e.type).slice(0, 2)).toEqual(['access.policy.change', 'access.ca.create']);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev).toBe(all[i - 1]!.hash);
    const v = await t.gw.verifyAudit();
    expect(v).toEqual({ ok: true, entries: all.length, head: all.at(-1)!.hash });
  });

  /** Tamper with the database file behind the gateway's back, as an intruder with disk access would. */
  function tamper(sql: string): void {
    const raw = new Database(t.dbPath);
    raw.prepare(sql).run();
    raw.close();
  }

  it('names the first altered entry', async () => {
    tamper(`update audit set data = '{"i":2,"note":"edited"}' where seq = 5`);
    expect(await t.gw.verifyAudit()).toMatchObject({ ok: false, seq: 5, problem: 'hash-mismatch' });
  });

  it('finds an entry rewritten with a recomputed hash by its broken link', async () => {
    // Its first digit changed, whatever it was (a hash starting with f once in 16 must change too).
    tamper(
      `update audit set hash = (case substr(hash, 1, 1) when 'f' then 'e' else 'f' end)||substr(hash, 2) where seq = 4`,
    );
    expect(await t.gw.verifyAudit()).toMatchObject({ ok: false, seq: 4, problem: 'hash-mismatch' });
    tamper(`update audit set prev = 'x' where seq = 6`);
    expect(await t.gw.verifyAudit()).toMatchObject({ ok: false, seq: 4 });
  });

  it('finds a removed entry and a cut-off end', async () => {
    tamper('delete from audit where seq = 3');
    expect(await t.gw.verifyAudit()).toMatchObject({ ok: false, seq: 3, problem: 'sequence-gap' });
  });

  it('finds entries cut off the end', async () => {
    const n = (await t.gw.audit.list({ limit: 100 })).length;
    tamper(`delete from audit where seq = ${n}`);
    expect(await t.gw.verifyAudit()).toMatchObject({ ok: false, seq: n, problem: 'truncated' });
  });

  it('exports JSON lines and CEF with escaping', async () => {
    const [e] = await t.gw.audit.list({ from: 3, limit: 1 });
    const line = JSON.parse(toJsonLine(e!)) as Record<string, unknown>;
    expect(line).toMatchObject({
      seq: 3,
      type: 'access.login',
      actor: 'user0',
      hash: e!.hash,
      prev: e!.prev,
    });
    const cef = toCef(e!, '0.1.0');
    expect(cef.startsWith('CEF:0|Lineguard|lineguard-gateway|0.1.0|access.login|Login|3|')).toBe(true);
    expect(cef).toContain('suser=user0');
    // Extension values escape = and \ and line breaks; the pipe needs no escape there.
    expect(cef).toContain('a\\=b|c\\\\\\\\d\\\\n');
    expect(cef).not.toContain('\n');
    const sys = toSyslogCef(e!, '0.1.0', 'gw 1');
    expect(sys).toMatch(/^<166>1 \d{4}-\d\d-\d\dT[\d:.]+Z gw-1 lineguard - access\.login - CEF:0\|/);
  });

  it('marks a login that was not phishing-resistant (an authenticator code) in CEF and syslog', async () => {
    const [e] = await t.gw.audit.list({ from: 3, limit: 1 });
    const weak = { ...e!, data: { method: 'totp', phishingResistant: false } };
    expect(toCef(weak, '0.1.0')).toContain('|access.login|Login, not phishing-resistant|5|');
    // Syslog severity warning (4), not informational (6).
    expect(toSyslogCef(weak, '0.1.0', 'gw')).toMatch(/^<164>1 /);
  });
});
