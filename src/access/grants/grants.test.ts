import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessError } from '../errors.js';
import { seedPlant, type TestGateway, testGateway } from '../testing/gateway.js';

const HOUR = 3600_000;

describe('just-in-time grants', () => {
  let t: TestGateway;
  let now: number;
  beforeEach(async () => {
    now = Date.now();
    t = await testGateway({ clock: () => now });
    await seedPlant(t.gw);
  });
  afterEach(async () => t.cleanup());

  const ask = () =>
    t.gw.grants.request('sam', {
      assets: ['plc1'],
      actions: ['modbus:read'],
      startsAt: now,
      endsAt: now + 2 * HOUR,
      reason: 'quarterly drive tuning, ticket 4711',
    });
  const mfa = () => ({ at: now, phishingResistant: true });
  const read = () =>
    t.gw.decider.decide({
      user: 'sam',
      action: 'modbus:read',
      asset: 'plc1',
      source: '10.0.0.9',
      mfa: mfa(),
    });

  it('request → approve → active in its window only, every step audited', async () => {
    const g = await ask();
    expect(g.status).toBe('pending');
    expect(read()).toMatchObject({ allow: false, reasons: ['grant-missing'] });
    const ok = await t.gw.grants.approve(g.id, 'anna', 'ok for today');
    expect(ok.status).toBe('approved');
    expect(read()).toMatchObject({
      allow: true,
      reasons: ['grant-active'],
      grant: g.id,
      policies: ['grant-permits'],
    });
    const write = t.gw.decider.decide({
      user: 'sam',
      action: 'modbus:write',
      asset: 'plc1',
      source: '10.0.0.9',
      mfa: mfa(),
    });
    expect(write).toMatchObject({ allow: false, reasons: ['operation-not-permitted'] });
    now += 3 * HOUR;
    expect(read()).toMatchObject({ allow: false, reasons: ['outside-window'] });
    const types = (await t.gw.audit.list({ limit: 100 }))
      .map((e) => e.type)
      .filter((x) => x === 'access.request' || x === 'access.grant');
    expect(types).toEqual(['access.request', 'access.grant']);
  });

  it('refuses self-approval and approval by non-approvers, changing nothing', async () => {
    const g = await ask();
    const epoch = t.gw.epoch.value;
    await expect(t.gw.grants.approve(g.id, 'sam')).rejects.toThrow(/cannot approve their own grant/);
    await expect(t.gw.grants.approve(g.id, 'otto')).rejects.toThrow(/not in the approvers group/);
    await expect(t.gw.grants.approve(g.id, 'nobody')).rejects.toBeInstanceOf(AccessError);
    expect((await t.gw.grants.get(g.id))?.status).toBe('pending');
    expect(t.gw.epoch.value).toBe(epoch);
    expect(read().allow).toBe(false);
    const refused = await t.gw.audit.list({ type: 'access.approval.refused', limit: 10 });
    expect(refused.map((e) => e.actor)).toEqual(['sam', 'otto', 'nobody']);
  });

  it('validates requests at the edge', async () => {
    const base = {
      assets: ['plc1'],
      actions: ['modbus:read'],
      startsAt: now,
      endsAt: now + HOUR,
      reason: 'x',
    };
    await expect(t.gw.grants.request('sam', { ...base, actions: ['modbus:fly'] })).rejects.toThrow(
      /grant.actions/,
    );
    await expect(t.gw.grants.request('sam', { ...base, actions: ['read'] })).rejects.toThrow(/grant.actions/);
    await expect(t.gw.grants.request('sam', { ...base, zone: 'cell1' })).rejects.toThrow(
      /either assets or a zone/,
    );
    await expect(t.gw.grants.request('sam', { ...base, assets: ['plc9'] })).rejects.toThrow(/no asset plc9/);
    await expect(t.gw.grants.request('sam', { ...base, endsAt: now - 1 })).rejects.toThrow(
      /ends before it starts/,
    );
    await expect(t.gw.grants.request('sam', { ...base, endsAt: now + 30 * 24 * HOUR })).rejects.toThrow(
      /at most 168 hours/,
    );
    await expect(t.gw.grants.request('sam', { ...base, reason: '  ' })).rejects.toThrow(/grant.reason/);
    expect(await t.gw.grants.list()).toHaveLength(0);
  });

  it('a zone grant covers the zone’s assets; extend and revoke move the epoch', async () => {
    const g = await t.gw.grants.request('sam', {
      zone: 'cell1',
      actions: ['modbus:read', 'modbus:write'],
      startsAt: now,
      endsAt: now + HOUR,
      reason: 'commissioning',
    });
    await t.gw.grants.approve(g.id, 'anna');
    expect(read().allow).toBe(true);
    const e0 = t.gw.epoch.value;
    await t.gw.grants.extend(g.id, 'anna', now + 2 * HOUR);
    expect(t.gw.epoch.value).toBe(e0 + 1);
    await expect(t.gw.grants.extend(g.id, 'sam', now + 3 * HOUR)).rejects.toThrow(/own grant/);
    now += 90 * 60_000;
    expect(read().allow).toBe(true);
    await t.gw.grants.revoke(g.id, 'sam', 'done early');
    expect(read()).toMatchObject({ allow: false, reasons: ['grant-missing'] });
    await expect(t.gw.grants.approve(g.id, 'anna')).rejects.toThrow(/is revoked/);
  });

  it('a denied request never becomes active', async () => {
    const g = await ask();
    await t.gw.grants.deny(g.id, 'anna', 'not this week');
    expect(read().allow).toBe(false);
    await expect(t.gw.grants.approve(g.id, 'anna')).rejects.toThrow(/is denied/);
  });

  it('survives a restart: approved grants are reloaded', async () => {
    const g = await ask();
    await t.gw.grants.approve(g.id, 'anna');
    await t.gw.close();
    const { AccessGateway } = await import('../gateway.js');
    const { TEST_PASSPHRASE } = await import('../testing/gateway.js');
    const again = await AccessGateway.open({
      dbPath: t.dbPath,
      caPassphrase: TEST_PASSPHRASE,
      clock: () => now,
    });
    t.gw = again;
    expect(read()).toMatchObject({ allow: true, grant: g.id });
  });

  it('pages back through the grants newest first, ties by id, each once', async () => {
    // Three asked in the same millisecond, then four more over time.
    for (let i = 0; i < 7; i++) {
      if (i >= 3) now += 1000;
      await ask();
    }
    const all = await t.gw.grants.list();
    expect(all).toHaveLength(7);
    const paged: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await t.gw.grants.list({ limit: 2, ...(before !== undefined ? { before } : {}) });
      paged.push(...page.map((g) => g.id));
      if (page.length < 2) break;
      before = page.at(-1)!.id;
    }
    expect(paged).toEqual(all.map((g) => g.id));
    expect(all.map((g) => g.createdAt)).toEqual([...all.map((g) => g.createdAt)].sort((a, b) => b - a));
    await expect(t.gw.grants.list({ before: 'g-none' })).rejects.toMatchObject({ code: 'ACCESS_NOT_FOUND' });
  });
});
