/**
 * IEC 60870-5-104 analyzer (tcp 2404, and any port through the content probe).
 *
 * Specs: IEC 60870-5-104:2006 §5 (APCI framing and I/S/U formats), §7 (ASDU addressing);
 * IEC 60870-5-101:2003 §7.2 (type ids, causes of transmission, P/N and test bits).
 *
 * - Operations (`code` = type id in decimal, as tshark's truth files key them):
 *   commands, system commands and parameters (types 45–69, 100–119) sent with cause
 *   activation (6), deactivation (8) or request (5, C_RD_NA_1) wait in a bounded table for
 *   the outstation's mirror (same type, common address, first IOA) with cause 7 or 9, or
 *   44–47; the op is emitted then with `ok` false when the P/N bit is set or the cause is a
 *   44–47 rejection. A read command (102) is also answered by monitoring data with cause 5.
 *   Unconfirmed commands are emitted without `ok` at flow end or eviction. Kinds: single,
 *   double and regulating-step commands → control; set-points and bitstrings → write;
 *   interrogations and read → read; clock sync and reset process → control; test → diagnostic;
 *   delay acquisition → other; parameters → write. Monitoring ASDUs (1–40) are `read` ops
 *   without `ok` (data the outstation reports; nothing asked for them but the flow itself),
 *   end of initialisation (70) is `diagnostic`, file transfer (120–127) `program`, both
 *   emitted as they pass. U and S frames (session control, acknowledgements) are not ops.
 * - Identity: the server (the outstation, or controlled station) gets roleHint `rtu` at its
 *   first valid APDU, and each common address it reports data for as `iec104.common_address`.
 * - Anomalies (`iec104.*`): bytes that do not start with 0x68 (one per run; after lost bytes
 *   the first run is expected and silent), lengths below 4 or above 253, malformed S/U
 *   frames, truncated ASDUs, unknown type ids, ASDU lengths that disagree with the variable
 *   structure qualifier, cause 0, I-frame send-sequence gaps (`iec104.sequence_gap`),
 *   pending-table overflow.
 * Not handled: information element values, k/w window and t1–t3 timer checks, IEC 101.
 */
import type { Evidence } from '../../events/types.js';
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
  COT_CAUSE,
  COT_NEGATIVE,
  Cot,
  IEC104_PORT,
  isCommandType,
  isFileType,
  isMonitorType,
  MAX_APDU_LENGTH,
  MAX_PENDING,
  MIN_APDU_LENGTH,
  SEQ_MODULO,
  START,
  TYPES,
  Type,
} from './consts.js';
import { decodeApdu, Format, measureApdu, newApduFields, targetOf } from './parse.js';
import { commandKey, type PendingCommand, PendingCommands } from './pending.js';

/** Op codes as strings, made once. */
const CODE: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Distinct common addresses remembered per flow for identity (a flow rarely has more). */
const MAX_ADDRESSES = 16;

/**
 * Content probe: the first payload is whole, well-formed APDUs (start octet, length, a valid
 * control field, a known type id for I-frames). Fewer than 6 bytes starting with 0x68: undecided.
 */
export function probeIec104(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 2 + MIN_APDU_LENGTH) return len > 0 && buf[off] !== START ? 'no' : 'more';
  const f = newApduFields();
  let pos = off;
  const end = off + len;
  for (let k = 0; k < 4 && pos < end; k++) {
    if (end - pos < 2 || buf[pos] !== START) return 'no';
    const length = buf[pos + 1]!;
    if (length < MIN_APDU_LENGTH || length > MAX_APDU_LENGTH || 2 + length > end - pos) return 'no';
    if (decodeApdu(buf, pos, 2 + length, f) !== undefined) return 'no';
    pos += 2 + length;
  }
  return 'yes';
}

export const iec104: AnalyzerDescriptor = {
  name: 'iec104',
  transport: 'tcp',
  ports: [IEC104_PORT],
  probe: (buf, off, len) => probeIec104(buf, off, len),
  create: (ctx) => createIec104(ctx),
};

function createIec104(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'iec104');
  const f = newApduFields();
  const pending = new PendingCommands(MAX_PENDING);
  /** Next expected N(S) per direction (-1: not known yet, or after lost bytes). */
  const nextSend = [-1, -1];
  /** Lost bytes in this direction: the next run of non-APDU bytes is expected. */
  const afterGap = [false, false];
  let serverSeen = false;
  const addresses = new Set<number>();
  let overflowed = false;

  const evidenceOf = (c: PendingCommand): Evidence => ({ source: ctx.source, ts: c.ts, frame: c.frame });
  const emitCommand = (c: PendingCommand, ok: boolean | undefined): void => {
    const kind = TYPES[c.type]?.[2] ?? 'other';
    out.op(kind, CODE[c.type]!, targetOf(c.ca, c.ioa, c.count, c.sequence, c.select), ok, evidenceOf(c));
  };
  const unconfirmed = (c: PendingCommand): void => emitCommand(c, undefined);
  const overflow = (c: PendingCommand): void => {
    if (!overflowed)
      out.anomaly('iec104.pending_overflow', `more than ${MAX_PENDING} commands awaiting confirmation`);
    overflowed = true;
    emitCommand(c, undefined);
  };

  const here = (): string => targetOf(f.commonAddress, f.ioa, f.count, f.sequence, f.select);

  const onAsdu = (dir: Direction): void => {
    const type = f.type;
    const cause = f.cot & COT_CAUSE;
    const info = TYPES[type];
    if (dir === 1 && addresses.size < MAX_ADDRESSES && !addresses.has(f.commonAddress)) {
      addresses.add(f.commonAddress);
      out.asset(sender(ctx.packet), { 'iec104.common_address': String(f.commonAddress) }, true);
    }
    if (info === undefined) {
      out.op('other', CODE[type]!, here());
      return;
    }
    if (isMonitorType(type)) {
      if (cause === Cot.REQUEST) {
        const c = pending.take(commandKey(Type.C_RD_NA_1, f.commonAddress, f.ioa));
        if (c !== undefined) emitCommand(c, true);
      }
      out.op(info[2], CODE[type]!, here());
      return;
    }
    if (isCommandType(type)) {
      if (
        cause === Cot.ACTIVATION ||
        cause === Cot.DEACTIVATION ||
        (cause === Cot.REQUEST && type === Type.C_RD_NA_1)
      ) {
        const c = pending.add(overflow);
        c.key = commandKey(type, f.commonAddress, f.ioa);
        c.type = type;
        c.ca = f.commonAddress;
        c.ioa = f.ioa;
        c.count = f.count;
        c.sequence = f.sequence;
        c.select = f.select;
        c.ts = ctx.packet.tsUs / 1000;
        c.frame = ctx.packet.frame;
        return;
      }
      const rejected = cause >= Cot.UNKNOWN_TYPE && cause <= Cot.UNKNOWN_IOA;
      if (cause === Cot.ACTIVATION_CON || cause === Cot.DEACTIVATION_CON || rejected) {
        const ok = (f.cot & COT_NEGATIVE) === 0 && !rejected;
        const c = pending.take(commandKey(type, f.commonAddress, f.ioa));
        if (c !== undefined) emitCommand(c, ok);
        else out.op(info[2], CODE[type]!, here(), ok);
        return;
      }
      // Termination ends what the confirmation already reported.
      if (cause === Cot.ACTIVATION_TERM) return;
    }
    // File transfer, and commands under other causes (e.g. a spontaneous clock report).
    out.op(isFileType(type) ? 'program' : info[2], CODE[type]!, here());
  };

  const onApdu = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    const err = decodeApdu(buf, off, len, f);
    if (f.format === Format.I && f.sendSeq >= 0) {
      const want = nextSend[dir]!;
      if (want >= 0 && f.sendSeq !== want) {
        out.anomaly(
          'iec104.sequence_gap',
          `${dir === 0 ? 'client' : 'server'} N(S) ${f.sendSeq}, expected ${want}`,
        );
      }
      nextSend[dir] = (f.sendSeq + 1) % SEQ_MODULO;
    }
    if (err !== undefined) {
      out.anomaly(`iec104.${err}`, `${len} bytes${f.type >= 0 ? `, type ${f.type}` : ''}`);
      // A known header with a bad object list still tells the operation.
      if (err !== 'invalid_asdu_length' && err !== 'invalid_cause' && err !== 'unknown_type') return;
    }
    if (dir === 1 && !serverSeen) {
      serverSeen = true;
      out.asset(sender(ctx.packet), { roleHint: 'rtu' });
    }
    if (f.format === Format.I) onAsdu(dir);
  };

  const onMessage = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    if (buf[off] === START) {
      afterGap[dir] = false;
      const length = len >= 2 ? buf[off + 1]! : -1;
      if (length >= MIN_APDU_LENGTH && length <= MAX_APDU_LENGTH && len === 2 + length)
        onApdu(dir, buf, off, len);
      else out.anomaly('iec104.invalid_length', `APDU length ${length}`);
      return;
    }
    if (afterGap[dir]) {
      afterGap[dir] = false;
      return;
    }
    out.anomaly('iec104.bad_start_byte', `${len} bytes before a start octet (0x${buf[off]!.toString(16)})`);
  };

  const framer = (dir: Direction): StreamFramer =>
    new StreamFramer(
      measureApdu,
      (buf, off, len) => onMessage(dir, buf, off, len),
      // measureApdu never refuses and caps messages at 255 bytes; kept for the contract.
      (_error, detail) => out.anomaly('iec104.invalid_length', detail),
      2 + 0xff,
    );
  const framers = [framer(0), framer(1)] as const;

  return {
    data(dir, buf, off, len) {
      const fr = framers[dir];
      if (!fr.synced) fr.resync();
      fr.push(buf, off, len);
    },
    gap(dir) {
      framers[dir].gap();
      nextSend[dir] = -1;
      afterGap[dir] = true;
    },
    end() {
      pending.drain(unconfirmed);
    },
  };
}
