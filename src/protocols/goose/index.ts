/**
 * IEC 61850 GOOSE analyzers: Layer-2 GOOSE (EtherType 0x88b8) and Routable GOOSE (UDP 102,
 * IEC TR 61850-90-5), both named `goose`.
 *
 * Spec: IEC 61850-8-1 Ed2 §18.1 (GOOSE service: stNum increments on every state change and
 * sqNum restarts; sqNum increments on every retransmission of the same state; confRev counts
 * dataset configuration changes), §C.2 and Annex A (encoding); IEC TR 61850-90-5 §11.
 *
 * Emits, about the publisher (the frame's source MAC for L2 GOOSE, the sender's IP for
 * R-GOOSE, which is routed so its MAC is a router's):
 * - `asset.observed` per GoCB: `goose.gocb_ref`, `goose.dataset`, `goose.go_id`, `goose.appid`
 *   ("0x3001"), `goose.conf_rev` (a publisher holds several GoCBs: multi facts), and
 *   roleHint `ied`.
 * - `op.observed` kind `other`, code `goosePdu`, target "<gocbRef> stNum <n>", once per
 *   observed state change (stNum moving forward), never per retransmission: GOOSE publishes,
 *   nobody requests, and a state change (a trip, an interlock) is the event worth a record.
 *   The first frame of a GoCB is no change (its earlier state is unknown).
 * - anomalies: `goose.state_regression` (stNum going back, or sqNum going back within one
 *   stNum: a replay or injection, or a publisher restart), `goose.simulation` (test /
 *   simulation flag in the PDU or the simulate bit of Reserved 1), `goose.conf_rev_change`,
 *   `goose.entry_count_mismatch` (numDatSetEntries ≠ allData members), malformed frames, and
 *   `goose.gocb_cap` when a flow carries more GoCBs than are tracked.
 * Not handled: allData values, TAL expiry (needs timers), R-GOOSE SPDU number tracking,
 * encrypted R-GOOSE payloads (counted only), R-SV.
 */
import type { Endpoint } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { frameSource, senderIp } from '../endpoint.js';
import { CLTP_LI, CLTP_UD, COMMON_HEADER_ID, ETHERTYPE_GOOSE, MAX_GOCBS, UDP_PORT_RGOOSE } from './consts.js';
import { type GoosePdu, parseGooseFrame, parseRGoose, text } from './parse.js';

export const goose: AnalyzerDescriptor = {
  name: 'goose',
  transport: 'l2',
  ethertypes: [ETHERTYPE_GOOSE],
  create: (ctx) => createGoose(ctx, false),
};

export const rgoose: AnalyzerDescriptor = {
  name: 'goose',
  transport: 'udp',
  ports: [UDP_PORT_RGOOSE],
  probe: probeRGoose,
  create: (ctx) => createGoose(ctx, true),
};

/** CLTP unit data, a 90-5 session identifier, then the common session header id. */
export function probeRGoose(buf: Buffer, off: number, len: number): 'yes' | 'no' | 'more' {
  if (len < 5) return 'more';
  const si = buf[off + 2]!;
  return buf[off] === CLTP_LI &&
    buf[off + 1] === CLTP_UD &&
    si >= 0xa0 &&
    si <= 0xa3 &&
    buf[off + 4] === COMMON_HEADER_ID
    ? 'yes'
    : 'no';
}

interface GocbState {
  /** The gocbRef bytes (compared in place: no string per frame). */
  ref: Buffer;
  stNum: number;
  sqNum: number;
  confRev: number;
  simulation: boolean;
  countFlagged: boolean;
}

const U32_MAX = 0xffffffff;

function createGoose(ctx: AnalyzerContext, routable: boolean): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'goose');
  const gocbs: GocbState[] = [];
  let capFlagged = false;

  const find = (buf: Buffer, pdu: GoosePdu): GocbState | undefined => {
    for (const g of gocbs) {
      if (
        g.ref.length === pdu.gocbRefLen &&
        buf.compare(g.ref, 0, g.ref.length, pdu.gocbRefOff, pdu.gocbRefOff + pdu.gocbRefLen) === 0
      )
        return g;
    }
    return undefined;
  };

  const publisher = (): Endpoint | undefined => {
    if (!routable) return frameSource(ctx.packet);
    const ip = senderIp(ctx.packet);
    return ip === undefined ? undefined : { ip };
  };

  const facts = (at: Endpoint, buf: Buffer, pdu: GoosePdu, appid: number): void => {
    const f: Record<string, string> = {
      'goose.gocb_ref': text(buf, pdu.gocbRefOff, pdu.gocbRefLen),
      'goose.appid': `0x${appid.toString(16).padStart(4, '0')}`,
    };
    if (pdu.datSetLen >= 0) f['goose.dataset'] = text(buf, pdu.datSetOff, pdu.datSetLen);
    if (pdu.goIdLen >= 0) f['goose.go_id'] = text(buf, pdu.goIdOff, pdu.goIdLen);
    if (pdu.confRev >= 0) f['goose.conf_rev'] = String(pdu.confRev);
    out.asset(at, f, true);
    out.asset(at, { roleHint: 'ied' });
  };

  const onPdu = (buf: Buffer, pdu: GoosePdu, appid: number, simulate: boolean): void => {
    const sim = simulate || pdu.simulation;
    let g = find(buf, pdu);
    if (g === undefined) {
      const at = publisher();
      if (at) facts(at, buf, pdu, appid);
      if (sim)
        out.anomaly(
          'goose.simulation',
          `${text(buf, pdu.gocbRefOff, pdu.gocbRefLen)} publishes in simulation`,
        );
      if (gocbs.length >= MAX_GOCBS) {
        if (!capFlagged) out.anomaly('goose.gocb_cap', `more than ${MAX_GOCBS} GoCBs on one flow`);
        capFlagged = true;
        return;
      }
      g = {
        ref: Buffer.from(buf.subarray(pdu.gocbRefOff, pdu.gocbRefOff + pdu.gocbRefLen)),
        stNum: pdu.stNum,
        sqNum: pdu.sqNum,
        confRev: pdu.confRev,
        simulation: sim,
        countFlagged: false,
      };
      gocbs.push(g);
      countCheck(g, buf, pdu);
      return;
    }
    if (pdu.stNum === g.stNum) {
      if (pdu.sqNum < g.sqNum && g.sqNum !== U32_MAX)
        out.anomaly(
          'goose.state_regression',
          `${refText(g)} sqNum ${g.sqNum} → ${pdu.sqNum} within stNum ${pdu.stNum}${restartHint(pdu)}`,
        );
    } else if (pdu.stNum > g.stNum || (g.stNum === U32_MAX && pdu.stNum <= 1)) {
      out.op('other', 'goosePdu', `${refText(g)} stNum ${pdu.stNum}`);
    } else {
      out.anomaly(
        'goose.state_regression',
        `${refText(g)} stNum ${g.stNum} → ${pdu.stNum}${restartHint(pdu)}`,
      );
    }
    if (pdu.confRev !== g.confRev) {
      out.anomaly('goose.conf_rev_change', `${refText(g)} confRev ${g.confRev} → ${pdu.confRev}`);
      const at = publisher();
      if (at) facts(at, buf, pdu, appid);
    }
    if (sim && !g.simulation) out.anomaly('goose.simulation', `${refText(g)} publishes in simulation`);
    g.stNum = pdu.stNum;
    g.sqNum = pdu.sqNum;
    g.confRev = pdu.confRev;
    g.simulation = sim;
    countCheck(g, buf, pdu);
  };

  const countCheck = (g: GocbState, buf: Buffer, pdu: GoosePdu): void => {
    if (g.countFlagged || pdu.numDatSetEntries < 0 || pdu.numDatSetEntries === pdu.allDataCount) return;
    g.countFlagged = true;
    out.anomaly(
      'goose.entry_count_mismatch',
      `${text(buf, pdu.gocbRefOff, pdu.gocbRefLen)} numDatSetEntries ${pdu.numDatSetEntries}, allData ${pdu.allDataCount}`,
    );
  };

  if (!routable) {
    return {
      data(_dir, buf, off, len) {
        const r = parseGooseFrame(buf, off, len);
        if (!r.ok) {
          out.anomaly(`goose.${r.code}`, r.detail);
          return;
        }
        onPdu(buf, r.msg.pdu, r.msg.appid, r.msg.simulated);
      },
    };
  }
  return {
    data(_dir, buf, off, len) {
      const r = parseRGoose(buf, off, len);
      if (!r.ok) {
        out.anomaly(`goose.${r.code}`, r.detail);
        return;
      }
      for (const pl of r.msg.payloads) {
        if (pl.pdu === undefined) continue;
        if (!pl.pdu.ok) out.anomaly(`goose.${pl.pdu.code}`, pl.pdu.detail);
        else onPdu(buf, pl.pdu.msg, pl.appid, pl.simulation);
      }
    },
  };
}

/** A publisher that restarts begins again at stNum 1, sqNum 0 or 1: the same as a crude replay. */
function restartHint(pdu: GoosePdu): string {
  return pdu.stNum <= 1 && pdu.sqNum <= 1 ? ' (publisher restart or replay)' : '';
}

function refText(g: GocbState): string {
  return g.ref.toString('latin1');
}
