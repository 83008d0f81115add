import { describe, expect, it } from 'vitest';
import type { AssetObserved } from '../events/types.js';
import { HostTable } from './hosts.js';

const ev = (at: AssetObserved['at'], name: string): AssetObserved => ({
  kind: 'asset.observed',
  at,
  protocol: 'test',
  facts: { name },
  evidence: { source: 't', ts: 0 },
});
const ip = (text: string) => text.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const MAC_A = 0x020000000001;
const MAC_R = 0x0200000000ff;

describe('HostTable', () => {
  it('puts a name learnt for a MAC on the one IP host with that MAC', () => {
    const t = new HostTable();
    t.ip4(ip('10.0.0.1'), MAC_A, 0);
    t.fact(ev({ mac: '02:00:00:00:00:01' }, 'plc-01'));
    expect(t.list()).toEqual([
      { ip: '10.0.0.1', macs: ['02:00:00:00:00:01'], names: ['plc-01'], group: false },
    ]);
  });

  it('keeps a router MAC’s name on its own row when several IPs sit behind it', () => {
    const t = new HostTable();
    t.ip4(ip('10.1.0.1'), MAC_R, 0);
    t.ip4(ip('10.2.0.1'), MAC_R, 0);
    t.fact(ev({ mac: '02:00:00:00:00:ff' }, 'core-router'));
    expect(t.list().map((h) => [h.ip ?? '-', h.names])).toEqual([
      ['10.1.0.1', []],
      ['10.2.0.1', []],
      ['-', ['core-router']],
    ]);
  });

  it('names an IP directly, creating it when unseen', () => {
    const t = new HostTable();
    t.fact(ev({ ip: '10.0.0.9' }, 'hist-01'));
    t.fact(ev({ ip: 'fe80::1' }, 'gw6'));
    expect(t.list()).toEqual([
      { ip: '10.0.0.9', macs: [], names: ['hist-01'], group: false },
      { ip: 'fe80::1', macs: [], names: ['gw6'], group: false },
    ]);
  });

  it('lists an address’s MACs in the order first seen, also after merging another table', () => {
    const a = new HostTable();
    a.ip4(ip('10.0.0.5'), MAC_R, 300);
    a.ip4(ip('10.0.0.5'), MAC_A, 500);
    const b = new HostTable();
    b.ip4(ip('10.0.0.5'), MAC_A, 100);
    b.ip4(ip('10.0.0.6'), MAC_A, 200);
    b.fact(ev({ ip: '10.0.0.6' }, 'hmi-02'));
    b.mac(0x020000000009);
    a.absorb(b.share());
    expect(a.list()).toEqual([
      { ip: '10.0.0.5', macs: ['02:00:00:00:00:01', '02:00:00:00:00:ff'], names: [], group: false },
      { ip: '10.0.0.6', macs: ['02:00:00:00:00:01'], names: ['hmi-02'], group: false },
      { macs: ['02:00:00:00:00:09'], names: [], group: false },
    ]);
  });

  it('marks 0.0.0.0 and multicast as groups, and stays bounded', () => {
    const t = new HostTable(3);
    t.ip4(0, MAC_A, 0);
    t.ip4(ip('239.1.1.1'), -1, 0);
    t.ip4(ip('10.0.0.1'), -1, 0);
    t.ip4(ip('10.0.0.2'), -1, 0);
    t.mac(MAC_R);
    expect(t.list().map((h) => [h.ip, h.group])).toEqual([
      ['0.0.0.0', true],
      ['10.0.0.1', false],
      ['239.1.1.1', true],
    ]);
    expect(t.omitted).toBe(2);
  });
});
