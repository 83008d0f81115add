/**
 * SNMP analyzer (udp 161 agents, udp 162 trap receivers; recognised elsewhere by its message
 * header). Specs: RFC 1157, RFC 3416, RFC 3412/3414, RFC 3418 (see consts.ts).
 *
 * Operations: get / get-next / get-bulk → read, set → write (target: the first OID, "+N" for
 * more), emitted at the response (matched by request-id) with ok = error-status 0; traps → other
 * at once; informs → other at their acknowledgement. `code` is the PDU tag's number as the
 * RFC names it ("0" get ... "8" report). Encrypted v3 PDUs show no operation.
 * Identity (on the agent's IP, from responses): sysDescr → `snmp.sys_descr` with vendor /
 * model / firmware where the text gives them away; sysObjectID → `snmp.sys_object_id`,
 * `snmp.enterprise` and `vendor` from a small enterprise-number table; sysName → `name` and
 * `snmp.sys_name`; sysLocation → `snmp.sys_location`; on the agent of a flow: `snmp.version`
 * ("1", "2c", "3") and `snmp.security` ("community", "usm-noauth", "usm-auth",
 * "usm-authpriv"), `snmp.engine_id` from v3 responses. The community string is never emitted;
 * a well-known default ("public", "private") raises `snmp.default_community` once per flow,
 * with no value in the detail.
 */
import type { AssetFacts, Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerDescriptor, Direction, ProbeResult } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { describeSystem } from '../lldp/sysdescr.js';
import { KeyedPending } from '../pending.js';
import {
  AGENT_PORT,
  ENTERPRISES,
  ENTERPRISES_PREFIX,
  MAX_PENDING,
  Oid,
  PDUS,
  Pdu,
  Tag,
  TRAP_PORT,
} from './consts.js';
import { oidText, parseSnmp, type SnmpMessage, valueText } from './parse.js';

/** SEQUENCE, then INTEGER version 0, 1 or 3, then a community or a v3 header. */
function probe(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 8) return 'no';
  if (buf[off] !== Tag.SEQUENCE) return 'no';
  const r = parseSnmp(buf, off, len);
  return r.ok && r.msg.pdu !== -1 ? 'yes' : 'no';
}

interface Pending {
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

export const snmp: AnalyzerDescriptor = {
  name: 'snmp',
  transport: 'udp',
  ports: [AGENT_PORT, TRAP_PORT],
  probe,
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'snmp');
    const pending = new KeyedPending<Pending>(MAX_PENDING, (old, overflow) => {
      out.op(old.op, old.code, old.target, undefined, old.evidence);
      if (overflow) out.anomaly('snmp.pending_overflow', `more than ${MAX_PENDING} requests unanswered`);
    });
    let warned = false;

    const security = (m: SnmpMessage): string =>
      m.v3 ? (m.v3.priv ? 'usm-authpriv' : m.v3.auth ? 'usm-auth' : 'usm-noauth') : 'community';

    const request = (m: SnmpMessage, kind: OpKind): void => {
      const first = m.varbinds[0]?.oid;
      const target =
        first === undefined
          ? undefined
          : m.varbinds.length > 1
            ? `${first} +${m.varbinds.length - 1}`
            : first;
      const p: Pending = { op: kind, code: String(m.pdu & 0x1f), target, evidence: ctx.evidence() };
      if (m.pdu === Pdu.TRAP || m.pdu === Pdu.TRAP2) {
        out.op(p.op, p.code, p.target);
        return;
      }
      pending.add(m.requestId, p);
    };

    const response = (m: SnmpMessage, buf: Buffer): void => {
      const p = pending.take(m.requestId);
      if (p) {
        out.op(p.op, p.code, p.target, m.pdu === Pdu.RESPONSE && m.errorStatus === 0, p.evidence);
      }
      const ip = senderIp(ctx.packet);
      if (ip === undefined) return;
      const v: AssetFacts = {
        'snmp.version': m.version === 0 ? '1' : m.version === 1 ? '2c' : '3',
        'snmp.security': security(m),
      };
      if (m.v3?.engineId) v['snmp.engine_id'] = m.v3.engineId;
      out.asset({ ip }, v);
      if (m.pdu !== Pdu.RESPONSE || m.errorStatus !== 0) return;
      const f: AssetFacts = {};
      for (const vb of m.varbinds) {
        if (vb.oid === Oid.SYS_DESCR && vb.tag === Tag.OCTET_STRING) {
          const d = valueText(buf, vb.valueOff, vb.valueLen);
          if (!d) continue;
          f['snmp.sys_descr'] = d;
          const s = describeSystem(d);
          if (s.vendor) f.vendor = s.vendor;
          if (s.model) f.model = s.model;
          if (s.firmware) f.firmware = s.firmware;
        } else if (vb.oid === Oid.SYS_OBJECT_ID && vb.tag === Tag.OID) {
          const o = oidText(buf, vb.valueOff, vb.valueLen);
          if (!o) continue;
          f['snmp.sys_object_id'] = o;
          if (o.startsWith(ENTERPRISES_PREFIX)) {
            const n = Number.parseInt(o.slice(ENTERPRISES_PREFIX.length), 10);
            f['snmp.enterprise'] = String(n);
            const vendor = ENTERPRISES[n];
            if (vendor && !f.vendor) f.vendor = vendor;
          }
        } else if (vb.oid === Oid.SYS_NAME && vb.tag === Tag.OCTET_STRING) {
          const n = valueText(buf, vb.valueOff, vb.valueLen);
          if (n) {
            f.name = n;
            f['snmp.sys_name'] = n;
          }
        } else if (vb.oid === Oid.SYS_LOCATION && vb.tag === Tag.OCTET_STRING) {
          const l = valueText(buf, vb.valueOff, vb.valueLen);
          if (l) f['snmp.sys_location'] = l;
        }
      }
      if (Object.keys(f).length > 0) out.asset({ ip }, f);
    };

    return {
      data(_dir: Direction, buf, off, len) {
        const r = parseSnmp(buf, off, len);
        if (!r.ok) {
          out.anomaly(`snmp.${r.code}`, r.detail);
          return;
        }
        const m = r.msg;
        if (m.defaultCommunity && !warned) {
          warned = true;
          out.anomaly(
            'snmp.default_community',
            `a well-known default community string is in use (SNMP ${m.version === 0 ? 'v1' : 'v2c'})`,
          );
        }
        if (m.pdu === -1) return;
        const kind = PDUS[m.pdu]?.[1];
        if (kind) request(m, kind);
        else response(m, buf);
      },
      end() {
        pending.drain((p) => out.op(p.op, p.code, p.target, undefined, p.evidence));
      },
    };
  },
};
