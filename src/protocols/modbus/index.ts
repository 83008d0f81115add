/**
 * Modbus/TCP analyzer (tcp 502, and any port through the content probe).
 *
 * Specs: Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3 (MBAP framing: several
 * ADUs per segment, ADUs across segments); Modbus Application Protocol Specification v1.1b3
 * §6 (function codes), §7 (exceptions), §6.13 and §6.21 (identity). UMAS (function 90) per the
 * tables in consts.ts.
 *
 * - Operations: every request becomes one `op.observed` when its response arrives (matched by
 *   transaction id and unit id in a bounded pending table), with `ok` false for an exception
 *   response (function | 0x80) or a UMAS 0xfd verdict; requests never answered are emitted
 *   without `ok` at flow end or when evicted. A response whose request was not seen is an op
 *   too (its kind from the response's function code); it is an anomaly only once a response
 *   of this flow has matched its request (a capture that starts mid-conversation begins with
 *   answers to requests sent before it, possibly after a new request).
 * - Identity, on the server (the responder): 43/14 objects 0–6 (`vendor`, `model`, `firmware`
 *   and `modbus.*` keys), 17 Report Server ID text (`modbus.server_id`), UMAS READ_ID model
 *   name (`model`, `modbus.umas_model`, vendor Schneider Electric, role plc).
 * - Anomalies (`modbus.*`): protocol id other than 0, impossible MBAP lengths (the stream is
 *   then followed again at the next delivery that starts with a plausible MBAP header),
 *   length over 254 outside UMAS, PDUs too short or long for their function code, bad byte
 *   counts, exception responses sent by the client, unmatched responses, function mismatch,
 *   pending-table overflow. Unknown function codes are operations of kind `other`.
 * Not handled: Modbus RTU/ASCII over TCP (no MBAP), register values.
 */
import type { AssetFacts, Evidence } from '../../events/types.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { sender } from '../endpoint.js';
import { StreamFramer } from '../framer.js';
import {
  EXCEPTION_BIT,
  Fc,
  MAX_FOLLOWED_LENGTH,
  MAX_MBAP_LENGTH,
  MAX_PENDING,
  MBAP_HEADER,
  Mei,
  MODBUS_PORT,
  Umas,
} from './consts.js';
import { deviceIdFacts, parseDeviceId, serverIdText, umasModelName } from './identity.js';
import { CODE, kindOf, TargetCache } from './ops.js';
import {
  decodeRequest,
  decodeResponse,
  mbapHeaderError,
  measureMbap,
  newRequestFields,
  newResponseFields,
} from './parse.js';
import { type PendingRequest, PendingTable, pendingKey } from './pending.js';

/** Function codes the probe accepts (public ones and the proprietary ones we classify). */
const PROBE_FCS: ReadonlySet<number> = new Set([
  1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43, 90, 125, 126,
]);

/**
 * MBAP header at `off` that a stream could start with: protocol id 0, a length an ADU can
 * have, a known function code (an exception only with a short PDU).
 */
function plausibleHeader(buf: Buffer, off: number, avail: number): boolean {
  if (avail < MBAP_HEADER + 1) return false;
  if (buf[off + 2] !== 0 || buf[off + 3] !== 0) return false;
  const length = buf.readUInt16BE(off + 4);
  if (length < 2 || length > MAX_MBAP_LENGTH + 1) return false;
  const fc = buf[off + 7]!;
  if (!PROBE_FCS.has(fc & ~EXCEPTION_BIT)) return false;
  return (fc & EXCEPTION_BIT) === 0 || length <= 4;
}

/**
 * Content probe: the first payload holds whole MBAP ADUs (each plausible), nothing else.
 * A payload shorter than a header is undecided.
 */
export function probeModbus(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < MBAP_HEADER + 1) {
    if (len >= 4 && (buf[off + 2] !== 0 || buf[off + 3] !== 0)) return 'no';
    return 'more';
  }
  let pos = off;
  const end = off + len;
  // A few ADUs are enough to be sure; a long train is checked only that far.
  for (let k = 0; k < 4 && pos < end; k++) {
    if (!plausibleHeader(buf, pos, end - pos)) return 'no';
    const adu = 6 + buf.readUInt16BE(pos + 4);
    if (adu > end - pos) return 'no';
    pos += adu;
  }
  return 'yes';
}

export const modbus: AnalyzerDescriptor = {
  name: 'modbus',
  transport: 'tcp',
  ports: [MODBUS_PORT],
  probe: (buf, off, len) => probeModbus(buf, off, len),
  create: (ctx) => createModbus(ctx),
};

function createModbus(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'modbus');
  const pending = new PendingTable(MAX_PENDING);
  const req = newRequestFields();
  const res = newResponseFields();
  const targets = new TargetCache();
  /**
   * A response matched its request on this flow: from then on an unmatched response is an
   * anomaly (before, it answers a request sent before the capture started).
   */
  let matched = false;
  /** Why the framer last refused a header (measure runs just before onError). */
  let refused = { code: 'invalid_length', detail: '' };

  const evidenceOf = (r: PendingRequest): Evidence => ({ source: ctx.source, ts: r.ts, frame: r.frame });
  const emitPending = (r: PendingRequest, ok: boolean | undefined): void => {
    out.op(r.kind, CODE[r.fc]!, targets.get(r.unit, r.fc, r.sub, r.a, r.q, r.a2, r.q2), ok, evidenceOf(r));
  };
  const unanswered = (r: PendingRequest): void => emitPending(r, undefined);
  let overflowed = false;
  const overflow = (r: PendingRequest): void => {
    // Said once per flow: a flood of unanswered requests is one finding.
    if (!overflowed)
      out.anomaly('modbus.pending_overflow', `more than ${MAX_PENDING} requests awaiting a response`);
    overflowed = true;
    emitPending(r, undefined);
  };

  const onRequest = (buf: Buffer, off: number, len: number, transaction: number, unit: number): void => {
    const fc = buf[off + 7]!;
    const pdu = off + MBAP_HEADER;
    if (fc & EXCEPTION_BIT) {
      // An exception response travelling client → server: nothing to match it with.
      out.anomaly('modbus.unexpected_exception', `exception response (function ${fc}) sent by the client`);
      const base = fc & ~EXCEPTION_BIT;
      out.op(kindOf(base, -1), CODE[base]!, `unit ${unit}`, false);
      return;
    }
    const err = decodeRequest(buf, pdu, len - MBAP_HEADER, req);
    if (err !== undefined)
      out.anomaly(`modbus.${err}`, `function ${fc} request of ${len - MBAP_HEADER} bytes`);
    const p = pending.add(overflow);
    p.key = pendingKey(transaction, unit);
    p.unit = unit;
    p.fc = fc;
    p.sub = req.sub;
    p.a = req.a;
    p.q = req.q;
    p.a2 = req.a2;
    p.q2 = req.q2;
    p.kind = kindOf(fc, req.sub);
    p.ts = ctx.packet.tsUs / 1000;
    p.frame = ctx.packet.frame;
  };

  const onResponse = (buf: Buffer, off: number, len: number, transaction: number, unit: number): void => {
    const pdu = off + MBAP_HEADER;
    const pduLen = len - MBAP_HEADER;
    const err = decodeResponse(buf, pdu, pduLen, res);
    if (err !== undefined) out.anomaly(`modbus.${err}`, `function ${res.fc} response of ${pduLen} bytes`);
    const base = res.fc & ~EXCEPTION_BIT;
    const ok = res.exception === 0 && err === undefined && (base !== Fc.UMAS || res.sub === Umas.RESPONSE_OK);
    const r = pending.take(pendingKey(transaction, unit));
    if (r === undefined) {
      if (matched) out.anomaly('modbus.unmatched_response', `transaction ${transaction} unit ${unit}`);
      out.op(kindOf(base, base === Fc.UMAS ? -1 : res.sub), CODE[base]!, `unit ${unit}`, ok);
      if (ok) identity(buf, pdu, pduLen, base, -1);
      return;
    }
    matched = true;
    if (r.fc !== base) {
      out.anomaly('modbus.function_mismatch', `request function ${r.fc}, response function ${res.fc}`);
      emitPending(r, false);
      return;
    }
    emitPending(r, ok);
    if (ok) identity(buf, pdu, pduLen, base, r.sub);
  };

  /** Identity facts from a successful response (sent by the server). */
  const identity = (buf: Buffer, pdu: number, pduLen: number, fc: number, reqSub: number): void => {
    let facts: AssetFacts | undefined;
    if (fc === Fc.ENCAPSULATED_INTERFACE && res.sub === Mei.READ_DEVICE_ID) {
      const d = parseDeviceId(buf, pdu, pduLen);
      if (d.ok) facts = deviceIdFacts(d.msg.objects);
    } else if (fc === Fc.REPORT_SERVER_ID) {
      const id = serverIdText(buf, pdu, pduLen);
      if (id !== undefined) facts = { 'modbus.server_id': id };
    } else if (fc === Fc.UMAS && reqSub === Umas.READ_ID) {
      const model = umasModelName(buf, pdu, pduLen);
      if (model !== undefined) {
        facts = { vendor: 'Schneider Electric', model, 'modbus.umas_model': model, roleHint: 'plc' };
      }
    }
    if (facts !== undefined && Object.keys(facts).length > 0) out.asset(sender(ctx.packet), facts);
  };

  const onMessage = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    const transaction = buf.readUInt16BE(off);
    const length = len - 6;
    const unit = buf[off + 6]!;
    if (length > MAX_MBAP_LENGTH && buf[off + 7] !== Fc.UMAS) {
      out.anomaly('modbus.invalid_length', `MBAP length ${length} exceeds ${MAX_MBAP_LENGTH}`);
    }
    if (dir === 0) onRequest(buf, off, len, transaction, unit);
    else onResponse(buf, off, len, transaction, unit);
  };

  const measure = (buf: Buffer, off: number, avail: number): number => {
    const n = measureMbap(buf, off, avail);
    if (n < 0) refused = mbapHeaderError(buf, off);
    return n;
  };
  const framer = (dir: Direction): StreamFramer =>
    new StreamFramer(
      measure,
      (buf, off, len) => onMessage(dir, buf, off, len),
      (error, detail) => {
        if (error === 'invalid') out.anomaly(`modbus.${refused.code}`, refused.detail);
        else out.anomaly('modbus.invalid_length', detail);
      },
      6 + MAX_FOLLOWED_LENGTH,
    );
  const framers = [framer(0), framer(1)] as const;

  return {
    data(dir, buf, off, len) {
      const f = framers[dir];
      // After lost or refused bytes, follow the stream again where a delivery starts with a
      // plausible header (Modbus has no sync marker; segments usually start at an ADU).
      if (!f.synced) {
        if (!plausibleHeader(buf, off, len)) return;
        f.resync();
      }
      f.push(buf, off, len);
    },
    gap(dir) {
      framers[dir].gap();
    },
    end() {
      pending.drain(unanswered);
    },
  };
}
