/**
 * CIP requests as operations (kind, code, human-readable target) and Identity object values as
 * asset facts. Pure.
 *
 * Operation kinds: common services by CIP Vol 1 Appendix A; Identity Get_Attributes_All is an
 * identity query; a Set on the clock classes (Time Sync 0x43, Vol 1 §5-35; Rockwell Wall Clock
 * Time 0x8B) changes the device time and counts as control; object-specific codes (0x4B-0x63)
 * depend on the class — Connection Manager (Forward Open/Close, Unconnected Send) is session
 * plumbing, File object (0x37) services move files (program), PCCC (0x67) is tunnelled legacy
 * traffic, anything else is read as the Logix services (consts.ts).
 * Facts: keys and formats as tshark 4.0 writes the ListIdentity fields (`enip.vendor_id` "0x0001",
 * `enip.device_type` and `enip.product_code` decimal, `enip.revision` major·256+minor in decimal,
 * e.g. 4.3 → "1027", `enip.serial` "0x0051823f", `enip.product_name`), plus the generic keys.
 */
import type { AssetFacts, OpKind } from '../../events/types.js';
import type { Epath } from './cip.js';
import {
  Class,
  COMMON_SERVICE_KIND,
  DEVICE_ROLE,
  DEVICE_TYPE,
  fileService,
  LOGIX_SERVICE_KIND,
  Service,
} from './consts.js';
import { hex, type Identity } from './parse.js';
import { vendorName } from './vendors.js';

/** "0x00" … "0xff": service codes as the truth files key them, made once. */
export const CODE: readonly string[] = Array.from({ length: 256 }, (_, i) => `0x${hex(i, 2)}`);

/** Encapsulation commands that carry no CIP, as op codes ("0x63"). */
export function commandCode(command: number): string {
  return command < 256 ? CODE[command]! : `0x${hex(command, 4)}`;
}

export function opKind(service: number, path: Epath): OpKind {
  if (service < 0x20) {
    const kind = COMMON_SERVICE_KIND[service] ?? 'other';
    if (path.cls === Class.IDENTITY && service === Service.GET_ATTRIBUTES_ALL) return 'identify';
    if (kind === 'write' && (path.cls === Class.WALL_CLOCK_TIME || path.cls === Class.TIME_SYNC)) {
      if (
        service === Service.SET_ATTRIBUTES_ALL ||
        service === Service.SET_ATTRIBUTE_LIST ||
        service === Service.SET_ATTRIBUTE_SINGLE
      )
        return 'control';
    }
    return kind;
  }
  if (path.cls === Class.CONNECTION_MANAGER || path.cls === Class.PCCC) return 'other';
  if (path.cls === Class.FILE) return fileService(service) ? 'program' : 'other';
  return LOGIX_SERVICE_KIND[service] ?? 'other';
}

/** "class 0x01 instance 1 attr 7", a tag name "Program:Main.Total[3]", with " via <route>" when routed. */
export function describePath(p: Epath): string | undefined {
  let s = '';
  if (p.cls >= 0) s = `class 0x${hex(p.cls, 2)}`;
  if (p.inst >= 0) s = s === '' ? `instance ${p.inst}` : `${s} instance ${p.inst}`;
  if (p.point >= 0) s = s === '' ? `point ${p.point}` : `${s} point ${p.point}`;
  if (p.member >= 0) s = s === '' ? `member ${p.member}` : `${s} member ${p.member}`;
  if (p.attr >= 0) s = s === '' ? `attr ${p.attr}` : `${s} attr ${p.attr}`;
  if (p.symbol !== undefined) s = s === '' ? p.symbol : `${s} ${p.symbol}`;
  if (p.route !== undefined) s = s === '' ? `via ${p.route}` : `${s} via ${p.route}`;
  return s === '' ? undefined : s;
}

/** A connection service's target with the connection ids: "<path> (O->T 0x…, T->O 0x…)". */
export function withConnectionIds(target: string | undefined, otId: number, toId: number): string {
  return `${target ?? 'connection'} (O->T 0x${hex(otId, 8)}, T->O 0x${hex(toId, 8)})`;
}

/** Attribute ids listed in Get/Set_Attribute_List data shown at most. */
const MAX_LISTED = 8;

/**
 * The target of a request: its path, plus what its data says about the extent (attribute list,
 * element count of a tag access).
 */
export function describeRequest(
  service: number,
  path: Epath,
  buf: Buffer,
  dataOff: number,
  dataLen: number,
): string | undefined {
  const base = describePath(path);
  let extra = '';
  if (service === Service.GET_ATTRIBUTE_LIST && dataLen >= 2 && path.cls !== Class.CONNECTION_MANAGER) {
    const n = buf.readUInt16LE(dataOff);
    const shown = Math.min(n, MAX_LISTED, (dataLen - 2) >> 1);
    if (shown > 0) {
      extra = ` attrs ${buf.readUInt16LE(dataOff + 2)}`;
      for (let i = 1; i < shown; i++) extra += `,${buf.readUInt16LE(dataOff + 2 + i * 2)}`;
      if (n > shown) extra += `,… (${n})`;
    }
  } else if (
    service === Service.SET_ATTRIBUTE_LIST &&
    dataLen >= 4 &&
    path.cls !== Class.CONNECTION_MANAGER
  ) {
    // Ids interleave with values whose sizes only the object's definition knows: the first id only.
    const n = buf.readUInt16LE(dataOff);
    if (n > 0)
      extra =
        n === 1
          ? ` attrs ${buf.readUInt16LE(dataOff + 2)}`
          : ` attrs ${buf.readUInt16LE(dataOff + 2)},… (${n})`;
  } else if (path.symbol !== undefined && dataLen >= 2 && logixClass(path.cls)) {
    // Logix tag services on a tag name (1756-PM020): Read Tag (Fragmented) data starts with the
    // element count; Write Tag (Fragmented) with the data type, then the element count.
    const at = service === Service.READ_TAG || service === Service.READ_TAG_FRAGMENTED ? 0 : 2;
    const tagService =
      service === Service.READ_TAG ||
      service === Service.WRITE_TAG ||
      service === Service.READ_TAG_FRAGMENTED ||
      service === Service.WRITE_TAG_FRAGMENTED;
    if (tagService && dataLen >= at + 2) {
      const n = buf.readUInt16LE(dataOff + at);
      if (n > 1) extra = ` (${n} elements)`;
    }
  }
  if (base === undefined) return extra === '' ? undefined : extra.trimStart();
  return base + extra;
}

function logixClass(cls: number): boolean {
  return cls !== Class.CONNECTION_MANAGER && cls !== Class.FILE && cls !== Class.PCCC;
}

/** Identity attributes as facts (ListIdentity, Get_Attributes_All, or single attributes gathered). */
export function identityFacts(id: Identity): AssetFacts {
  const facts: AssetFacts = { 'enip.vendor_id': `0x${hex(id.vendor, 4)}` };
  const vendor = vendorName(id.vendor);
  if (vendor !== undefined) facts.vendor = vendor;
  facts['enip.device_type'] = String(id.deviceType);
  const profile = DEVICE_TYPE[id.deviceType];
  if (profile !== undefined) facts['enip.device_profile'] = profile;
  const role = DEVICE_ROLE[id.deviceType];
  if (role !== undefined) facts.roleHint = role;
  facts['enip.product_code'] = String(id.productCode);
  facts['enip.revision'] = String(id.major * 256 + id.minor);
  facts.firmware = `${id.major}.${id.minor}`;
  facts['enip.serial'] = `0x${hex(id.serial, 8)}`;
  // As printed on the module label and shown by RSLinx: eight upper-case hex digits.
  facts.serial = hex(id.serial, 8).toUpperCase();
  if (id.productName !== '') {
    facts['enip.product_name'] = id.productName;
    facts.model = id.productName;
  }
  return facts;
}

/** The status word (and state, when stated): they change with faults and ownership, so apart from identity. */
export function statusFacts(id: Identity): AssetFacts {
  const facts: AssetFacts = { 'enip.status': `0x${hex(id.status, 4)}` };
  if (id.state >= 0) facts['enip.state'] = `0x${hex(id.state, 2)}`;
  return facts;
}

/**
 * One Identity attribute from a Get_Attribute_Single reply (Vol 1 §5A-2.2: 1 vendor UINT, 2 device
 * type UINT, 3 product code UINT, 4 revision USINT major + USINT minor, 6 serial UDINT, 7 product
 * name SHORT_STRING), as facts; undefined for other attributes or short values.
 */
export function identityAttributeFacts(
  attr: number,
  buf: Buffer,
  off: number,
  len: number,
): AssetFacts | undefined {
  switch (attr) {
    case 1: {
      if (len < 2) return undefined;
      const v = buf.readUInt16LE(off);
      const facts: AssetFacts = { 'enip.vendor_id': `0x${hex(v, 4)}` };
      const name = vendorName(v);
      if (name !== undefined) facts.vendor = name;
      return facts;
    }
    case 2: {
      if (len < 2) return undefined;
      const v = buf.readUInt16LE(off);
      const facts: AssetFacts = { 'enip.device_type': String(v) };
      const role = DEVICE_ROLE[v];
      if (role !== undefined) facts.roleHint = role;
      return facts;
    }
    case 3:
      return len < 2 ? undefined : { 'enip.product_code': String(buf.readUInt16LE(off)) };
    case 4:
      if (len < 2) return undefined;
      return {
        'enip.revision': String(buf[off]! * 256 + buf[off + 1]!),
        firmware: `${buf[off]}.${buf[off + 1]}`,
      };
    case 6: {
      if (len < 4) return undefined;
      const v = buf.readUInt32LE(off);
      return { 'enip.serial': `0x${hex(v, 8)}`, serial: hex(v, 8).toUpperCase() };
    }
    case 7: {
      if (len < 1 || 1 + buf[off]! > len || buf[off] === 0) return undefined;
      const name = buf.toString('latin1', off + 1, off + 1 + buf[off]!);
      return { 'enip.product_name': name, model: name };
    }
    default:
      return undefined;
  }
}
