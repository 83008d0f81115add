/**
 * What a CIP request from a client does, as policies see it, read with the EtherNet/IP
 * analyzer's own parsers and tables (protocols/enip: parseCipRequest, parseUnconnectedSend,
 * parseMultiple, parseForwardOpen/Close, opKind, describeRequest), in the order its session.ts
 * `build` reads them, so that the proxy gives the same bytes the same kind, code and target text
 * the passive analyzer gives them: an Unconnected Send stands for the request it carries (its
 * route appended to the target), each service of a Multiple Service Packet is an operation of its
 * own, Forward Open and Forward Close are Connection Manager services (`other`).
 * Where the analyzer notes an anomaly and goes on, this refuses: what cannot be read cannot be decided.
 */
import type { OpKind } from '../../../events/types.js';
import {
  type CipRequest,
  type ConnectionTriad,
  type Epath,
  parseCipRequest,
  parseForwardClose,
  parseForwardOpen,
  parseMultiple,
  parseUnconnectedSend,
} from '../../../protocols/enip/cip.js';
import { Class, Service } from '../../../protocols/enip/consts.js';
import {
  CODE,
  describePath,
  describeRequest,
  opKind,
  withConnectionIds,
} from '../../../protocols/enip/describe.js';
import { hex } from '../../../protocols/enip/parse.js';
import { NO_TARGET, type Target } from '../../policy/decision.js';

export interface CipOp {
  kind: OpKind;
  service: number;
  /** "0x4c", as the analyzer's operations name it. */
  code: string;
  /** The analyzer's target text ('' where it has none). */
  text: string;
  /** What policies see (`context.target`). */
  target: Target;
  /** Forward Open / Forward Close: the connection they open or close. */
  conn?: { triad: ConnectionTriad; open: boolean };
}

export type CipClassification =
  | {
      ok: true;
      ops: CipOp[];
      /** The service a reply to the request names (an Unconnected Send's is the carried request's). */
      replyService: number;
      /** A Multiple Service Packet: its reply holds one reply per operation. */
      multi: boolean;
    }
  | { ok: false; detail: string };

function fail(detail: string): CipClassification {
  return { ok: false, detail };
}

/** A connection the session has seen opened (its ids name it in a Forward Close's target). */
export type ConnectionLookup = (t: ConnectionTriad) => { otId: number; toId: number } | undefined;

/** The CIP request at `buf[off, off+len)` as operations, or why it cannot be read. */
export function classifyCip(
  buf: Buffer,
  off: number,
  len: number,
  connection: ConnectionLookup = () => undefined,
): CipClassification {
  const r = parseCipRequest(buf, off, len);
  if (!r.ok) return fail(`${r.code}: ${r.detail}`);
  let req = r.msg;
  let route: string | undefined;
  if (req.service === Service.UNCONNECTED_SEND && req.path.cls === Class.CONNECTION_MANAGER) {
    const u = parseUnconnectedSend(buf, req.dataOff, req.dataLen);
    if (!u.ok) return fail(`${u.code}: ${u.detail}`);
    const inner = parseCipRequest(buf, u.msg.msgOff, u.msg.msgLen);
    if (!inner.ok) return fail(`Unconnected Send carrying ${inner.code}: ${inner.detail}`);
    route = u.msg.route.route;
    req = inner.msg;
  }
  if (req.service !== Service.MULTIPLE_SERVICE_PACKET) {
    const op = operation(buf, req, route, connection);
    return typeof op === 'string'
      ? fail(op)
      : { ok: true, ops: [op], replyService: req.service, multi: false };
  }
  const m = parseMultiple(buf, req.dataOff, req.dataLen);
  if (!m.ok) return fail(`${m.code}: ${m.detail}`);
  const ops: CipOp[] = [];
  for (let i = 0; i < m.msg.length; i += 2) {
    const sub = parseCipRequest(buf, m.msg[i]!, m.msg[i + 1]!);
    const op = sub.ok ? operation(buf, sub.msg, route, connection) : `${sub.code}: ${sub.detail}`;
    if (typeof op === 'string') return fail(`service ${i / 2 + 1} of a Multiple Service Packet: ${op}`);
    ops.push(op);
  }
  return { ok: true, ops, replyService: req.service, multi: true };
}

/** One service as an operation (the analyzer's `subOp`), or why its data cannot be read. */
function operation(
  buf: Buffer,
  { service, path, dataOff, dataLen }: CipRequest,
  route: string | undefined,
  connection: ConnectionLookup,
): CipOp | string {
  const op: CipOp = {
    kind: opKind(service, path),
    service,
    code: CODE[service]!,
    text: '',
    target: policyTarget(path),
  };
  let text: string | undefined;
  if (path.cls === Class.CONNECTION_MANAGER && service === Service.FORWARD_CLOSE) {
    const fc = parseForwardClose(buf, dataOff, dataLen);
    if (!fc.ok) return `${fc.code}: ${fc.detail}`;
    op.conn = { triad: fc.msg, open: false };
    op.target = policyTarget(fc.msg.path);
    text = describePath(fc.msg.path);
    const c = connection(fc.msg);
    if (c !== undefined) text = withConnectionIds(text, c.otId, c.toId);
  } else if (
    path.cls === Class.CONNECTION_MANAGER &&
    (service === Service.FORWARD_OPEN || service === Service.LARGE_FORWARD_OPEN)
  ) {
    const fo = parseForwardOpen(buf, dataOff, dataLen, service === Service.LARGE_FORWARD_OPEN);
    if (!fo.ok) return `${fo.code}: ${fo.detail}`;
    op.conn = { triad: fo.msg, open: true };
    // A connection is decided by where it leads: its connection path's object.
    op.target = policyTarget(fo.msg.path);
    text = describePath(fo.msg.path);
  } else text = describeRequest(service, path, buf, dataOff, dataLen);
  if (route !== undefined) text = text === undefined ? `via ${route}` : `${text} via ${route}`;
  op.text = text ?? '';
  return op;
}

/**
 * A path as policies see it: a tag by its name (`Program:Main.Total[3]`, as the analyzer names
 * it), anything else by its class (`class:0x01`) and instance (`start` = `end`).
 */
export function policyTarget(path: Epath): Target {
  if (path.symbol !== undefined) return { ...NO_TARGET, space: path.symbol };
  if (path.cls < 0) return NO_TARGET;
  return { unit: -1, space: `class:0x${hex(path.cls, 2)}`, start: path.inst, end: path.inst };
}
