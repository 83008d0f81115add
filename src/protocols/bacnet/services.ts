/**
 * BACnet service parameters (ANSI/ASHRAE 135-2020 §13–§17, ASN.1 in §21): enough of each to
 * name the operation's target ("analog-output 0 present-value", "coldstart", "file 3"), the
 * identity in I-Am (§16.10.3), I-Have (§16.9.3), ReadProperty-ACK (§15.5.1.3) and
 * ReadPropertyMultiple-ACK (§15.7.1.3), and the error class/code of an Error PDU (§18).
 *
 * Pure, bounded (MAX_TAGS per service), never throws. Passwords (DeviceCommunicationControl,
 * ReinitializeDevice) are never copied. Not decoded: property values other than the identity
 * ones, event parameters, file contents, COV notification values.
 */
import type { OpKind } from '../../events/types.js';
import {
  AppTag,
  DCC_STATE,
  MAX_TAGS,
  OBJECT_TYPE,
  REINIT_STATE,
  Svc,
  UNCONFIRMED,
  Unconfirmed,
  WILDCARD_INSTANCE,
} from './consts.js';
import { propertyName } from './properties.js';
import { objectInstance, objectType, readCharString, readTag, readUnsigned, Tag } from './tags.js';

const T = new Tag();
/** Depth-0 context tags 0–7 of the service being scanned: contents offset and length (-1: absent). */
const CTX_OFF = new Int32Array(8);
const CTX_LEN = new Int32Array(8);
/** Depth-0 application tags, in order (offset of contents), and their tag numbers. */
const APP_OFF = new Int32Array(8);
const APP_LEN = new Int32Array(8);
const APP_NUM = new Int32Array(8);
let apps = 0;

/** Indexes the depth-0 primitive tags of `buf[off, end)` (stops at a malformed tag). */
function scan(buf: Buffer, off: number, end: number): void {
  CTX_OFF.fill(-1);
  apps = 0;
  let depth = 0;
  let p = off;
  for (let n = 0; n < MAX_TAGS && p < end; n++) {
    if (!readTag(buf, p, end, T)) return;
    p = T.next;
    if (T.open) depth++;
    else if (T.close) depth--;
    else if (depth === 0) {
      if (T.context && T.num < 8 && CTX_OFF[T.num] === -1) {
        CTX_OFF[T.num] = T.val;
        CTX_LEN[T.num] = T.len;
      } else if (!T.context && apps < 8) {
        APP_OFF[apps] = T.val;
        APP_LEN[apps] = T.len;
        APP_NUM[apps++] = T.num;
      }
    }
    if (depth < 0) return;
  }
}

function ctxUnsigned(buf: Buffer, n: number): number {
  return CTX_OFF[n]! < 0 ? -1 : readUnsigned(buf, CTX_OFF[n]!, CTX_LEN[n]!);
}

/** "analog-input 1", "device 4194303" (the wildcard), "object-type 700 3". */
export function objectText(type: number, instance: number): string {
  return `${OBJECT_TYPE[type] ?? `object-type ${type}`} ${instance}`;
}

function ctxObject(buf: Buffer, n: number): string | undefined {
  const o = CTX_OFF[n]!;
  return o >= 0 && CTX_LEN[n] === 4 ? objectText(objectType(buf, o), objectInstance(buf, o)) : undefined;
}

function appObject(buf: Buffer, i: number): string | undefined {
  if (i >= apps || APP_NUM[i] !== AppTag.OBJECT_IDENTIFIER || APP_LEN[i] !== 4) return undefined;
  const o = APP_OFF[i]!;
  return objectText(objectType(buf, o), objectInstance(buf, o));
}

/** "present-value", "priority-array[8]". */
function propertyText(buf: Buffer, propTag: number, indexTag: number): string | undefined {
  const prop = ctxUnsigned(buf, propTag);
  if (prop < 0) return undefined;
  const idx = ctxUnsigned(buf, indexTag);
  return idx >= 0 ? `${propertyName(prop)}[${idx}]` : propertyName(prop);
}

function join(...parts: (string | undefined)[]): string | undefined {
  const s = parts.filter((x) => x !== undefined).join(' ');
  return s === '' ? undefined : s;
}

export interface Described {
  target?: string;
  /** Overrides the service's kind (ReinitializeDevice backup/restore is program). */
  kind?: OpKind;
}

/** Target of a confirmed request's parameters in `buf[off, end)`. */
export function confirmedTarget(svc: number, buf: Buffer, off: number, end: number): Described {
  if (svc === Svc.READ_PROPERTY_MULTIPLE || svc === Svc.WRITE_PROPERTY_MULTIPLE)
    return multiple(buf, off, end);
  scan(buf, off, end);
  switch (svc) {
    case Svc.READ_PROPERTY:
    case Svc.WRITE_PROPERTY:
    case Svc.READ_RANGE:
    case 8: // AddListElement
    case 9: // RemoveListElement
      return { target: join(ctxObject(buf, 0), propertyText(buf, 1, 2)) };
    case Svc.SUBSCRIBE_COV:
    case Svc.SUBSCRIBE_COV_PROPERTY:
    case Svc.ACKNOWLEDGE_ALARM:
      return { target: ctxObject(buf, 1) };
    case 1: // ConfirmedCOVNotification
    case 2: // ConfirmedEventNotification
      return { target: ctxObject(buf, 2) };
    case Svc.ATOMIC_READ_FILE:
    case Svc.ATOMIC_WRITE_FILE:
    case Svc.DELETE_OBJECT:
      return { target: appObject(buf, 0) };
    case Svc.CREATE_OBJECT:
      return { target: createTarget(buf, off, end) };
    case Svc.DEVICE_COMMUNICATION_CONTROL: {
      const state = ctxUnsigned(buf, 1);
      const minutes = ctxUnsigned(buf, 0);
      const s = state >= 0 ? (DCC_STATE[state] ?? `state ${state}`) : undefined;
      return { target: join(s, minutes > 0 ? `for ${minutes} min` : undefined) };
    }
    case Svc.REINITIALIZE_DEVICE: {
      const state = ctxUnsigned(buf, 0);
      if (state < 0) return {};
      // Backup and restore (states 2–6) upload or download the device's configuration.
      return {
        target: REINIT_STATE[state] ?? `state ${state}`,
        kind: state >= 2 && state <= 6 ? 'program' : 'control',
      };
    }
    case Svc.PRIVATE_TRANSFER:
      return { target: privateTransfer(buf) };
    case Svc.LIFE_SAFETY_OPERATION:
      return { target: ctxObject(buf, 3) };
    default:
      return {};
  }
}

function privateTransfer(buf: Buffer): string | undefined {
  const vendor = ctxUnsigned(buf, 0);
  const number = ctxUnsigned(buf, 1);
  return vendor < 0 ? undefined : `vendor ${vendor} service ${number}`;
}

/** CreateObject: [0] { [0] object type | [1] object identifier }. */
function createTarget(buf: Buffer, off: number, end: number): string | undefined {
  if (!readTag(buf, off, end, T) || !T.open || T.num !== 0) return undefined;
  if (!readTag(buf, T.next, end, T) || !T.context) return undefined;
  if (T.num === 0) {
    const t = readUnsigned(buf, T.val, T.len);
    return t < 0 ? undefined : (OBJECT_TYPE[t] ?? `object-type ${t}`);
  }
  return T.num === 1 && T.len === 4
    ? objectText(objectType(buf, T.val), objectInstance(buf, T.val))
    : undefined;
}

/** ReadPropertyMultiple / WritePropertyMultiple: the first object and property, and how many more. */
function multiple(buf: Buffer, off: number, end: number): Described {
  let first: string | undefined;
  let refs = 0;
  let depth = 0;
  let obj: string | undefined;
  let p = off;
  for (let n = 0; n < MAX_TAGS && p < end; n++) {
    if (!readTag(buf, p, end, T)) break;
    p = T.next;
    if (T.open) depth++;
    else if (T.close) depth--;
    else if (T.context && depth === 0 && T.num === 0 && T.len === 4) {
      obj = objectText(objectType(buf, T.val), objectInstance(buf, T.val));
    } else if (T.context && depth === 1 && T.num === 0) {
      refs++;
      if (first === undefined) first = join(obj, propertyName(readUnsigned(buf, T.val, T.len)));
    }
  }
  if (first === undefined) return { target: obj };
  return { target: refs > 1 ? `${first} (+${refs - 1} more)` : first };
}

/** Target of an unconfirmed request: always led by the service's name ("i-am device 123"). */
export function unconfirmedTarget(svc: number, buf: Buffer, off: number, end: number): string {
  const name = UNCONFIRMED[svc]?.[0] ?? `unconfirmed-service ${svc}`;
  scan(buf, off, end);
  switch (svc) {
    case Unconfirmed.I_AM:
    case Unconfirmed.I_HAVE:
    case Unconfirmed.YOU_ARE:
      return join(name, appObject(buf, svc === Unconfirmed.I_HAVE ? 1 : 0)) ?? name;
    case 2: // COV notification
    case 3: // event notification
      return join(name, ctxObject(buf, 2)) ?? name;
    case Unconfirmed.WHO_IS: {
      const lo = ctxUnsigned(buf, 0);
      const hi = ctxUnsigned(buf, 1);
      return lo >= 0 && hi >= 0 ? `${name} ${lo}-${hi}` : name;
    }
    case Unconfirmed.WHO_HAS: {
      const obj = ctxObject(buf, 2);
      const o = CTX_OFF[3]!;
      const text = obj ?? (o >= 0 ? readCharString(buf, o, CTX_LEN[3]!) : undefined);
      return join(name, text) ?? name;
    }
    case Unconfirmed.PRIVATE_TRANSFER:
      return join(name, privateTransfer(buf)) ?? name;
    default:
      return name;
  }
}

export interface IAm {
  instance: number;
  maxApdu: number;
  segmentation: number;
  vendor: number;
}

/** I-Am (§16.10.3): device identifier, max APDU, segmentation, vendor id (application tags). */
export function parseIAm(buf: Buffer, off: number, end: number): IAm | undefined {
  scan(buf, off, end);
  if (apps < 4 || APP_NUM[0] !== AppTag.OBJECT_IDENTIFIER || APP_LEN[0] !== 4) return undefined;
  if (APP_NUM[1] !== AppTag.UNSIGNED || APP_NUM[2] !== AppTag.ENUMERATED || APP_NUM[3] !== AppTag.UNSIGNED) {
    return undefined;
  }
  const vendor = readUnsigned(buf, APP_OFF[3]!, APP_LEN[3]!);
  if (objectType(buf, APP_OFF[0]!) !== 8 || vendor < 0) return undefined;
  return {
    instance: objectInstance(buf, APP_OFF[0]!),
    maxApdu: readUnsigned(buf, APP_OFF[1]!, APP_LEN[1]!),
    segmentation: readUnsigned(buf, APP_OFF[2]!, APP_LEN[2]!),
    vendor,
  };
}

export interface IHave {
  device: number;
  objectType: number;
  objectInstance: number;
  name: string;
}

/** I-Have (§16.9.3): device identifier, object identifier, object name. */
export function parseIHave(buf: Buffer, off: number, end: number): IHave | undefined {
  scan(buf, off, end);
  if (apps < 3 || APP_NUM[0] !== AppTag.OBJECT_IDENTIFIER || APP_NUM[1] !== AppTag.OBJECT_IDENTIFIER)
    return undefined;
  if (APP_LEN[0] !== 4 || APP_LEN[1] !== 4 || APP_NUM[2] !== AppTag.CHARACTER_STRING) return undefined;
  const name = readCharString(buf, APP_OFF[2]!, APP_LEN[2]!);
  if (name === undefined) return undefined;
  return {
    device: objectInstance(buf, APP_OFF[0]!),
    objectType: objectType(buf, APP_OFF[1]!),
    objectInstance: objectInstance(buf, APP_OFF[1]!),
    name,
  };
}

/** A property value seen in a ReadProperty(-Multiple) ACK: its first application tag. */
export interface PropertyValue {
  objectType: number;
  instance: number;
  property: number;
  /** Application tag number, contents offset and length. */
  tag: number;
  off: number;
  len: number;
}

/**
 * Calls `visit` for each (object, property) value of a ReadProperty-ACK (`multiple` false) or
 * ReadPropertyMultiple-ACK whose property is in `wanted` (a 1024-bit set) and that has no
 * array index. `visit` gets a reused object: read it, do not keep it.
 */
export function ackValues(
  buf: Buffer,
  off: number,
  end: number,
  multipleAck: boolean,
  wanted: Uint8Array,
  visit: (v: PropertyValue) => void,
): void {
  // ReadProperty-ACK: [0] object, [1] property, [2] index, [3] { value }.
  // ReadPropertyMultiple-ACK: ([0] object, [1] { ([2] property, [3] index, [4] { value } | [5] { error })* })*.
  const propTag = multipleAck ? 2 : 1;
  const idxTag = multipleAck ? 3 : 2;
  const valTag = multipleAck ? 4 : 3;
  const v = VALUE;
  v.objectType = -1;
  let prop = -1;
  let indexed = false;
  let depth = 0;
  let inValue = false;
  let taken = false;
  let p = off;
  for (let n = 0; n < MAX_TAGS && p < end; n++) {
    if (!readTag(buf, p, end, T)) return;
    p = T.next;
    if (T.open) {
      depth++;
      if (T.num === valTag && depth === (multipleAck ? 2 : 1)) {
        inValue = true;
        taken = false;
      }
      continue;
    }
    if (T.close) {
      depth--;
      if (inValue && depth === (multipleAck ? 1 : 0)) inValue = false;
      if (depth < 0) return;
      continue;
    }
    if (inValue) {
      if (!taken && !T.context && !indexed && prop >= 0 && prop < 1024 && wanted[prop] && v.objectType >= 0) {
        taken = true;
        v.property = prop;
        v.tag = T.num;
        v.off = T.val;
        v.len = T.len;
        visit(v);
      } else taken = true;
      continue;
    }
    if (!T.context) continue;
    if (depth === 0 && T.num === 0 && T.len === 4) {
      v.objectType = objectType(buf, T.val);
      v.instance = objectInstance(buf, T.val);
    } else if (depth === (multipleAck ? 1 : 0) && T.num === propTag) {
      prop = readUnsigned(buf, T.val, T.len);
      indexed = false;
    } else if (depth === (multipleAck ? 1 : 0) && T.num === idxTag) indexed = true;
  }
}

const VALUE: PropertyValue = { objectType: -1, instance: 0, property: 0, tag: 0, off: 0, len: 0 };

/** Error PDU parameters (§18, §21 BACnet-Error): class << 16 | code, or -1. */
export function errorCode(buf: Buffer, off: number, end: number): number {
  let cls = -1;
  let p = off;
  for (let n = 0; n < 16 && p < end; n++) {
    if (!readTag(buf, p, end, T)) return -1;
    p = T.next;
    if (T.context || T.num !== AppTag.ENUMERATED) continue;
    const v = readUnsigned(buf, T.val, T.len);
    if (v < 0) return -1;
    if (cls < 0) cls = v;
    else return cls * 65536 + v;
  }
  return -1;
}

/** True for the wildcard device instance (a request to "whatever device answers"). */
export function isWildcard(instance: number): boolean {
  return instance === WILDCARD_INSTANCE;
}
