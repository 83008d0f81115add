/**
 * LLDP parser (EtherType 0x88cc).
 *
 * Spec: IEEE 802.1AB-2016 §8.4 (TLV format), §8.5.2–§8.5.9 (chassis ID, port ID, TTL, port
 * description, system name, system description, system capabilities, management address),
 * §9.2.7.7.1 (validation: chassis ID, port ID and TTL must come first, in that order);
 * Annex D.2.1 (802.1 port VLAN ID); ANSI/TIA-1057 §10.2.2 and §10.2.6 (LLDP-MED capabilities
 * and inventory: hardware/firmware/software revision, serial, manufacturer, model, asset id).
 *
 * Pure: bytes in, a message or an error value out; never throws; at most MAX_TLVS TLVs.
 * Not parsed: other org-specific TLVs (802.3 MAC/PHY, power, PROFINET, 802.1 VLAN names...:
 * counted in `unknownTlvs`), management address interface numbers and OIDs, LLDP-MED network
 * policy and location.
 */
import { ipv4FromBytes, ipv6FromBytes, macFromBytes } from '../../events/format.js';
import {
  AddrFamily,
  Chassis,
  DOT1_PORT_VLAN,
  LldpError,
  type LldpErrorCode,
  MAX_ID,
  MAX_MGMT_ADDRESSES,
  MAX_TEXT,
  MAX_TLVS,
  Med,
  Oui,
  PortSub,
  Tlv,
} from './consts.js';

export interface LldpId {
  subtype: number;
  /** MAC or IP text for binary subtypes; the string for text ones (hex when not printable). */
  value: string;
}

export interface LldpMed {
  deviceClass?: number;
  hardwareRevision?: string;
  firmwareRevision?: string;
  softwareRevision?: string;
  serialNumber?: string;
  manufacturer?: string;
  model?: string;
  assetId?: string;
}

export interface LldpMessage {
  chassisId: LldpId;
  portId: LldpId;
  ttl: number;
  portDescription?: string;
  systemName?: string;
  systemDescription?: string;
  capabilities?: { system: number; enabled: number };
  managementAddresses: string[];
  portVlanId?: number;
  med?: LldpMed;
  unknownTlvs: number;
}

export type LldpParse = { ok: true; msg: LldpMessage } | { ok: false; code: LldpErrorCode; detail: string };

function fail(code: LldpErrorCode, detail: string): LldpParse {
  return { ok: false, code, detail };
}

const MED_FIELDS: Readonly<Record<number, keyof Omit<LldpMed, 'deviceClass'>>> = {
  [Med.HARDWARE_REVISION]: 'hardwareRevision',
  [Med.FIRMWARE_REVISION]: 'firmwareRevision',
  [Med.SOFTWARE_REVISION]: 'softwareRevision',
  [Med.SERIAL_NUMBER]: 'serialNumber',
  [Med.MANUFACTURER]: 'manufacturer',
  [Med.MODEL]: 'model',
  [Med.ASSET_ID]: 'assetId',
};

/** Parse the LLDPDU in `buf[off, off + len)` (Ethernet padding after the End TLV is ignored). */
export function parseLldp(buf: Buffer, off: number, len: number): LldpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 2) return fail(LldpError.TOO_SHORT, `${end - off} bytes`);
  let chassisId: LldpId | undefined;
  let portId: LldpId | undefined;
  let ttl = -1;
  const msg: Omit<LldpMessage, 'chassisId' | 'portId' | 'ttl'> = { managementAddresses: [], unknownTlvs: 0 };
  let p = off;
  for (let n = 0; n < MAX_TLVS && p < end; n++) {
    if (p + 2 > end) return fail(LldpError.TRUNCATED, `TLV header at +${p - off} cut short`);
    const head = buf.readUInt16BE(p);
    const type = head >>> 9;
    const l = head & 0x1ff;
    const v = p + 2;
    if (v + l > end) return fail(LldpError.TRUNCATED, `TLV type ${type} of ${l} bytes runs past the end`);
    p = v + l;
    if (type === Tlv.END) break;
    // §9.2.7.7.1: the first three TLVs are chassis ID, port ID and TTL, in that order.
    const expect = n === 0 ? Tlv.CHASSIS_ID : n === 1 ? Tlv.PORT_ID : n === 2 ? Tlv.TTL : -1;
    if (expect >= 0 && type !== expect)
      return fail(LldpError.BAD_TLV, `TLV ${n + 1} is type ${type}, expected ${expect}`);
    switch (type) {
      case Tlv.CHASSIS_ID:
      case Tlv.PORT_ID: {
        if (expect < 0) break; // a repeat after the first three TLVs: ignored
        if (l < 2 || l > MAX_ID + 1) return fail(LldpError.BAD_TLV, `ID TLV type ${type} of ${l} bytes`);
        const id = readId(buf, v, v + l, type === Tlv.CHASSIS_ID ? Chassis.MAC : PortSub.MAC);
        if (type === Tlv.CHASSIS_ID) chassisId = id;
        else portId = id;
        break;
      }
      case Tlv.TTL:
        if (expect < 0) break;
        if (l < 2) return fail(LldpError.BAD_TLV, `TTL TLV of ${l} bytes`);
        ttl = buf.readUInt16BE(v);
        break;
      case Tlv.PORT_DESCRIPTION:
        msg.portDescription ??= text(buf, v, v + l);
        break;
      case Tlv.SYSTEM_NAME:
        msg.systemName ??= text(buf, v, v + l);
        break;
      case Tlv.SYSTEM_DESCRIPTION:
        msg.systemDescription ??= text(buf, v, v + l);
        break;
      case Tlv.SYSTEM_CAPABILITIES:
        if (l !== 4) return fail(LldpError.BAD_TLV, `capabilities TLV of ${l} bytes`);
        msg.capabilities ??= { system: buf.readUInt16BE(v), enabled: buf.readUInt16BE(v + 2) };
        break;
      case Tlv.MANAGEMENT_ADDRESS: {
        // §8.5.9: address string length (subtype + address), subtype, address, if-subtype(1),
        // if-number(4), OID length(1), OID.
        const alen = l >= 1 ? buf[v]! : 0;
        if (alen < 2 || alen > 32 || l < 1 + alen + 6)
          return fail(LldpError.BAD_TLV, `management address TLV of ${l} bytes`);
        const a = address(buf, v + 1, v + 1 + alen);
        if (a !== undefined && msg.managementAddresses.length < MAX_MGMT_ADDRESSES)
          msg.managementAddresses.push(a);
        break;
      }
      case Tlv.ORG_SPECIFIC:
        if (l < 4) return fail(LldpError.BAD_TLV, `organisation TLV of ${l} bytes`);
        if (!orgTlv(buf, v, v + l, msg)) msg.unknownTlvs++;
        break;
      default:
        msg.unknownTlvs++;
    }
  }
  if (!chassisId || !portId || ttl < 0) return fail(LldpError.BAD_TLV, 'chassis ID, port ID or TTL missing');
  return { ok: true, msg: { chassisId, portId, ttl, ...msg } };
}

/** Org-specific TLVs that are decoded; false when the OUI/subtype is not one of them. */
function orgTlv(
  buf: Buffer,
  v: number,
  end: number,
  msg: Omit<LldpMessage, 'chassisId' | 'portId' | 'ttl'>,
): boolean {
  const oui = buf.readUIntBE(v, 3);
  const sub = buf[v + 3]!;
  const d = v + 4;
  if (oui === Oui.IEEE_8021 && sub === DOT1_PORT_VLAN && end - d === 2) {
    msg.portVlanId = buf.readUInt16BE(d);
    return true;
  }
  if (oui !== Oui.TIA_MED) return false;
  msg.med ??= {};
  if (sub === Med.CAPABILITIES && end - d === 3) {
    msg.med.deviceClass = buf[d + 2]!;
    return true;
  }
  const field = MED_FIELDS[sub];
  if (field === undefined) return false;
  const s = text(buf, d, end);
  if (s !== '') msg.med[field] ??= s;
  return true;
}

/** A chassis or port ID: binary subtypes as MAC / IP text, the rest as text. */
function readId(buf: Buffer, v: number, end: number, macSubtype: number): LldpId {
  const subtype = buf[v]!;
  const s = v + 1;
  if (subtype === macSubtype && end - s === 6) return { subtype, value: macFromBytes(buf, s) };
  // Network address (chassis 5, port 4): IANA family, then the address.
  if (subtype === macSubtype + 1) {
    const a = address(buf, s, end);
    if (a !== undefined) return { subtype, value: a };
  }
  return { subtype, value: printable(buf, s, end) ? text(buf, s, end) : buf.toString('hex', s, end) };
}

/** IANA family byte then address bytes (§8.5.9.4); undefined for families not decoded. */
function address(buf: Buffer, s: number, end: number): string | undefined {
  const family = buf[s]!;
  const n = end - s - 1;
  if (family === AddrFamily.IPV4 && n === 4) return ipv4FromBytes(buf, s + 1);
  if (family === AddrFamily.IPV6 && n === 16) return ipv6FromBytes(buf, s + 1);
  if (family === AddrFamily.MAC && n === 6) return macFromBytes(buf, s + 1);
  return undefined;
}

function printable(buf: Buffer, s: number, end: number): boolean {
  for (let i = s; i < end; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return end > s;
}

/** TLV text as UTF-8 with control bytes turned to spaces (sysDescr often holds CR/LF), capped. */
function text(buf: Buffer, s: number, end: number): string {
  const t = buf
    .toString('utf8', s, end)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
}
