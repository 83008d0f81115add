/**
 * WebAuthn with real signed registrations and assertions from a software ES256 key: the
 * ceremonies, and the ways a login must fail (another origin relaying a real challenge, a
 * replayed assertion, no user verification, a counter going back, a hardware key claiming
 * backup, a synced passkey where hardware keys are required).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessError } from '../errors.js';
import { removeKeys } from '../factors.js';
import { seedPlant, type TestGateway, testGateway } from '../testing/gateway.js';
import { SoftwareKey } from '../testing/software-key.js';
import { type WebAuthnConfig, WebAuthnService } from './service.js';

const ORIGIN = 'https://gateway.plant.test';
const CONFIG: WebAuthnConfig = {
  rpId: 'gateway.plant.test',
  rpName: 'Plant gateway',
  origins: [ORIGIN],
  attestation: 'none',
  hardwareKeysOnly: true,
};

describe('WebAuthn service', () => {
  let t: TestGateway;
  let svc: WebAuthnService;
  let key: SoftwareKey;

  beforeAll(async () => {
    t = await testGateway();
    await seedPlant(t.gw);
    svc = new WebAuthnService(t.gw.db, t.gw.audit, t.gw.directory, Date.now, CONFIG);
    key = new SoftwareKey();
    const reg = await svc.startRegistration('sam');
    expect(reg.options.authenticatorSelection?.userVerification).toBe('required');
    await svc.finishRegistration(reg.ceremony, key.register(reg.options, ORIGIN), 'YubiKey 5');
  }, 30_000);
  afterAll(async () => t.cleanup());

  it('registers a key and logs in with it', async () => {
    expect(await svc.keys('sam')).toMatchObject([
      { id: key.id, name: 'YubiKey 5', deviceType: 'singleDevice', backedUp: false },
    ]);
    const l = await svc.startLogin('sam');
    expect(l.options.allowCredentials?.map((c) => c.id)).toEqual([key.id]);
    const login = await svc.finishLogin(l.ceremony, key.login(l.options, ORIGIN));
    expect(login).toMatchObject({ user: 'sam', credential: key.id, method: 'webauthn' });
    // Discoverable: no user named up front, the key says who.
    const d = await svc.startLogin();
    expect((await svc.finishLogin(d.ceremony, key.login(d.options, ORIGIN))).user).toBe('sam');
  });

  it('refuses an assertion made for another origin and relayed (phishing)', async () => {
    const l = await svc.startLogin('sam');
    const relayed = key.login(l.options, 'https://gateway-plant-test.example');
    await expect(svc.finishLogin(l.ceremony, relayed)).rejects.toThrow(/origin/i);
  });

  it('refuses a replayed assertion: the challenge is spent', async () => {
    const l = await svc.startLogin('sam');
    const a = key.login(l.options, ORIGIN);
    await svc.finishLogin(l.ceremony, a);
    await expect(svc.finishLogin(l.ceremony, a)).rejects.toThrow(/unknown, used or expired challenge/);
  });

  it('refuses a login without user verification', async () => {
    const l = await svc.startLogin('sam');
    await expect(
      svc.finishLogin(l.ceremony, key.login(l.options, ORIGIN, { userVerified: false })),
    ).rejects.toThrow(/verif/i);
  });

  it('refuses a counter that goes back (a cloned key)', async () => {
    const l = await svc.startLogin('sam');
    key.counter = 0;
    await expect(svc.finishLogin(l.ceremony, key.login(l.options, ORIGIN))).rejects.toThrow(/counter/i);
    key.counter = 100;
  });

  it('refuses a single-device key that suddenly reports backup state', async () => {
    const l = await svc.startLogin('sam');
    await expect(
      svc.finishLogin(l.ceremony, key.login(l.options, ORIGIN, { backupEligible: true, backedUp: true })),
    ).rejects.toThrow(/backup state/);
  });

  it('refuses a synced passkey where only hardware keys are allowed, and a registration for another RP', async () => {
    const synced = new SoftwareKey({ backupEligible: true, backedUp: true });
    const r = await svc.startRegistration('sam');
    await expect(
      svc.finishRegistration(r.ceremony, synced.register(r.options, ORIGIN), 'phone'),
    ).rejects.toThrow(/single-device/);
    const r2 = await svc.startRegistration('sam');
    const other = new SoftwareKey();
    await expect(
      svc.finishRegistration(
        r2.ceremony,
        other.register({ ...r2.options, rp: { ...r2.options.rp, id: 'evil.test' } }, ORIGIN),
        'x',
      ),
    ).rejects.toThrow(/RP ID/i);
    expect(await svc.keys('sam')).toHaveLength(1);
  });

  it('refuses expired challenges and ceremonies of the other kind', async () => {
    let now = Date.now();
    const s = new WebAuthnService(t.gw.db, t.gw.audit, t.gw.directory, () => now, CONFIG);
    const l = await s.startLogin('sam');
    now += 6 * 60_000;
    await expect(s.finishLogin(l.ceremony, key.login(l.options, ORIGIN))).rejects.toBeInstanceOf(AccessError);
    const r = await s.startRegistration('sam');
    await expect(
      s.finishLogin(r.ceremony, key.login({ challenge: r.options.challenge, rpId: CONFIG.rpId }, ORIGIN)),
    ).rejects.toThrow(/challenge/);
  });

  it('audits logins as phishing-resistant and refusals with their cause', async () => {
    const logins = await t.gw.audit.list({ type: 'access.login', limit: 10 });
    expect(logins[0]?.data).toEqual({ method: 'webauthn', phishingResistant: true });
    const refused = await t.gw.audit.list({ type: 'access.login.refused', limit: 20 });
    expect(refused.length).toBeGreaterThanOrEqual(5);
  });

  it("removes a lost key: it signs no one in again; another user's key is not theirs to remove", async () => {
    const spare = new SoftwareKey();
    const reg = await svc.startRegistration('otto');
    await svc.finishRegistration(reg.ceremony, spare.register(reg.options, ORIGIN), 'spare');
    await expect(removeKeys(t.gw.db, t.gw.audit, 'sam', 'sam', spare.id)).rejects.toThrow(
      /sam has no security key/,
    );
    expect(await svc.keys('otto')).toHaveLength(1);
    const removed = await removeKeys(t.gw.db, t.gw.audit, 'otto', 'anna', spare.id);
    expect(removed).toMatchObject([{ id: spare.id, name: 'spare' }]);
    expect(await svc.keys('otto')).toEqual([]);
    const l = await svc.startLogin();
    await expect(svc.finishLogin(l.ceremony, spare.login(l.options, ORIGIN))).rejects.toThrow(
      /unknown security key/,
    );
    const entry = (await t.gw.audit.list({ type: 'access.key.remove', limit: 10 })).at(-1);
    expect(entry).toMatchObject({ actor: 'anna', subject: spare.id, data: { user: 'otto', name: 'spare' } });
    // Without an id: every key of the user (none left here) and nothing of anyone else's.
    expect(await removeKeys(t.gw.db, t.gw.audit, 'otto', 'anna')).toEqual([]);
    expect(await svc.keys('sam')).toHaveLength(1);
    expect((await t.gw.verifyAudit()).ok).toBe(true);
  });
});
