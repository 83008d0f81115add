/**
 * EtherNet/IP + CIP analyzers (`enip`): explicit messaging on tcp/udp 44818, implicit I/O on udp
 * 2222 recognised as such.
 *
 * Spec: CIP Networks Library Vol 2 (EtherNet/IP): §2-2 (ports), §2-3 (encapsulation header),
 * §2-4 (commands), §2-6 (Common Packet Format), §3-2 (explicit and implicit messaging); Vol 1
 * (CIP) for the messages inside — see cip.ts, describe.ts and session.ts.
 * TCP: each direction's stream is cut into encapsulation messages (24-byte header + stated
 * length). The stream is taken up only where a message plausibly starts (the first bytes of a
 * capture that began mid-conversation may not), and again after lost bytes: lengths carry no
 * sync marker, so the next delivery that starts with a plausible header resynchronises.
 * UDP 44818: one encapsulation message per datagram (ListIdentity broadcasts and replies).
 * UDP 2222: class 0/1 I/O datagrams (a CPF with a sequenced address item and connected data);
 * they bind the flow to `enip` and are checked for shape only — cyclic data is not an operation.
 * Not handled: CIP Security (TLS/DTLS on 2221), I/O payload contents, the legacy commands.
 */
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { StreamFramer } from '../framer.js';
import { Item, Port } from './consts.js';
import { MAX_MESSAGE, measureEncap, parseCpf, plausibleHeader } from './parse.js';
import { EnipSession } from './session.js';

/** Deliveries without a plausible header before a direction that lost sync is reported. */
const UNSYNCED_REPORT = 4;

export const enipTcp: AnalyzerDescriptor = {
  name: 'enip',
  transport: 'tcp',
  ports: [Port.ENIP],
  probe: (buf, off, len) => plausibleHeader(buf, off, len),
  create: createTcp,
};

export const enipUdp: AnalyzerDescriptor = {
  name: 'enip',
  transport: 'udp',
  ports: [Port.ENIP, Port.IO],
  probe: (buf, off, len): ProbeResult => {
    if (looksLikeIo(buf, off, len)) return 'yes';
    // A datagram is whole: a header that needs more bytes is no header.
    return plausibleHeader(buf, off, len) === 'yes' ? 'yes' : 'no';
  },
  create: createUdp,
};

function createTcp(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'enip');
  const session = new EnipSession(ctx, out);
  const framer = (dir: Direction): StreamFramer => {
    const f = new StreamFramer(
      measureEncap,
      (buf, off, len) => session.message(buf, off, len, dir === 0),
      (error, detail) => out.anomaly(error === 'invalid' ? 'enip.invalid_header' : 'enip.too_large', detail),
      MAX_MESSAGE,
    );
    // Wait for a plausible header before taking the stream up.
    f.gap();
    return f;
  };
  const framers = [framer(0), framer(1)] as const;
  const misses = [0, 0];
  return {
    data(dir, buf, off, len) {
      const f = framers[dir];
      if (!f.synced) {
        if (plausibleHeader(buf, off, len) === 'no') {
          if (++misses[dir]! === UNSYNCED_REPORT) {
            out.anomaly('enip.unsynced', `${UNSYNCED_REPORT} deliveries without an encapsulation header`);
          }
          return;
        }
        misses[dir] = 0;
        f.resync();
      }
      f.push(buf, off, len);
    },
    gap: (dir) => framers[dir].gap(),
    end: () => session.end(),
  };
}

function createUdp(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'enip');
  const session = new EnipSession(ctx, out);
  // Decided by the flow's first datagram: I/O (CPF) or encapsulation.
  let io: boolean | undefined;
  return {
    data(dir, buf, off, len) {
      io ??= looksLikeIo(buf, off, len);
      if (!io) {
        session.message(buf, off, len, dir === 0);
        return;
      }
      const r = parseCpf(buf, off, len);
      if (!r.ok) out.anomaly('enip.bad_io', r.detail);
      else if (r.msg.length < 2) out.anomaly('enip.bad_io', `${r.msg.length} CPF items`);
    },
    end: () => session.end(),
  };
}

/**
 * Class 0/1 I/O (Vol 2 §3-3): item count 2-4, a sequenced address item (8 bytes: connection id,
 * sequence number) or connected address item (4 bytes) first, then connected data.
 */
export function looksLikeIo(buf: Buffer, off: number, len: number): boolean {
  if (len < 12) return false;
  const count = buf.readUInt16LE(off);
  if (count < 2 || count > 4) return false;
  const type = buf.readUInt16LE(off + 2);
  const n = buf.readUInt16LE(off + 4);
  if (!((type === Item.SEQUENCED_ADDRESS && n === 8) || (type === Item.CONNECTED_ADDRESS && n === 4)))
    return false;
  const next = off + 6 + n;
  return next + 4 <= off + len && buf.readUInt16LE(next) === Item.CONNECTED_DATA;
}
