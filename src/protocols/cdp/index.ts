/**
 * CDP analyzer (802.3 LLC/SNAP, OUI 00-00-0C, PID 0x2000): Cisco switches, routers and phones
 * (and the OT switches that speak CDP, e.g. Rockwell Stratix) describing themselves, as
 * `asset.observed` about the frame's source MAC.
 *
 * Layout: see consts.ts (no public spec). Facts: `name` (system name, else device ID),
 * `cdp.device_id`, `cdp.platform` (→ model, with "cisco " dropped), `cdp.software_version`
 * (→ firmware from its "Version x"), vendor `Cisco` when platform or software says so,
 * `cdp.port_id`, `cdp.capabilities` and the roleHint they imply, `cdp.address`,
 * `cdp.management_address`, `cdp.native_vlan`, `cdp.vtp_domain`, `cdp.location`. As with
 * LLDP, addresses stay facts and are not put in `at` (they may belong to another interface).
 * Anomalies: `cdp.bad_version`, `cdp.bad_tlv`, `cdp.too_short`, `cdp.bad_checksum`.
 * Not handled: VoIP VLAN negotiation, power negotiation, ODR IP prefixes.
 */
import type { AssetFacts } from '../../events/types.js';
import type { AnalyzerDescriptor } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { frameSource } from '../endpoint.js';
import { CAPABILITY_NAMES, CDP_SNAP, CdpCap } from './consts.js';
import { type CdpMessage, parseCdp } from './parse.js';

export const cdp: AnalyzerDescriptor = {
  name: 'cdp',
  transport: 'l2',
  snap: [CDP_SNAP],
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'cdp');
    return {
      data(_dir, buf, off, len) {
        const at = frameSource(ctx.packet);
        if (!at) return;
        const r = parseCdp(buf, off, len);
        if (!r.ok) {
          out.anomaly(`cdp.${r.code}`, r.detail);
          return;
        }
        // Facts are still taken: the frame passed the NIC's FCS, so a bad checksum means a
        // sloppy or crafted sender, which is worth knowing but does not make the text wrong.
        if (!r.msg.checksumOk)
          out.anomaly('cdp.bad_checksum', `checksum 0x${buf.readUInt16BE(off + 2).toString(16)}`);
        const facts = cdpFacts(r.msg);
        if (Object.keys(facts).length > 0) out.asset(at, facts);
      },
    };
  },
};

export function cdpFacts(m: CdpMessage): AssetFacts {
  const f: AssetFacts = {};
  const name = m.systemName || m.deviceId;
  if (name) f.name = name;
  if (m.deviceId) f['cdp.device_id'] = m.deviceId;
  if (m.systemName) f['cdp.system_name'] = m.systemName;
  const cisco = /\bcisco\b/i.test(m.platform ?? '') || /\bcisco\b/i.test(m.softwareVersion ?? '');
  if (cisco) f.vendor = 'Cisco';
  if (m.platform) {
    f['cdp.platform'] = m.platform;
    const model = m.platform.replace(/^cisco\s+/i, '').trim();
    if (model) f.model = model;
  }
  if (m.softwareVersion) {
    f['cdp.software_version'] = m.softwareVersion;
    const v = /\bVersion:?\s+([^\s,]+)/i.exec(m.softwareVersion);
    if (v?.[1]) f.firmware = v[1].replace(/[.;]+$/, '');
  }
  if (m.portId) f['cdp.port_id'] = m.portId;
  if (m.capabilities !== undefined) {
    const names = CAPABILITY_NAMES.filter((_, i) => m.capabilities! & (1 << i));
    if (names.length > 0) f['cdp.capabilities'] = names.join(',');
    const role = roleOf(m.capabilities);
    if (role) f.roleHint = role;
  }
  if (m.addresses.length > 0) f['cdp.address'] = m.addresses.join(',');
  if (m.managementAddresses.length > 0) f['cdp.management_address'] = m.managementAddresses.join(',');
  if (m.nativeVlan !== undefined) f['cdp.native_vlan'] = String(m.nativeVlan);
  if (m.vtpDomain) f['cdp.vtp_domain'] = m.vtpDomain;
  if (m.location) f['cdp.location'] = m.location;
  return f;
}

/** Phones also bridge and L3 switches also route: the most specific role first, switch before router. */
function roleOf(caps: number): string | undefined {
  if (caps & CdpCap.PHONE) return 'phone';
  if (caps & (CdpCap.SWITCH | CdpCap.TRANS_BRIDGE | CdpCap.SR_BRIDGE)) return 'switch';
  if (caps & CdpCap.ROUTER) return 'router';
  if (caps & CdpCap.REPEATER) return 'repeater';
  return undefined;
}
