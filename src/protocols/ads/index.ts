/**
 * Beckhoff ADS analyzer (AMS/TCP on tcp 48898, the UDP service on udp 48899; recognised
 * elsewhere by a well-formed AMS/TCP header or the UDP magic): TwinCAT runtimes on Beckhoff
 * IPCs and embedded PCs, and the engineering / HMI clients that talk to them.
 * Spec: Beckhoff ADS specification (see consts.ts).
 *
 * Operations (`code` the ADS command id, "1".."9"): read device info → identify, read → read,
 * write → write, read state → diagnostic, write control → control (run/stop/config mode),
 * add notification → read, read-write → read for symbol lookups and sum reads (index groups
 * 0xF0xx) else write; target "port 851 group 0x4020 offset 0x0". Emitted at the response
 * (invoke id) with ok = AMS error 0 and ADS result 0. Device notifications are data, not
 * operations. UDP: discovery ("udp 1") → identify, add route ("udp 6") → control, target the
 * route name; the route password is never read.
 * Identity (on the responder's IP): `ads.ams_net_id`, `vendor` Beckhoff; read device info →
 * `ads.device_name`, `ads.version` and `firmware`, roleHint 'plc'; discovery answers →
 * `ads.host_name` and `name`, `ads.twincat_version`.
 */
import type { AssetFacts, Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, AnalyzerDescriptor, AnalyzerInstance } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { framedStreams, StreamFramer } from '../framer.js';
import {
  ADS_TCP_PORT,
  ADS_UDP_PORT,
  AMS_TCP_HEADER,
  COMMANDS,
  MAX_FRAME,
  MAX_PENDING,
  readWriteKind,
  UDP_MAGIC,
  UdpService,
  UdpTag,
} from './consts.js';
import {
  type AmsMessage,
  indexOf,
  measureAmsTcp,
  parseAdsUdp,
  parseAms,
  parseDeviceInfo,
  text,
} from './parse.js';

export const adsTcp: AnalyzerDescriptor = {
  name: 'ads',
  transport: 'tcp',
  ports: [ADS_TCP_PORT],
  probe: (buf, off, len) => {
    const n = measureAmsTcp(buf, off, len);
    if (n === 0) return 'more';
    return n === len && parseAms(buf, off + AMS_TCP_HEADER, len - AMS_TCP_HEADER).ok ? 'yes' : 'no';
  },
  create: createTcp,
};

export const adsUdp: AnalyzerDescriptor = {
  name: 'ads',
  transport: 'udp',
  ports: [ADS_UDP_PORT],
  probe: (buf, off, len) => (len >= 24 && buf.readUInt32LE(off) === UDP_MAGIC ? 'yes' : 'no'),
  create: createUdp,
};

interface Pending {
  op: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

/** Pending requests by invoke id, bounded; the oldest is given up as unanswered. */
function pendingTable(out: FlowEmitter) {
  const m = new Map<number, Pending>();
  return {
    add(id: number, p: Pending): void {
      const old = m.get(id);
      if (old) out.op(old.op, old.code, old.target, undefined, old.evidence);
      else if (m.size >= MAX_PENDING) {
        const [k, f] = m.entries().next().value!;
        m.delete(k);
        out.op(f.op, f.code, f.target, undefined, f.evidence);
        out.anomaly('ads.pending_overflow', `more than ${MAX_PENDING} requests unanswered`);
      }
      m.set(id, p);
    },
    take(id: number): Pending | undefined {
      const p = m.get(id);
      if (p) m.delete(id);
      return p;
    },
    flush(): void {
      for (const p of m.values()) out.op(p.op, p.code, p.target, undefined, p.evidence);
      m.clear();
    },
  };
}

function createTcp(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'ads');
  const pending = pendingTable(out);
  let netIdSaid = false;

  const request = (m: AmsMessage, buf: Buffer): void => {
    if (m.command === 8) return;
    const idx =
      m.command === 2 || m.command === 3 || m.command === 6 || m.command === 9 ? indexOf(buf, m) : undefined;
    const op = m.command === 9 && idx ? readWriteKind(idx[0]) : (COMMANDS[m.command]?.[1] ?? 'other');
    const target = idx
      ? `port ${m.targetPort} group 0x${idx[0].toString(16)} offset 0x${idx[1].toString(16)}`
      : `port ${m.targetPort}`;
    pending.add(m.invokeId, { op, code: String(m.command), target, evidence: ctx.evidence() });
  };

  const response = (m: AmsMessage, buf: Buffer): void => {
    const result = m.dataLen >= 4 ? buf.readUInt32LE(m.dataOff) : 0;
    const ok = m.error === 0 && result === 0;
    const p = pending.take(m.invokeId);
    if (p) out.op(p.op, p.code, p.target, ok, p.evidence);
    const ip = senderIp(ctx.packet);
    if (ip === undefined) return;
    if (!netIdSaid) {
      netIdSaid = true;
      out.asset({ ip }, { vendor: 'Beckhoff', 'ads.ams_net_id': m.source });
    }
    if (m.command === 1 && ok) {
      const d = parseDeviceInfo(buf, m.dataOff, m.dataLen);
      if (d) {
        const f: AssetFacts = { 'ads.version': d.version, firmware: d.version, roleHint: 'plc' };
        if (d.name) f['ads.device_name'] = d.name;
        out.asset({ ip }, f);
      }
    }
  };

  const message = (buf: Buffer, off: number, len: number): void => {
    const r = parseAms(buf, off + AMS_TCP_HEADER, len - AMS_TCP_HEADER);
    if (!r.ok) {
      out.anomaly(`ads.${r.code}`, r.detail);
      return;
    }
    if (r.msg.response) response(r.msg, buf);
    else request(r.msg, buf);
  };
  const framer = (): StreamFramer =>
    new StreamFramer(
      measureAmsTcp,
      message,
      (error, detail) => out.anomaly(error === 'invalid' ? 'ads.bad_header' : 'ads.too_large', detail),
      MAX_FRAME + AMS_TCP_HEADER,
    );
  return framedStreams(framer, () => pending.flush());
}

function createUdp(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'ads');
  const pending = pendingTable(out);
  return {
    data(_dir, buf, off, len) {
      const m = parseAdsUdp(buf, off, len);
      if (typeof m === 'string') {
        out.anomaly('ads.bad_udp', m);
        return;
      }
      const service = m.service & ~UdpService.RESPONSE;
      if ((m.service & UdpService.RESPONSE) === 0) {
        const route = m.tags.get(UdpTag.ROUTE_NAME);
        pending.add(m.invokeId, {
          op:
            service === UdpService.ADD_ROUTE
              ? 'control'
              : service === UdpService.DISCOVER
                ? 'identify'
                : 'other',
          code: `udp ${service}`,
          target: route ? `route ${text(buf, route[0], route[1])}` : undefined,
          evidence: ctx.evidence(),
        });
        return;
      }
      const status = m.tags.get(UdpTag.STATUS);
      const ok = status === undefined || status[1] < 4 || buf.readUInt32LE(status[0]) === 0;
      const p = pending.take(m.invokeId);
      if (p) out.op(p.op, p.code, p.target, ok, p.evidence);
      const ip = senderIp(ctx.packet);
      if (ip === undefined) return;
      const f: AssetFacts = { vendor: 'Beckhoff', 'ads.ams_net_id': m.netId };
      const host = m.tags.get(UdpTag.HOST);
      if (host) {
        const h = text(buf, host[0], host[1]);
        if (h) {
          f['ads.host_name'] = h;
          f.name = h;
        }
      }
      const v = m.tags.get(UdpTag.VERSION);
      if (v && v[1] >= 4)
        f['ads.twincat_version'] = `${buf[v[0]]}.${buf[v[0] + 1]}.${buf.readUInt16LE(v[0] + 2)}`;
      out.asset({ ip }, f);
    },
    end: () => pending.flush(),
  };
}
