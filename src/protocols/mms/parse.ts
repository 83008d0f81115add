/**
 * MMS PDU parser (ISO 9506-2 §7, BER): the PDU type, invoke id and service of confirmed
 * requests, responses and errors, rejects, cancels, unconfirmed services, initiate and
 * conclude; the Identify response's vendor, model and revision (§10.3); and human-readable
 * targets of the services that name objects (object names, variable access specifications,
 * name-list scopes, file names, domain and program-invocation names).
 *
 * Pure; never throws; bounded by the BER reader. Not parsed: data values, access results,
 * alternate access, type descriptions, event and journal contents, cs-request-detail.
 */
import { Cls, findChild, readTlv, Tlv, text, textAt, uint } from './ber.js';
import { OBJECT_CLASS, Pdu, Service, TARGET_ITEMS } from './consts.js';

export type MmsErrorCode = 'bad_pdu' | 'unknown_pdu';

export interface MmsPdu {
  /** MMSpdu CHOICE tag (Pdu.*). */
  type: number;
  /** Invoke id (or original invoke id), -1 when the PDU has none. */
  invokeId: number;
  /** Service tag of confirmed requests/responses and unconfirmed PDUs, else -1. */
  service: number;
  /** The service's value (IMPLICIT contents, or the explicit wrapper's contents). */
  valueOff: number;
  valueEnd: number;
}

export type MmsParse = { ok: true; msg: MmsPdu } | { ok: false; code: MmsErrorCode; detail: string };

const t = new Tlv();
const c = new Tlv();

/** Class and tag test (a function: the reader refills `t` between tests). */
function is(x: Tlv, cls: number, tag: number): boolean {
  return x.cls === cls && x.tag === tag;
}

/** Parse the MMS PDU in `buf[off, off + len)`. */
export function parseMms(buf: Buffer, off: number, len: number): MmsParse {
  const end = Math.min(off + len, buf.length);
  if (!readTlv(buf, off, end, t)) return { ok: false, code: 'bad_pdu', detail: `${end - off} bytes of BER` };
  if (t.cls !== Cls.CONTEXT || t.tag > Pdu.CONCLUDE_ERROR)
    return { ok: false, code: 'unknown_pdu', detail: `tag 0x${buf[off]!.toString(16)}` };
  const msg: MmsPdu = { type: t.tag, invokeId: -1, service: -1, valueOff: t.off, valueEnd: t.end };
  const body = t.off;
  const bodyEnd = t.end;
  switch (t.tag) {
    case Pdu.CONFIRMED_REQUEST:
    case Pdu.CONFIRMED_RESPONSE: {
      if (!readTlv(buf, body, bodyEnd, c) || !is(c, Cls.UNIVERSAL, 2))
        return { ok: false, code: 'bad_pdu', detail: 'no invoke id' };
      msg.invokeId = uint(buf, c);
      let p = c.next;
      // Confirmed-RequestPDU: an optional listOfModifier SEQUENCE before the service.
      for (let i = 0; i < 2 && readTlv(buf, p, bodyEnd, c); i++) {
        if (c.cls === Cls.CONTEXT) {
          msg.service = c.tag;
          msg.valueOff = c.off;
          msg.valueEnd = c.end;
          break;
        }
        p = c.next;
      }
      if (msg.service < 0) return { ok: false, code: 'bad_pdu', detail: 'no service' };
      break;
    }
    case Pdu.CONFIRMED_ERROR:
    case Pdu.REJECT:
    case Pdu.CANCEL_ERROR:
      // invokeID / originalInvokeID [0] IMPLICIT Unsigned32 first.
      if (readTlv(buf, body, bodyEnd, c) && c.cls === Cls.CONTEXT && c.tag === 0) msg.invokeId = uint(buf, c);
      break;
    case Pdu.CANCEL_REQUEST:
    case Pdu.CANCEL_RESPONSE:
      msg.invokeId = uint(buf, t);
      break;
    case Pdu.UNCONFIRMED:
      if (!readTlv(buf, body, bodyEnd, c) || c.cls !== Cls.CONTEXT)
        return { ok: false, code: 'bad_pdu', detail: 'no unconfirmed service' };
      msg.service = c.tag;
      msg.valueOff = c.off;
      msg.valueEnd = c.end;
      break;
  }
  return { ok: true, msg };
}

/** Identify-Response: vendorName [0], modelName [1], revision [2]. */
export function identifyResponse(
  buf: Buffer,
  m: MmsPdu,
): { vendor?: string; model?: string; revision?: string } | undefined {
  const out: { vendor?: string; model?: string; revision?: string } = {};
  let p = m.valueOff;
  for (let i = 0; i < 4 && readTlv(buf, p, m.valueEnd, c); i++) {
    if (c.cls === Cls.CONTEXT && !c.constructed) {
      const s = text(buf, c).trim();
      if (s !== '') {
        if (c.tag === 0) out.vendor = s;
        else if (c.tag === 1) out.model = s;
        else if (c.tag === 2) out.revision = s;
      }
    }
    p = c.next;
  }
  return out.vendor === undefined && out.model === undefined && out.revision === undefined ? undefined : out;
}

const o = new Tlv();
const v = new Tlv();

/** ObjectName at `[off, end)`: vmd-specific [0], domain-specific [1] {domain, item}, aa-specific [2]. */
function objectName(buf: Buffer, off: number, end: number): string | undefined {
  if (!readTlv(buf, off, end, o) || o.cls !== Cls.CONTEXT) return undefined;
  if (o.tag === 0 || o.tag === 2) return text(buf, o);
  if (o.tag !== 1 || !o.constructed) return undefined;
  if (!readTlv(buf, o.off, o.end, v)) return undefined;
  const domain = text(buf, v);
  if (!readTlv(buf, v.next, o.end, v)) return domain;
  return `${domain}/${text(buf, v)}`;
}

/**
 * VariableAccessSpecification element at `off`: listOfVariable [0] (names of the first few
 * variables and the count) or variableListName [1].
 */
function accessSpec(buf: Buffer, off: number, end: number): string | undefined {
  const s = new Tlv();
  if (!readTlv(buf, off, end, s) || s.cls !== Cls.CONTEXT) return undefined;
  if (s.tag === 1) return objectName(buf, s.off, s.end);
  if (s.tag !== 0) return undefined;
  const names: string[] = [];
  let n = 0;
  const item = new Tlv();
  const spec = new Tlv();
  let p = s.off;
  for (let i = 0; i < 4096 && readTlv(buf, p, s.end, item); i++, p = item.next) {
    n++;
    if (names.length >= TARGET_ITEMS) continue;
    // SEQUENCE { variableSpecification: name [0] ObjectName | address [1] | …, alternateAccess [5] }
    if (readTlv(buf, item.off, item.end, spec) && spec.cls === Cls.CONTEXT && spec.tag === 0) {
      names.push(objectName(buf, spec.off, spec.end) ?? '?');
    } else names.push('(address)');
  }
  if (n === 0) return undefined;
  return n > TARGET_ITEMS ? `${names.join(', ')}, … (${n} items)` : names.join(', ');
}

/** FileName: SEQUENCE OF GraphicString, joined with "/". */
function fileName(buf: Buffer, off: number, end: number): string | undefined {
  const parts: string[] = [];
  const f = new Tlv();
  let p = off;
  for (let i = 0; i < 16 && readTlv(buf, p, end, f); i++, p = f.next) parts.push(text(buf, f));
  return parts.length === 0 ? undefined : parts.join('/');
}

/** A human-readable target of a confirmed request or unconfirmed service, when it names one. */
export function serviceTarget(buf: Buffer, m: MmsPdu): string | undefined {
  const a = m.valueOff;
  const b = m.valueEnd;
  if (m.type === Pdu.UNCONFIRMED) return m.service === 0 ? accessSpec(buf, a, b) : undefined;
  const x = new Tlv();
  switch (m.service) {
    case Service.READ:
      // specificationWithResult [0] (optional), variableAccessSpecification [1] EXPLICIT.
      return findChild(buf, a, b, Cls.CONTEXT, 1, x) ? accessSpec(buf, x.off, x.end) : undefined;
    case Service.WRITE:
      return accessSpec(buf, a, b);
    case Service.GET_VARIABLE_ACCESS_ATTRIBUTES:
      // CHOICE { name [0] ObjectName, address [1] } under the explicit [6].
      return findChild(buf, a, b, Cls.CONTEXT, 0, x) ? objectName(buf, x.off, x.end) : undefined;
    case Service.GET_NAMED_VARIABLE_LIST_ATTRIBUTES:
    case Service.DEFINE_NAMED_VARIABLE_LIST:
      return objectName(buf, a, b);
    case Service.GET_NAME_LIST:
      return nameListTarget(buf, a, b);
    case Service.FILE_OPEN:
    case Service.FILE_DIRECTORY:
      return findChild(buf, a, b, Cls.CONTEXT, 0, x) ? fileName(buf, x.off, x.end) : undefined;
    case Service.FILE_DELETE:
      return fileName(buf, a, b);
    case Service.FILE_RENAME:
    case Service.OBTAIN_FILE: {
      // fileRename: current [0], new [1]; obtainFile: source [1], destination [2].
      const from = m.service === Service.FILE_RENAME ? 0 : 1;
      const src = findChild(buf, a, b, Cls.CONTEXT, from, x) ? fileName(buf, x.off, x.end) : undefined;
      const dst = findChild(buf, a, b, Cls.CONTEXT, from + 1, x) ? fileName(buf, x.off, x.end) : undefined;
      return src === undefined && dst === undefined ? undefined : `${src ?? '?'} → ${dst ?? '?'}`;
    }
    case Service.DELETE_DOMAIN:
    case Service.GET_DOMAIN_ATTRIBUTES:
    case Service.DELETE_PROGRAM_INVOCATION:
    case Service.GET_PROGRAM_INVOCATION_ATTRIBUTES:
      // Identifier as the service value itself.
      return b > a ? textAt(buf, a, b) : undefined;
    case Service.INITIATE_DOWNLOAD_SEQUENCE:
    case Service.INITIATE_UPLOAD_SEQUENCE:
    case Service.REQUEST_DOMAIN_DOWNLOAD:
    case Service.REQUEST_DOMAIN_UPLOAD:
    case Service.LOAD_DOMAIN_CONTENT:
    case Service.STORE_DOMAIN_CONTENT:
    case Service.CREATE_PROGRAM_INVOCATION:
    case Service.START:
    case Service.STOP:
    case Service.RESUME:
    case Service.RESET:
    case Service.KILL:
      // The domain / program invocation name: first element ([0] Identifier, or a bare Identifier).
      return readTlv(buf, a, b, x) && !x.constructed ? text(buf, x) : undefined;
    default:
      return undefined;
  }
}

/** GetNameList: objectClass [0] { basicObjectClass [0] }, objectScope [1] { vmd [0] | domain [1] | aa [2] }. */
function nameListTarget(buf: Buffer, a: number, b: number): string | undefined {
  const x = new Tlv();
  let cls = 'objects';
  if (
    findChild(buf, a, b, Cls.CONTEXT, 0, x) &&
    readTlv(buf, x.off, x.end, o) &&
    o.tag === 0 &&
    !o.constructed
  ) {
    cls = OBJECT_CLASS[uint(buf, o)] ?? `class ${uint(buf, o)}`;
  }
  if (!findChild(buf, a, b, Cls.CONTEXT, 1, x) || !readTlv(buf, x.off, x.end, o)) return cls;
  if (o.tag === 1) return `${cls} in ${text(buf, o)}`;
  return `${cls} (${o.tag === 0 ? 'VMD' : 'association'})`;
}
