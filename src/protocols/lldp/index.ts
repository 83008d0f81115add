/**
 * LLDP analyzer (EtherType 0x88cc): switches, routers, phones and LLDP-speaking OT devices
 * (PROFINET stations must send LLDP) describing themselves, as `asset.observed` about the
 * frame's source MAC.
 *
 * Spec: IEEE 802.1AB-2016 §8.5, ANSI/TIA-1057 §10.2.6. Facts: `lldp.chassis_id`,
 * `lldp.port_id`, `lldp.port_description`, `name` and `lldp.system_name`,
 * `lldp.system_description` with the vendor / model / firmware it cheaply gives away
 * (sysdescr.ts), `lldp.capabilities` (enabled ones) and the roleHint they imply,
 * `lldp.management_address`, `lldp.port_vlan`; LLDP-MED inventory overrides the description:
 * manufacturer → vendor, model → model, firmware (or software) revision → firmware, serial →
 * serial. The management address is not put in `at`: it often belongs to another interface
 * (a switch's CPU MAC differs from its port MACs), so it stays a fact for the inventory.
 * Not handled: 802.3 / PROFINET / power TLVs, LLDP-MED location and policy, LLDP shutdown
 * (TTL 0) semantics.
 */
import type { AssetFacts } from '../../events/types.js';
import type { AnalyzerDescriptor } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { frameSource } from '../endpoint.js';
import { CAPABILITY_NAMES, Cap, ETHERTYPE_LLDP, MED_CLASS_III } from './consts.js';
import { type LldpMessage, parseLldp } from './parse.js';
import { describeSystem } from './sysdescr.js';

export const lldp: AnalyzerDescriptor = {
  name: 'lldp',
  transport: 'l2',
  ethertypes: [ETHERTYPE_LLDP],
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'lldp');
    return {
      data(_dir, buf, off, len) {
        const at = frameSource(ctx.packet);
        if (!at) return;
        const r = parseLldp(buf, off, len);
        if (!r.ok) {
          out.anomaly(`lldp.${r.code}`, r.detail);
          return;
        }
        out.asset(at, lldpFacts(r.msg));
      },
    };
  },
};

export function lldpFacts(m: LldpMessage): AssetFacts {
  const f: AssetFacts = { 'lldp.chassis_id': m.chassisId.value, 'lldp.port_id': m.portId.value };
  if (m.portDescription) f['lldp.port_description'] = m.portDescription;
  if (m.systemName) {
    f.name = m.systemName;
    f['lldp.system_name'] = m.systemName;
  }
  if (m.systemDescription) {
    f['lldp.system_description'] = m.systemDescription;
    const d = describeSystem(m.systemDescription);
    if (d.vendor) f.vendor = d.vendor;
    if (d.model) f.model = d.model;
    if (d.firmware) f.firmware = d.firmware;
  }
  if (m.capabilities) {
    // Devices that leave "enabled" empty still say what they can be.
    const caps = m.capabilities.enabled || m.capabilities.system;
    const names = CAPABILITY_NAMES.filter((_, i) => caps & (1 << i));
    if (names.length > 0) f['lldp.capabilities'] = names.join(',');
    const role = roleOf(caps, m.med?.deviceClass);
    if (role) f.roleHint = role;
  } else if (m.med?.deviceClass === MED_CLASS_III) f.roleHint = 'phone';
  if (m.managementAddresses.length > 0) f['lldp.management_address'] = m.managementAddresses.join(',');
  if (m.portVlanId !== undefined) f['lldp.port_vlan'] = String(m.portVlanId);
  const med = m.med;
  if (med) {
    if (med.manufacturer) f.vendor = med.manufacturer;
    if (med.model) f.model = med.model;
    const fw = med.firmwareRevision ?? med.softwareRevision;
    if (fw) f.firmware = fw;
    if (med.serialNumber) f.serial = med.serialNumber;
    if (med.hardwareRevision) f['lldp.hardware_revision'] = med.hardwareRevision;
    if (med.assetId) f['lldp.asset_id'] = med.assetId;
  }
  return f;
}

/**
 * The most specific role the capabilities allow: a phone or an access point also bridges, an
 * L3 switch also routes, so those are tested first and bridge wins over router.
 */
function roleOf(caps: number, medClass: number | undefined): string | undefined {
  if (caps & Cap.TELEPHONE || medClass === MED_CLASS_III) return 'phone';
  if (caps & Cap.WLAN_AP) return 'access-point';
  if (caps & Cap.BRIDGE) return 'switch';
  if (caps & Cap.ROUTER) return 'router';
  if (caps & Cap.REPEATER) return 'repeater';
  return undefined;
}
