/**
 * PROFINET DCP blocks in words: the identity facts a device's blocks state, and the human
 * targets of Identify filters, Get lists and Set requests.
 *
 * Spec: IEC 61158-6-10:2014 §4.3.1.4 (block values), IEC 61158-5-10 (DeviceRole,
 * ResetToFactory). Fact keys follow tshark's `pn_dcp` fields as the truth files name them:
 * `profinet_dcp.name_of_station`, `profinet_dcp.device_vendor` (DeviceVendorValue),
 * `profinet_dcp.vendor_id` / `profinet_dcp.device_id` ("0x002a"), plus our own
 * `profinet_dcp.device_role`, `profinet_dcp.alias_name`, `profinet_dcp.device_instance`,
 * `profinet_dcp.oem_vendor_id` / `profinet_dcp.oem_device_id`, `profinet_dcp.ip`,
 * `profinet_dcp.netmask`, `profinet_dcp.gateway`.
 */
import type { AssetFacts, OpKind } from '../../events/types.js';
import {
  ControlSub,
  DEVICE_ROLE_NAMES,
  DeviceRole,
  DeviceSub,
  IpSub,
  Option,
  QUALIFIER_PERMANENT,
  VENDOR_NAMES,
} from './consts.js';
import { blockText, type DcpBlock, type DcpMessage, deviceId, firstByte, ipParams } from './parse.js';

const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

/** Identity facts of the device that sent `m` (an Identify / Get response or a Hello). */
export function deviceFacts(buf: Buffer, m: DcpMessage): AssetFacts {
  const f: AssetFacts = {};
  for (const b of m.blocks) {
    if (b.option === Option.DEVICE) {
      switch (b.suboption) {
        case DeviceSub.NAME_OF_STATION: {
          const name = blockText(buf, b);
          if (name !== '') {
            f.name = name;
            f['profinet_dcp.name_of_station'] = name;
          }
          break;
        }
        case DeviceSub.VENDOR: {
          const v = blockText(buf, b);
          if (v !== '') {
            f['profinet_dcp.device_vendor'] = v;
            f.model = v;
          }
          break;
        }
        case DeviceSub.DEVICE_ID: {
          const id = deviceId(buf, b);
          if (id) {
            f['profinet_dcp.vendor_id'] = hex4(id.vendorId);
            f['profinet_dcp.device_id'] = hex4(id.deviceId);
            const vendor = VENDOR_NAMES[id.vendorId];
            if (vendor) f.vendor = vendor;
          }
          break;
        }
        case DeviceSub.OEM_DEVICE_ID: {
          const id = deviceId(buf, b);
          if (id) {
            f['profinet_dcp.oem_vendor_id'] = hex4(id.vendorId);
            f['profinet_dcp.oem_device_id'] = hex4(id.deviceId);
          }
          break;
        }
        case DeviceSub.DEVICE_ROLE: {
          const role = firstByte(buf, b);
          if (role > 0) {
            const names = DEVICE_ROLE_NAMES.filter(([bit]) => role & bit).map(([, n]) => n);
            if (names.length > 0) f['profinet_dcp.device_role'] = names.join(',');
            const hint = roleHint(role);
            if (hint) f.roleHint = hint;
          }
          break;
        }
        case DeviceSub.ALIAS_NAME: {
          const alias = blockText(buf, b);
          if (alias !== '') f['profinet_dcp.alias_name'] = alias;
          break;
        }
        case DeviceSub.DEVICE_INSTANCE:
          if (b.valueLen >= 2)
            f['profinet_dcp.device_instance'] = `${buf[b.valueOff]}.${buf[b.valueOff + 1]}`;
          break;
      }
    } else if (
      b.option === Option.IP &&
      (b.suboption === IpSub.PARAMETER || b.suboption === IpSub.FULL_SUITE)
    ) {
      const ip = ipParams(buf, b);
      if (ip && ip.ip !== '0.0.0.0') {
        f['profinet_dcp.ip'] = ip.ip;
        f['profinet_dcp.netmask'] = ip.mask;
        if (ip.gateway !== '0.0.0.0') f['profinet_dcp.gateway'] = ip.gateway;
      }
    }
  }
  return f;
}

/** An IO controller is (almost always) a PLC; a supervisor an engineering station or HMI. */
function roleHint(role: number): string | undefined {
  if (role & DeviceRole.IO_CONTROLLER) return 'plc';
  if (role & DeviceRole.PN_SUPERVISOR) return 'engineering-workstation';
  if (role & (DeviceRole.IO_DEVICE | DeviceRole.IO_MULTIDEVICE)) return 'io-device';
  return undefined;
}

/** Short name of an option/suboption pair, as targets say it. */
export function blockName(option: number, suboption: number): string {
  if (option === Option.ALL) return 'all';
  if (option === Option.IP) {
    if (suboption === IpSub.MAC) return 'mac';
    if (suboption === IpSub.PARAMETER) return 'ip';
    if (suboption === IpSub.FULL_SUITE) return 'ip-suite';
  } else if (option === Option.DEVICE) {
    const n = DEVICE_NAMES[suboption];
    if (n) return n;
  } else if (option === Option.DHCP) return `dhcp ${suboption}`;
  else if (option === Option.CONTROL) {
    const n = CONTROL_NAMES[suboption];
    if (n) return n;
  } else if (option === Option.DEVICE_INITIATIVE) return 'device-initiative';
  return `${option}/${suboption}`;
}

const DEVICE_NAMES: Readonly<Record<number, string>> = {
  [DeviceSub.VENDOR]: 'device-vendor',
  [DeviceSub.NAME_OF_STATION]: 'name-of-station',
  [DeviceSub.DEVICE_ID]: 'device-id',
  [DeviceSub.DEVICE_ROLE]: 'device-role',
  [DeviceSub.DEVICE_OPTIONS]: 'device-options',
  [DeviceSub.ALIAS_NAME]: 'alias-name',
  [DeviceSub.DEVICE_INSTANCE]: 'device-instance',
  [DeviceSub.OEM_DEVICE_ID]: 'oem-device-id',
  [DeviceSub.STANDARD_GATEWAY]: 'standard-gateway',
  [DeviceSub.RSI_PROPERTIES]: 'rsi-properties',
};

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  [ControlSub.START_TRANSACTION]: 'start-transaction',
  [ControlSub.END_TRANSACTION]: 'end-transaction',
  [ControlSub.SIGNAL]: 'signal',
  [ControlSub.RESPONSE]: 'response',
  [ControlSub.RESET_FACTORY_SETTINGS]: 'reset-factory-settings',
  [ControlSub.RESET_TO_FACTORY]: 'reset-to-factory',
};

/** One block as a target part: the value for the ones people care about. */
function describeBlock(buf: Buffer, b: DcpBlock): string {
  const name = blockName(b.option, b.suboption);
  if (b.option === Option.IP && (b.suboption === IpSub.PARAMETER || b.suboption === IpSub.FULL_SUITE)) {
    const ip = ipParams(buf, b);
    if (!ip) return name;
    const net = ip.prefix >= 0 ? `/${ip.prefix}` : ` mask ${ip.mask}`;
    return `ip ${ip.ip}${net}${ip.gateway !== '0.0.0.0' ? ` gw ${ip.gateway}` : ''}`;
  }
  if (b.option === Option.DEVICE) {
    if (
      b.suboption === DeviceSub.NAME_OF_STATION ||
      b.suboption === DeviceSub.ALIAS_NAME ||
      b.suboption === DeviceSub.VENDOR
    )
      return `${name} ${JSON.stringify(blockText(buf, b))}`;
    if (b.suboption === DeviceSub.DEVICE_ID) {
      const id = deviceId(buf, b);
      if (id) return `device-id ${hex4(id.vendorId)}/${hex4(id.deviceId)}`;
    }
    if (b.suboption === DeviceSub.DEVICE_ROLE) return `device-role 0x${firstByte(buf, b).toString(16)}`;
  }
  return name;
}

/** Identify.req filters ("all", `name-of-station "x"`, ...), joined. */
export function identifyTarget(buf: Buffer, m: DcpMessage): string {
  return m.blocks.map((b) => describeBlock(buf, b)).join(', ') || 'all';
}

/** Get.req: the options asked for. */
export function getTarget(m: DcpMessage): string {
  return m.blocks.map((b) => blockName(b.option, b.suboption)).join(', ');
}

/**
 * Set.req: `write` for addresses, names and other properties; `control` when it signals
 * (flashes the LED) or resets to factory settings, the irreversible one. Transaction
 * brackets say nothing and are left out of the target.
 */
export function setOp(buf: Buffer, m: DcpMessage): { kind: OpKind; target: string } {
  let kind: OpKind = 'write';
  const parts: string[] = [];
  for (const b of m.blocks) {
    if (b.option === Option.CONTROL) {
      if (b.suboption === ControlSub.START_TRANSACTION || b.suboption === ControlSub.END_TRANSACTION)
        continue;
      kind = 'control';
      parts.push(
        b.suboption === ControlSub.RESET_TO_FACTORY && b.info >= 0
          ? `reset-to-factory mode 0x${b.info.toString(16).padStart(4, '0')}`
          : blockName(b.option, b.suboption),
      );
      continue;
    }
    const temporary = b.info >= 0 && (b.info & QUALIFIER_PERMANENT) === 0 ? ' (temporary)' : '';
    parts.push(describeBlock(buf, b) + temporary);
  }
  return { kind, target: parts.join(', ') };
}
