/** Identity resolution, roles and Purdue levels, fed with events directly (DESIGN.md: state is folded from events). */
import { describe, expect, it } from 'vitest';
import type { Endpoint, LineguardEvent, OpKind } from '../events/types.js';
import { flow as storeFlow } from '../store/testing/events.js';
import { buildInventory } from './assemble.js';
import { csvField, inventoryCsv } from './export.js';
import { Observations } from './observations.js';

const ev = { source: 'test', ts: 1_000 };

/** A TCP flow from the 'test' source: five packets each way unless told. */
function flow(
  client: Endpoint,
  server: Endpoint,
  app?: string,
  ttl: [number, number] = [64, 64],
  packets: [number, number] = [5, 5],
): LineguardEvent {
  return storeFlow('test', client, server, { app, ttl, packets });
}

function asset(at: Endpoint, protocol: string, facts: Record<string, string>): LineguardEvent {
  return { kind: 'asset.observed', at, protocol, facts, evidence: { ...ev, frame: 7 } };
}

function op(
  client: Endpoint,
  server: Endpoint,
  protocol: string,
  kind: OpKind,
  code: string,
): LineguardEvent {
  return { kind: 'op.observed', client, server, protocol, op: kind, code, evidence: ev };
}

async function inventory(events: LineguardEvent[]) {
  const obs = new Observations();
  for (const e of events) obs.emit(e);
  return (await buildInventory(obs)).assets;
}

const ROUTER = '00:00:0c:00:00:01';
const PLC = { ip: '10.0.1.20', mac: '00:80:f4:00:00:20' };
const HMI = { ip: '10.0.1.10', mac: '00:d0:c9:00:00:10' };

describe('identity resolution', () => {
  it('does not merge hosts behind a router MAC', async () => {
    const a = await inventory([
      flow({ ip: '10.9.0.1', mac: ROUTER, port: 40000 }, { ...PLC, port: 502 }, 'modbus', [63, 64]),
      flow({ ip: '10.9.0.2', mac: ROUTER, port: 40001 }, { ...PLC, port: 502 }, 'modbus', [127, 64]),
    ]);
    const byIp = (ip: string) => a.filter((x) => x.ips.includes(ip));
    expect(byIp('10.9.0.1')).toHaveLength(1);
    expect(byIp('10.9.0.1')[0]!.macs).toEqual([]);
    expect(byIp('10.9.0.2')[0]!.id).not.toBe(byIp('10.9.0.1')[0]!.id);
    const router = a.find((x) => x.macs.includes(ROUTER))!;
    expect(router.role.role).toBe('router');
    expect(router.role.reasons).toContain('mac-fronts-other-hosts');
    // Known only from other hosts' frames, it was on the wire when they were.
    expect([router.first, router.last]).toEqual([1_000, 2_000]);
    expect(byIp(PLC.ip)[0]!.macs).toEqual([PLC.mac]);
  });

  it('takes a MAC seen one router hop away for a router’s, even behind a single IP', async () => {
    const a = await inventory([
      flow({ ip: '10.9.0.5', mac: ROUTER, port: 40000 }, { ...PLC, port: 502 }, 'modbus', [127, 64]),
    ]);
    expect(a.find((x) => x.ips.includes('10.9.0.5'))!.macs).toEqual([]);
    expect(a.find((x) => x.macs.includes(ROUTER))!.role.role).toBe('router');
  });

  it('reads a Siemens stack’s initial TTL of 30 as no hop: the PLC keeps its own MAC', async () => {
    // S7-300/400 CPUs send with TTL 30; taken for 32, the PLC would read as two routers away
    // and split into an IP-only PLC and a MAC-only "router".
    const a = await inventory([flow({ ...HMI, port: 40000 }, { ...PLC, port: 102 }, 'cotp', [64, 30])]);
    const plc = a.filter((x) => x.ips.includes(PLC.ip));
    expect(plc).toHaveLength(1);
    expect(plc[0]!.macs).toEqual([PLC.mac]);
    expect(a.some((x) => x.role.role === 'router')).toBe(false);
  });

  it('keeps one asset when DHCP moves a device to a new address', async () => {
    const mac = '3c:52:82:00:07:07';
    const a = await inventory([
      asset({ mac, ip: '10.0.1.107' }, 'dhcp', { 'dhcp.hostname': 'lt-quality-07', name: 'lt-quality-07' }),
      flow(
        { ip: '10.0.1.107', mac, port: 50000 },
        { ip: '10.0.1.2', mac: '00:50:56:00:01:02', port: 53 },
        'dns',
      ),
      asset({ mac, ip: '10.0.1.140' }, 'dhcp', { 'dhcp.hostname': 'lt-quality-07' }),
      flow(
        { ip: '10.0.1.140', mac, port: 50001 },
        { ip: '10.0.1.2', mac: '00:50:56:00:01:02', port: 53 },
        'dns',
      ),
    ]);
    const laptop = a.filter((x) => x.macs.includes(mac));
    expect(laptop).toHaveLength(1);
    expect(laptop[0]!.ips).toEqual(['10.0.1.107', '10.0.1.140']);
    expect(laptop[0]!.id).toBe(`mac:${mac}`);
    expect(laptop[0]!.role.role).toBe('it-host');
  });

  it('joins two interfaces that report one serial number', async () => {
    const a = await inventory([
      asset({ ip: '10.0.1.20' }, 'enip', { serial: '0x0051823f', 'enip.serial': '0x0051823f' }),
      asset({ ip: '10.0.2.20' }, 'enip', { serial: '0x0051823f' }),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]!.ips).toEqual(['10.0.1.20', '10.0.2.20']);
  });

  it('joins a switch’s LLDP name to the one IP device of that name', async () => {
    const a = await inventory([
      asset({ mac: '00:1b:1b:5c:a1:01' }, 'lldp', { 'lldp.system_name': 'sw-cell-a', roleHint: 'switch' }),
      asset({ ip: '10.10.1.2' }, 'dns', { name: 'sw-cell-a.plant.example' }),
      asset({ ip: '10.10.1.3' }, 'dns', { name: 'other.plant.example' }),
    ]);
    const sw = a.find((x) => x.macs.includes('00:1b:1b:5c:a1:01'))!;
    expect(sw.ips).toEqual(['10.10.1.2']);
    expect(sw.role.role).toBe('switch');
    expect(sw.vendor).toBe('Siemens AG');
  });

  it('leaves out broadcast and multicast addresses', async () => {
    const a = await inventory([
      flow(
        { ...HMI, port: 47808 },
        { ip: '10.0.1.255', mac: 'ff:ff:ff:ff:ff:ff', port: 47808 },
        'bacnet',
        [64, 0],
        [5, 0],
      ),
      flow(
        { ...HMI, port: 5353 },
        { ip: '224.0.0.251', mac: '01:00:5e:00:00:fb', port: 5353 },
        'mdns',
        [255, 0],
        [5, 0],
      ),
    ]);
    expect(a.flatMap((x) => x.ips)).toEqual([HMI.ip]);
  });
});

describe('roles and Purdue levels', () => {
  it('tells a PLC, an HMI, an engineering workstation and a historian apart by what they do', async () => {
    const EWS = { ip: '10.0.0.30', mac: '14:18:77:00:03:30' };
    const HIST = { ip: '10.0.0.40', mac: '00:15:5d:00:04:40' };
    const plc = { ...PLC, port: 102 };
    const a = await inventory([
      flow({ ...HMI, port: 50000 }, plc, 's7comm'),
      op({ ...HMI, port: 50000 }, plc, 's7comm', 'read', '0x04'),
      op({ ...HMI, port: 50000 }, plc, 's7comm', 'write', '0x05'),
      flow({ ...EWS, port: 50001 }, plc, 's7comm'),
      op({ ...EWS, port: 50001 }, plc, 's7comm', 'program', '0x1b'),
      op({ ...EWS, port: 50001 }, plc, 's7comm', 'control', '0x29'),
      flow({ ...HIST, port: 50002 }, plc, 's7comm'),
      op({ ...HIST, port: 50002 }, plc, 's7comm', 'read', '0x04'),
      asset({ ip: PLC.ip }, 's7comm', {
        vendor: 'Siemens',
        model: 'CPU 315-2 PN/DP',
        roleHint: 'plc',
        firmware: 'V3.2.6',
      }),
      asset({ ip: HIST.ip }, 'nbns', { name: 'HIST-01' }),
    ]);
    const role = (ip: string) => a.find((x) => x.ips.includes(ip))!;
    expect(role(PLC.ip).role.role).toBe('plc');
    expect(role(PLC.ip).purdue.level).toBe(1);
    expect(role(PLC.ip).vendor).toBe('Siemens');
    expect(role(PLC.ip).firmware).toBe('V3.2.6');
    expect(role(PLC.ip).role.reasons).toEqual(['hint:plc (s7comm)', 'serves:s7comm']);
    expect(role(HMI.ip).role.role).toBe('hmi');
    expect(role(HMI.ip).purdue.level).toBe(2);
    expect(role(EWS.ip).role.role).toBe('engineering-workstation');
    expect(role(EWS.ip).role.reasons[0]).toBe('ops:program×1');
    expect(role(HIST.ip).role.role).toBe('historian');
    expect(role(HIST.ip).purdue.level).toBe(3);
    // Peers carry the operations each side performed.
    const ewsPeer = role(EWS.ip).peers[0]!;
    expect(ewsPeer).toMatchObject({
      as: 'client',
      protocols: ['s7comm'],
      opsSent: { program: 1, control: 1 },
    });
    expect(role(PLC.ip).peers.find((p) => p.asset === role(EWS.ip).id)).toMatchObject({
      as: 'server',
      opsReceived: { program: 1, control: 1 },
    });
    // Each peer is named as the asset it is (its name, else its address).
    for (const x of a)
      for (const p of x.peers) {
        const other = a.find((y) => y.id === p.asset)!;
        expect(p.name).toBe(other.names[0] ?? other.ips[0] ?? other.macs[0]);
      }
    expect(ewsPeer.name).toBe(role(PLC.ip).names[0] ?? PLC.ip);
    // Every fact keeps its evidence.
    expect(role(PLC.ip).facts.find((f) => f.key === 'model')).toEqual({
      key: 'model',
      value: 'CPU 315-2 PN/DP',
      evidence: { protocol: 's7comm', source: 'test', first: 1_000, last: 1_000, frame: 7, count: 1 },
    });
  });
});

describe('CSV export', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', async () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    const a = await inventory([
      asset({ ip: '10.0.0.9', mac: '02:00:00:00:00:09' }, 'lldp', { name: '=cmd|calc' }),
    ]);
    const csv = inventoryCsv(a).split('\r\n');
    expect(csv[0]).toBe(
      'id,role,confidence,purdue_level,ips,macs,names,vendor,model,firmware,serial,serves,uses,peers,first_seen,last_seen',
    );
    expect(csv[1]).toContain(",'=cmd|calc,");
  });
});
