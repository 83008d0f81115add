/**
 * Authenticator codes against real RFC 6238 codes (otplib's generator, on the gateway's clock):
 * enrolment in two steps, a code working once, the audit marking code logins as not
 * phishing-resistant, secrets sealed at rest, and a gateway that does not allow codes.
 */
import Database from 'better-sqlite3';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessGateway } from '../gateway.js';
import { seedPlant, TEST_PASSPHRASE, type TestGateway, testGateway } from '../testing/gateway.js';

/** 2026-11-25 12:00:05 UTC: five seconds into a 30 s step. */
const T0 = Date.UTC(2026, 10, 25, 12, 0, 5);

describe('authenticator codes (TOTP fallback)', () => {
  let t: TestGateway;
  let now = T0;
  let secret = '';
  const code = (at = now) => generate({ secret, epoch: Math.floor(at / 1000) });

  beforeAll(async () => {
    t = await testGateway({ clock: () => now, totp: { issuer: 'Plant 1' } });
    await seedPlant(t.gw);
  }, 30_000);
  afterAll(async () => t.cleanup());

  it('enrols in two steps: the secret, then a code from the app', async () => {
    const svc = t.gw.totp;
    expect(await svc.status('sam')).toEqual({ allowed: true, enrolled: false });
    const e = await svc.startEnrolment('sam');
    secret = e.secret;
    expect(e.uri).toMatch(/^otpauth:\/\/totp\/Plant%201:sam\?/);
    expect(e.uri).toContain(`secret=${secret}`);
    // Not usable before it is confirmed.
    await expect(svc.login('sam', await code())).rejects.toThrow(/no authenticator app is set up/);
    await expect(svc.confirmEnrolment('sam', '000000')).rejects.toThrow(/does not match/);
    const s = await svc.confirmEnrolment('sam', await code());
    expect(s).toMatchObject({ allowed: true, enrolled: true, confirmedAt: now });
    // A second factor needs the first removed.
    await expect(svc.startEnrolment('sam')).rejects.toThrow(/already/);
  });

  it('takes a code once: the code that confirmed, or a login, cannot be used again', async () => {
    const svc = t.gw.totp;
    await expect(svc.login('sam', await code())).rejects.toThrow(/wrong or already used/);
    now += 30_000;
    const c = await code();
    const [a, b] = await Promise.allSettled([svc.login('sam', c), svc.login('sam', c)]);
    // Two requests racing with one code: exactly one passes.
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect((a.status === 'fulfilled' ? a : b) as PromiseFulfilledResult<unknown>).toMatchObject({
      value: { user: 'sam', at: now, method: 'totp' },
    });
  });

  it("takes the step before or after (drift), not older or newer ones, nor another user's", async () => {
    const svc = t.gw.totp;
    now += 90_000;
    await expect(svc.login('sam', await code(now - 60_000))).rejects.toThrow(/wrong/);
    await expect(svc.login('sam', await code(now + 60_000))).rejects.toThrow(/wrong/);
    await expect(svc.login('otto', await code())).rejects.toThrow(/no authenticator app/);
    await expect(svc.login('sam', 'abcdef')).rejects.toThrow(/wrong/);
    expect(await svc.login('sam', await code(now - 30_000))).toMatchObject({ user: 'sam' });
  });

  it('audits code logins as not phishing-resistant, and refusals with why', async () => {
    const entries = await t.gw.audit.list({ limit: 1000 });
    const logins = entries.filter((e) => e.type === 'access.login');
    expect(logins.length).toBe(2);
    for (const l of logins)
      expect(l).toMatchObject({ actor: 'sam', data: { method: 'totp', phishingResistant: false } });
    expect(entries.filter((e) => e.type === 'access.totp.enrol')).toMatchObject([
      { actor: 'sam', subject: 'sam' },
    ]);
    const refused = entries.filter((e) => e.type === 'access.login.refused');
    expect(refused.map((e) => e.data.why)).toContain('wrong or already used code');
    expect((await t.gw.verifyAudit()).ok).toBe(true);
  });

  it('refuses a disabled user', async () => {
    await t.gw.directory.setUserDisabled('sam', true, 'anna');
    await expect(t.gw.totp.login('sam', await code())).rejects.toThrow(/disabled/);
    await t.gw.directory.setUserDisabled('sam', false, 'anna');
  });

  it('keeps the secret sealed at rest, bound to its user', async () => {
    const raw = new Database(t.dbPath, { readonly: true });
    try {
      const rows = raw.prepare('select user_id, secret_box from totp_factors').all() as {
        user_id: string;
        secret_box: string;
      }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.secret_box).not.toContain(secret);
      const dump = raw.prepare('select value from meta').all() as { value: string }[];
      expect(dump.some((r) => r.value.includes(secret))).toBe(false);
    } finally {
      raw.close();
    }
    // Another user's row with sam's box does not open.
    await t.gw.db
      .insertInto('totp_factors')
      .values({
        user_id: 'otto',
        secret_box: (
          await t.gw.db
            .selectFrom('totp_factors')
            .select('secret_box')
            .where('user_id', '=', 'sam')
            .executeTakeFirstOrThrow()
        ).secret_box,
        created_at: now,
        confirmed_at: now,
        last_step: null,
        last_used_at: null,
      })
      .execute();
    now += 30_000;
    await expect(t.gw.totp.login('otto', await code())).rejects.toThrow(/does not open/);
    await t.gw.db.deleteFrom('totp_factors').where('user_id', '=', 'otto').execute();
  });

  it('after a restart the key unseals again, and a wrong passphrase fails closed', async () => {
    await t.gw.close();
    await expect(
      AccessGateway.open({ dbPath: t.dbPath, caPassphrase: 'wrong passphrase!!', totp: { issuer: 'x' } }),
    ).rejects.toThrow(/passphrase/);
    t.gw = await AccessGateway.open({
      dbPath: t.dbPath,
      caPassphrase: TEST_PASSPHRASE,
      clock: () => now,
      totp: { issuer: 'Plant 1' },
    });
    now += 30_000;
    expect(await t.gw.totp.login('sam', await code())).toMatchObject({ user: 'sam' });
  });

  it('with codes off: an enrolled factor is seen, and every code login and set-up refused', async () => {
    await t.gw.close();
    t.gw = await AccessGateway.open({ dbPath: t.dbPath, caPassphrase: TEST_PASSPHRASE, clock: () => now });
    now += 30_000;
    expect(await t.gw.totp.status('sam')).toMatchObject({ allowed: false, enrolled: true });
    await expect(t.gw.totp.login('sam', await code())).rejects.toThrow(/turned off/);
    await expect(t.gw.totp.startEnrolment('otto')).rejects.toThrow(/turned off/);
    // Removal still works (an administrator cleaning up after turning codes off).
    await t.gw.totp.remove('sam', 'anna');
    expect(await t.gw.totp.status('sam')).toEqual({ allowed: false, enrolled: false });
    await expect(t.gw.totp.remove('sam', 'anna')).rejects.toThrow(/no authenticator app/);
    const last = (await t.gw.audit.list({ limit: 1000 })).at(-1);
    expect(last).toMatchObject({ type: 'access.totp.remove', actor: 'anna', subject: 'sam' });
  });
});
