import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessError } from '../errors.js';
import { seedPlant, type TestGateway, testGateway } from '../testing/gateway.js';
import type { AccessRequest } from './decision.js';
import { DEFAULT_POLICY } from './document.js';

const HOUR = 3600_000;

const OPERATOR_POLICY = `${DEFAULT_POLICY}
// Operators read anything in cell 1 from the control-room subnet.
@id("operators-read-cell1")
permit (principal in Group::"operators", action in Action::"read", resource in Zone::"cell1")
when { context.source.isInRange(ip("10.20.0.0/16")) };

// Nobody writes below holding register 100 (safety limits).
@id("no-writes-to-limits")
@reason("operation-not-permitted")
forbid (principal, action in Action::"write", resource)
when { context.target.space == "holding" && context.target.start < 100 };
`;

describe('policies and decisions', () => {
  let t: TestGateway;
  let now: number;
  const at = () => now;
  beforeAll(async () => {
    now = Date.parse('2026-11-23T08:00:30Z');
    t = await testGateway({ clock: at });
    await seedPlant(t.gw);
    await t.gw.policies.set(OPERATOR_POLICY, 'anna');
  });
  afterAll(async () => t.cleanup());

  const fresh = (): AccessRequest['mfa'] => ({ at: now - 5 * 60_000, phishingResistant: true });

  it('denies by default and says why', () => {
    const d = t.gw.decider.decide({
      user: 'sam',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    expect(d).toMatchObject({ allow: false, reasons: ['grant-missing'], policies: [] });
  });

  it('permits by a named policy, only from the subnet it names', () => {
    const ok = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    expect(ok).toMatchObject({ allow: true, reasons: ['permitted'], policies: ['operators-read-cell1'] });
    const elsewhere = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '192.0.2.1',
      mfa: fresh(),
    });
    expect(elsewhere.allow).toBe(false);
    const write = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:write',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    expect(write.allow).toBe(false);
  });

  it('refuses a stale or missing MFA through the annotated forbid', () => {
    const stale = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: { at: now - 9 * HOUR, phishingResistant: true },
    });
    expect(stale).toMatchObject({ allow: false, reasons: ['mfa-stale'], policies: ['mfa-fresh'] });
    const none = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
    });
    expect(none.reasons).toEqual(['mfa-stale']);
  });

  it('checks register ranges', () => {
    const g = { user: 'otto', asset: 'plc1', source: '10.20.1.5', mfa: fresh() } as const;
    const low = t.gw.decider.decide({
      ...g,
      action: 'modbus:write',
      target: { unit: 1, space: 'holding', start: 10, end: 10 },
    });
    expect(low).toMatchObject({
      allow: false,
      reasons: ['operation-not-permitted'],
      policies: ['no-writes-to-limits'],
    });
  });

  it('explains with the determining policy text and the context Cedar saw', () => {
    const x = t.gw.decider.explain({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    expect(x.determining.map((p) => p.id)).toEqual(['operators-read-cell1']);
    expect(x.determining[0]!.text).toContain('Group::"operators"');
    expect(x.context.now).toEqual({ __extn: { fn: 'datetime', arg: '2026-11-23T08:00:00Z' } });
    expect(x.context.mfa).toEqual({ present: true, ageMinutes: 5, phishingResistant: true });
  });

  it('names unknown users and assets without asking Cedar', () => {
    expect(
      t.gw.decider.decide({ user: 'mallory', action: 'connect', asset: 'plc1', source: '10.0.0.1' }).reasons,
    ).toEqual(['principal-unknown']);
    expect(
      t.gw.decider.decide({ user: 'otto', action: 'connect', asset: 'plc9', source: '10.0.0.1' }).reasons,
    ).toEqual(['resource-unknown']);
  });

  it('refuses a policy that fails validation with Cedar’s error and keeps the one in force', async () => {
    const before = t.gw.policies.version;
    const epoch = t.gw.epoch.value;
    const bad = `${OPERATOR_POLICY}\n@id("typo") permit (principal, action, resource) when { context.grnat.active };`;
    await expect(t.gw.policies.set(bad, 'anna')).rejects.toThrow(/policy typo: .*grnat/);
    await expect(t.gw.policies.set('permit (principal, action, resource) when {', 'anna')).rejects.toThrow(
      /unexpected end of input/,
    );
    await expect(
      t.gw.policies.set('@reason("because") permit (principal, action, resource);', 'anna'),
    ).rejects.toThrow(/not one of the gateway's reasons/);
    await expect(
      t.gw.policies.set('@id("system:user-disabled") permit (principal, action, resource);', 'anna'),
    ).rejects.toBeInstanceOf(AccessError);
    expect(t.gw.policies.version).toBe(before);
    expect(t.gw.epoch.value).toBe(epoch);
    expect(t.gw.policies.current.text).toBe(OPERATOR_POLICY);
    const rejected = await t.gw.audit.list({ type: 'access.policy.rejected', limit: 10 });
    expect(rejected).toHaveLength(4);
  });

  it('caches decisions until the epoch moves or a minute passes', async () => {
    const req: AccessRequest = {
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    };
    const cache = t.gw.decider.cache;
    t.gw.decider.decide(req);
    const hits = cache.hits;
    expect(t.gw.decider.decide(req).allow).toBe(true);
    expect(cache.hits).toBe(hits + 1);
    // The user is disabled: the epoch moves, the cache empties, the system policy refuses.
    await t.gw.directory.setUserDisabled('otto', true, 'anna');
    expect(cache.size).toBe(0);
    expect(t.gw.decider.decide(req)).toMatchObject({
      allow: false,
      reasons: ['user-disabled'],
      policies: ['system:user-disabled'],
    });
    await t.gw.directory.setUserDisabled('otto', false, 'anna');
    // Time alone: the entry expires at the next minute.
    t.gw.decider.decide(req);
    const misses = cache.misses;
    now += 30_000;
    t.gw.decider.decide(req);
    expect(cache.misses).toBe(misses + 1);
  });

  it("a session's memo follows the epoch and the clock like the shared cache", async () => {
    const s = t.gw.decider.session({
      user: 'otto',
      action: 'connect',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    const holding = { unit: 1, space: 'holding', start: 200, end: 201 };
    expect(s.check('modbus:read', holding).allow).toBe(true);
    const hits = t.gw.decider.cache.hits;
    expect(s.check('modbus:read', holding).allow).toBe(true);
    expect(t.gw.decider.cache.hits).toBe(hits + 1);
    expect(s.check('modbus:write', { ...holding, start: 10, end: 10 }).reasons).toEqual([
      'operation-not-permitted',
    ]);
    await t.gw.directory.setUserDisabled('otto', true, 'anna');
    expect(s.check('modbus:read', holding).reasons).toEqual(['user-disabled']);
    await t.gw.directory.setUserDisabled('otto', false, 'anna');
    expect(s.check('modbus:read', holding).allow).toBe(true);
    // Nine hours on, the login behind the session is too old.
    expect(s.check('modbus:read', holding, now + 9 * HOUR).reasons).toEqual(['mfa-stale']);
  });

  it('cuts nothing it should not: isolation refuses every action on that asset', async () => {
    await t.gw.directory.setAssetIsolated('plc1', true, 'anna', 'incident 7');
    const d = t.gw.decider.decide({
      user: 'otto',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.20.1.5',
      mfa: fresh(),
    });
    expect(d).toMatchObject({ allow: false, reasons: ['asset-isolated'] });
    await t.gw.directory.setAssetIsolated('plc1', false, 'anna');
  });
});
