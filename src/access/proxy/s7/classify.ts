/**
 * What an S7comm request from a client does, as policies see it: its op kind (the S7comm
 * analyzer's tables: FUNC_KIND, PI_KIND, userdataKind) and the targets it touches — per
 * Read/Write Var item the area (`DB1`, `M`, `I`, `Q`, `T`, `C`, …) and byte range; for block
 * up/download the block (`DB` 1); for PLC control the service (`pi:P_PROGRAM`, `stop`).
 */
import type { OpKind } from '../../../events/types.js';
import {
  AREA_PREFIX,
  Area,
  FUNC_KIND,
  Func,
  PI_KIND,
  Rosctr,
  Subfunc,
  Syntax,
  SZL_COMPONENT_ID,
  SZL_MODULE_ID,
  TRANSPORT_SIZE,
  UdGroup,
  UdType,
  userdataKind,
} from '../../../protocols/s7comm/consts.js';
import {
  blockFileName,
  parseItems,
  piService,
  type S7Pdu,
  stopService,
  szlRequest,
} from '../../../protocols/s7comm/parse.js';
import { blockName, itemsText } from '../../../protocols/s7comm/targets.js';
import { NO_TARGET, type Target } from '../../policy/decision.js';

export type S7Request =
  /** Part of setting up the connection (Setup communication): covered by `connect`. */
  | { kind: 'setup'; text: string }
  /** A client's answer to the PLC's own job or a pushed indication: passed on. */
  | { kind: 'answer' }
  | { kind: 'op'; op: OpKind; code: string; text: string; targets: Target[] }
  | { kind: 'malformed'; detail: string };

/** Bytes per element of each transport size (bits count as one byte). */
function elementBytes(size: number): number {
  const w = TRANSPORT_SIZE[size]?.[0];
  return w === 'W' ? 2 : w === 'D' ? 4 : 1;
}

export function classify(buf: Buffer, m: S7Pdu): S7Request {
  if (m.rosctr === Rosctr.ACK || m.rosctr === Rosctr.ACK_DATA) return { kind: 'answer' };
  if (m.rosctr === Rosctr.USERDATA) return userdata(buf, m);
  const func = m.func;
  const code = `0x${Math.max(func, 0).toString(16).padStart(2, '0')}`;
  switch (func) {
    case Func.SETUP_COMMUNICATION:
      return { kind: 'setup', text: 'setup communication' };
    case Func.READ_VAR:
    case Func.WRITE_VAR: {
      const items = parseItems(buf, m);
      if (typeof items === 'string') return { kind: 'malformed', detail: items };
      if (items.total === 0) return { kind: 'malformed', detail: 'no items' };
      const targets = items.items.map((it): Target => {
        if (it.syntax !== Syntax.S7ANY) return { unit: -1, space: `syntax-${it.syntax}`, start: -1, end: -1 };
        const prefix = AREA_PREFIX[it.area] ?? `area-${it.area}`;
        const space = it.area === Area.DB || it.area === Area.DI ? `${prefix}${it.db}` : prefix;
        if (it.area === Area.TIMER || it.area === Area.COUNTER)
          return { unit: -1, space, start: it.address, end: it.address + Math.max(1, it.count) - 1 };
        const start = it.address >>> 3;
        return { unit: -1, space, start, end: start + Math.max(1, it.count * elementBytes(it.size)) - 1 };
      });
      return {
        kind: 'op',
        op: func === Func.READ_VAR ? 'read' : 'write',
        code,
        text: itemsText(items.items, items.total),
        targets,
      };
    }
    case Func.REQUEST_DOWNLOAD:
    case Func.DOWNLOAD_BLOCK:
    case Func.DOWNLOAD_ENDED:
    case Func.START_UPLOAD:
    case Func.UPLOAD:
    case Func.END_UPLOAD: {
      const file = blockFileName(buf, m);
      const name = file === undefined ? 'block' : blockName(file);
      const b = /^([A-Za-z]+)(\d+)$/.exec(name);
      const target: Target = b
        ? { unit: -1, space: b[1]!, start: Number(b[2]), end: Number(b[2]) }
        : { ...NO_TARGET, space: 'block' };
      return { kind: 'op', op: 'program', code, text: name, targets: [target] };
    }
    case Func.PI_SERVICE: {
      const pi = piService(buf, m);
      const service = pi?.service ?? 'unknown';
      return {
        kind: 'op',
        op: PI_KIND[service] ?? 'control',
        code,
        text: `pi ${service}`,
        targets: [{ ...NO_TARGET, space: `pi:${service}` }],
      };
    }
    case Func.PLC_STOP:
      return {
        kind: 'op',
        op: 'control',
        code,
        text: `stop ${stopService(buf, m) ?? ''}`.trim(),
        targets: [{ ...NO_TARGET, space: 'stop' }],
      };
    default:
      return {
        kind: 'op',
        op: FUNC_KIND[func] ?? 'other',
        code,
        text: `function ${code}`,
        targets: [NO_TARGET],
      };
  }
}

function userdata(buf: Buffer, m: S7Pdu): S7Request {
  const ud = m.ud;
  if (ud === undefined) return { kind: 'malformed', detail: 'userdata parameter not understood' };
  if (ud.type !== UdType.REQUEST) return { kind: 'answer' };
  let op = userdataKind(ud.group, ud.subfunc);
  let space = `ud-${ud.group}`;
  if (ud.group === UdGroup.CPU && ud.subfunc === Subfunc.READ_SZL) {
    const req = szlRequest(buf, ud);
    const list = req === undefined ? -1 : req.id & 0xff;
    if (list === SZL_MODULE_ID || list === SZL_COMPONENT_ID) op = 'identify';
    space = 'szl';
  }
  const code = `ud-${ud.group.toString(16)}-${ud.subfunc.toString(16).padStart(2, '0')}`;
  return { kind: 'op', op, code, text: code, targets: [{ ...NO_TARGET, space }] };
}
