/**
 * MMS builders for the project's own traces (golden tests, the plant simulator): BER elements
 * (X.690), MMS PDUs (ISO 9506-2) and their OSI wrapping — ISO 8327 session (CONNECT / ACCEPT
 * with User Data, GIVE TOKENS + DATA TRANSFER), ISO 8823 presentation (CP-type / CPA-PPDU,
 * fully-encoded-data PDV lists with context 1 for ACSE and 3 for MMS), ACSE AARQ / AARE with
 * the MMS initiate PDU in user-information. Wrap the results with `cotp/build.ts` `dt()`.
 * Not on the capture path.
 */

/** One BER element with a definite length (short or long form). */
export function ber(id: number, ...content: Buffer[]): Buffer {
  const v = Buffer.concat(content);
  let len: Buffer;
  if (v.length < 0x80) len = Buffer.from([v.length]);
  else if (v.length < 0x100) len = Buffer.from([0x81, v.length]);
  else len = Buffer.from([0x82, v.length >> 8, v.length & 0xff]);
  return Buffer.concat([Buffer.from([id]), len, v]);
}

/** A context-class element with a tag of 31 or more (multi-octet identifier). */
export function berHigh(constructed: boolean, tag: number, ...content: Buffer[]): Buffer {
  const el = ber(0, ...content);
  return Buffer.concat([Buffer.from([constructed ? 0xbf : 0x9f, tag]), el.subarray(1)]);
}

export function int(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return ber(0x02, Buffer.from(bytes));
}

const visible = (s: string) => ber(0x1a, Buffer.from(s, 'latin1'));

/** A service element: context tag `tag`, constructed or primitive. */
export function service(tag: number, constructed: boolean, ...content: Buffer[]): Buffer {
  if (tag >= 31) return berHigh(constructed, tag, ...content);
  return ber((constructed ? 0xa0 : 0x80) | tag, ...content);
}

export function confirmedRequest(invokeId: number, svc: Buffer): Buffer {
  return ber(0xa0, int(invokeId), svc);
}

export function confirmedResponse(invokeId: number, svc: Buffer): Buffer {
  return ber(0xa1, int(invokeId), svc);
}

/** Confirmed-ErrorPDU: invoke id [0], serviceError [2] { errorClass [0] { access [7] object-non-existent 2 } }. */
export function confirmedError(invokeId: number): Buffer {
  const id = int(invokeId);
  return ber(0xa2, ber(0x80, id.subarray(2)), ber(0xa2, ber(0xa0, ber(0x87, Buffer.from([2])))));
}

/** ObjectName: domain-specific [1] { domainId, itemId }, or vmd-specific [0]. */
export function objectName(domain: string | undefined, item: string): Buffer {
  return domain === undefined
    ? ber(0x80, Buffer.from(item, 'latin1'))
    : ber(0xa1, visible(domain), visible(item));
}

/** VariableAccessSpecification listOfVariable [0] of named variables. */
export function variableList(names: Buffer[]): Buffer {
  return ber(0xa0, ...names.map((n) => ber(0x30, ber(0xa0, n))));
}

export function identifyRequest(invokeId: number): Buffer {
  return confirmedRequest(invokeId, service(2, false));
}

export function identifyResponse(invokeId: number, vendor: string, model: string, revision: string): Buffer {
  return confirmedResponse(
    invokeId,
    ber(
      0xa2,
      ber(0x80, Buffer.from(vendor)),
      ber(0x81, Buffer.from(model)),
      ber(0x82, Buffer.from(revision)),
    ),
  );
}

export function readRequest(invokeId: number, names: Buffer[]): Buffer {
  return confirmedRequest(invokeId, ber(0xa4, ber(0xa1, variableList(names))));
}

/** Read response: listOfAccessResult [1] with one boolean per variable. */
export function readResponse(invokeId: number, count: number): Buffer {
  const results = Array.from({ length: count }, () => ber(0x83, Buffer.from([0xff])));
  return confirmedResponse(invokeId, ber(0xa4, ber(0xa1, ...results)));
}

export function writeRequest(invokeId: number, names: Buffer[]): Buffer {
  const data = names.map(() => ber(0x83, Buffer.from([0])));
  return confirmedRequest(invokeId, ber(0xa5, variableList(names), ber(0xa0, ...data)));
}

export function writeResponse(invokeId: number, count: number): Buffer {
  return confirmedResponse(
    invokeId,
    ber(0xa5, ...Array.from({ length: count }, () => ber(0x81, Buffer.alloc(0)))),
  );
}

/** GetNameList of an object class (0 named variable, 2 named variable list, 9 domain) in a domain or the VMD. */
export function getNameList(invokeId: number, objectClass: number, domain?: string): Buffer {
  const scope = domain === undefined ? ber(0x80, Buffer.alloc(0)) : ber(0x81, Buffer.from(domain, 'latin1'));
  return confirmedRequest(
    invokeId,
    ber(0xa1, ber(0xa0, ber(0x80, Buffer.from([objectClass]))), ber(0xa1, scope)),
  );
}

/** A file name: SEQUENCE OF GraphicString. */
export function fileName(...parts: string[]): Buffer {
  return Buffer.concat(parts.map((p) => ber(0x19, Buffer.from(p, 'latin1'))));
}

export function fileOpen(invokeId: number, ...name: string[]): Buffer {
  return confirmedRequest(
    invokeId,
    service(72, true, ber(0xa0, fileName(...name)), ber(0x81, Buffer.from([0]))),
  );
}

export function fileDelete(invokeId: number, ...name: string[]): Buffer {
  return confirmedRequest(invokeId, service(76, true, fileName(...name)));
}

export function obtainFile(invokeId: number, source: string, destination: string): Buffer {
  return confirmedRequest(
    invokeId,
    service(46, true, ber(0xa1, fileName(source)), ber(0xa2, fileName(destination))),
  );
}

/** A response with an empty (NULL-like) service result. */
export function emptyResponse(invokeId: number, tag: number): Buffer {
  return confirmedResponse(invokeId, service(tag, false));
}

/** Unconfirmed InformationReport of a named variable list (IEC 61850 reports: vmd-specific "RPT"). */
export function informationReport(listName: Buffer): Buffer {
  return ber(0xa3, ber(0xa0, ber(0xa1, listName), ber(0xa0, ber(0x84, Buffer.from([0x03, 0x00])))));
}

export function initiateRequest(): Buffer {
  return ber(
    0xa8,
    ber(0x80, Buffer.from([0x00, 0x00, 0xfd, 0xe8])),
    ber(0x81, Buffer.from([1])),
    ber(0x82, Buffer.from([1])),
    ber(0xa4, ber(0x80, Buffer.from([1]))),
  );
}

export function initiateResponse(): Buffer {
  return ber(
    0xa9,
    ber(0x80, Buffer.from([0x00, 0x00, 0xfd, 0xe8])),
    ber(0x81, Buffer.from([1])),
    ber(0x82, Buffer.from([1])),
    ber(0xa4, ber(0x80, Buffer.from([1]))),
  );
}

export const concludeRequest = (): Buffer => Buffer.from([0x8b, 0x00]);
export const concludeResponse = (): Buffer => Buffer.from([0x8c, 0x00]);

/** Fully-encoded-data with one PDV: presentation context `ctx`, single-ASN1-type [0]. */
function pdv(ctx: number, apdu: Buffer): Buffer {
  return ber(0x61, ber(0x30, int(ctx), ber(0xa0, apdu)));
}

/** GIVE TOKENS + DATA TRANSFER SPDUs, then the PPDU carrying an MMS PDU in context 3. */
export function sessionData(mms: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x01, 0x00, 0x01, 0x00]), pdv(3, mms)]);
}

/** AARQ / AARE with the MMS PDU in user-information (EXTERNAL, indirect reference 3). */
function acse(tag: 0x60 | 0x61, mms: Buffer): Buffer {
  const proto = ber(0x80, Buffer.from([0x07, 0x80]));
  const context = ber(0xa1, ber(0x06, Buffer.from([0x28, 0xca, 0x22, 0x02, 0x03])));
  return ber(tag, proto, context, ber(0xbe, ber(0x28, int(3), ber(0xa0, mms))));
}

/** Session CONNECT (13) or ACCEPT (14) with the CP / CPA PPDU in PGI 193. */
function sessionConnect(si: 13 | 14, ppdu: Buffer): Buffer {
  const params = Buffer.concat([
    Buffer.from([0x05, 0x06, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02]),
    Buffer.from([0x14, 0x02, 0x00, 0x02]),
    Buffer.from([0xc1]),
    ppdu.length < 0xff
      ? Buffer.from([ppdu.length])
      : Buffer.from([0xff, ppdu.length >> 8, ppdu.length & 0xff]),
    ppdu,
  ]);
  const li =
    params.length < 0xff
      ? Buffer.from([params.length])
      : Buffer.from([0xff, params.length >> 8, params.length & 0xff]);
  return Buffer.concat([Buffer.from([si]), li, params]);
}

/** CONNECT + CP-type + AARQ + initiate-RequestPDU. */
export function associate(): Buffer {
  const mode = ber(0xa0, ber(0x80, Buffer.from([1])));
  const normal = ber(0xa2, ber(0x80, Buffer.from([0x07, 0x80])), pdv(1, acse(0x60, initiateRequest())));
  return sessionConnect(13, ber(0x31, mode, normal));
}

/** ACCEPT + CPA-PPDU + AARE + initiate-ResponsePDU. */
export function accept(): Buffer {
  const mode = ber(0xa0, ber(0x80, Buffer.from([1])));
  const normal = ber(0xa2, ber(0x80, Buffer.from([0x07, 0x80])), pdv(1, acse(0x61, initiateResponse())));
  return sessionConnect(14, ber(0x31, mode, normal));
}
