/**
 * The demo's access directory, so the console's access pages are not empty: the sample
 * plant's controllers and engineering workstation behind the gateway, the administrator as an
 * approver, a supplier (Acme Automation) with one engineer who can sign in, and that
 * engineer's pending request to read the press PLC.
 */

import type { HubAccess } from '../server/access-gateway.js';
import { PLANT } from '../sim/plant-model.js';

export const DEMO_SUPPLIER_USER = 'sam';

export async function seedDemoAccess(access: HubAccess, admin: string): Promise<void> {
  const d = access.gateway.directory;
  const by = 'demo';
  await d.addZone({ id: 'cell-a', name: 'Cell A (press and weld)' }, by);
  await d.addZone({ id: 'cell-b', name: 'Cell B (packaging)' }, by);
  await d.addZone({ id: 'supervisory', name: 'Supervisory' }, by);
  const assets = [
    {
      id: PLANT.plcPress.name,
      name: 'Press PLC',
      host: PLANT.plcPress.ip,
      port: 502,
      protocol: 'modbus',
      zone: 'cell-a',
    },
    {
      id: PLANT.plcWeld.name,
      name: 'Weld PLC',
      host: PLANT.plcWeld.ip,
      port: 102,
      protocol: 's7',
      zone: 'cell-a',
    },
    {
      id: PLANT.plcPack.name,
      name: 'Packaging PLC',
      host: PLANT.plcPack.ip,
      port: 44818,
      protocol: 'enip',
      zone: 'cell-b',
    },
    {
      id: PLANT.engWs.name,
      name: 'Engineering workstation (RDP)',
      host: PLANT.engWs.ip,
      port: 3389,
      protocol: 'tcp',
      zone: 'supervisory',
    },
  ] as const;
  for (const a of assets) await d.addAsset(a, by);
  await d.addUser({ id: admin, name: 'Administrator', kind: 'employee', groups: [access.approverGroup] }, by);
  await d.addSupplier({ id: 'acme', name: 'Acme Automation' }, by);
  await d.addUser(
    { id: DEMO_SUPPLIER_USER, name: 'Sam Service (Acme)', kind: 'supplier', supplier: 'acme' },
    by,
  );
  const now = Date.now();
  await access.gateway.grants.request(DEMO_SUPPLIER_USER, {
    assets: [PLANT.plcPress.name],
    actions: ['connect', 'modbus:read'],
    startsAt: now,
    endsAt: now + 4 * 3600_000,
    reason: 'Quarterly check of the press line’s counters (ticket ACME-4711)',
  });
}
