/**
 * TLS analyzer (tcp 443 and other TLS ports; recognised elsewhere by a handshake record
 * opening the stream). Specs: RFC 8446, RFC 5246, RFC 6066, RFC 7301, RFC 5280 (consts.ts).
 *
 * Reads the clear-text start of the handshake only: ClientHello server name → `tls.sni` on the
 * server's IP (it names the server; several names per address are kept); ServerHello →
 * `tls.version` ("TLS 1.2"), `tls.cipher` ("0xc02f") and `tls.alpn` (the protocol chosen) on
 * the server; in TLS ≤ 1.2, the leaf certificate → `tls.cert_subject` ("CN=..., O=..."),
 * `tls.cert_issuer`, `tls.cert_not_after` (ISO 8601). TLS 1.3 encrypts certificates: only SNI,
 * version, cipher and ALPN. No operations (an IT protocol). Each direction stops at its
 * ChangeCipherSpec, at a TLS 1.3 ServerHello, or after MAX_HANDSHAKE bytes.
 */
import type { AssetFacts } from '../../events/types.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { StreamFramer } from '../framer.js';
import { ContentType, Handshake, MAX_HANDSHAKE, MAX_RECORD, TLS_PORTS, VERSIONS } from './consts.js';
import { parseCertificate, parseClientHello, parseServerHello } from './parse.js';

/** A TLS record header: content type 20-23, major version 3, length within the limit. */
export function measureRecord(buf: Buffer, off: number, avail: number): number {
  if (avail < 5) return 0;
  const t = buf[off]!;
  const l = buf.readUInt16BE(off + 3);
  if (t < 20 || t > 23 || buf[off + 1] !== 3 || buf[off + 2]! > 4 || l > MAX_RECORD) return -1;
  return 5 + l;
}

export function probeTls(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 6) return 'more';
  if (buf[off] !== ContentType.HANDSHAKE || measureRecord(buf, off, len) < 0) return 'no';
  const h = buf[off + 5];
  return h === Handshake.CLIENT_HELLO || h === Handshake.SERVER_HELLO ? 'yes' : 'no';
}

export const tls: AnalyzerDescriptor = {
  name: 'tls',
  transport: 'tcp',
  ports: [...TLS_PORTS],
  probe: probeTls,
  create: createTls,
};

/** A TLS reader for a flow; other analyzers (Fox on 4911, MQTT on 8883) may hand TLS to it. */
export function createTls(ctx: AnalyzerContext): AnalyzerInstance {
  const out = new FlowEmitter(ctx, 'tls');
  const hs: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];
  const done: [boolean, boolean] = [false, false];

  const message = (dir: Direction, type: number, buf: Buffer, off: number, len: number): void => {
    if (type === Handshake.CLIENT_HELLO) {
      const ch = parseClientHello(buf, off, len);
      if (!ch) out.anomaly('tls.bad_handshake', 'malformed ClientHello');
      else if (ch.sni && ctx.flow.server.ip !== undefined)
        out.asset({ ip: ctx.flow.server.ip }, { 'tls.sni': ch.sni }, true);
      done[dir] = true;
    } else if (type === Handshake.SERVER_HELLO) {
      const sh = parseServerHello(buf, off, len);
      const ip = senderIp(ctx.packet);
      if (!sh) out.anomaly('tls.bad_handshake', 'malformed ServerHello');
      else if (ip !== undefined) {
        const f: AssetFacts = {
          'tls.version': VERSIONS[sh.version] ?? `0x${sh.version.toString(16)}`,
          'tls.cipher': `0x${sh.cipher.toString(16).padStart(4, '0')}`,
        };
        if (sh.alpn) f['tls.alpn'] = sh.alpn;
        out.asset({ ip }, f);
        if (sh.version === 0x0304) done[dir] = true;
      }
    } else if (type === Handshake.CERTIFICATE) {
      const c = parseCertificate(buf, off, len);
      const ip = senderIp(ctx.packet);
      if (c && ip !== undefined) {
        const f: AssetFacts = { 'tls.cert_subject': c.subject, 'tls.cert_issuer': c.issuer };
        if (c.notAfter) f['tls.cert_not_after'] = c.notAfter;
        out.asset({ ip }, f);
      }
      done[dir] = true;
    } else if (type === Handshake.SERVER_HELLO_DONE) done[dir] = true;
  };

  const record = (dir: Direction, buf: Buffer, off: number, len: number): void => {
    if (done[dir]) return;
    const type = buf[off]!;
    if (type === ContentType.CHANGE_CIPHER_SPEC || type === ContentType.APPLICATION_DATA) {
      done[dir] = true;
      return;
    }
    if (type !== ContentType.HANDSHAKE) return;
    let h =
      hs[dir].length === 0
        ? buf.subarray(off + 5, off + len)
        : Buffer.concat([hs[dir], buf.subarray(off + 5, off + len)]);
    while (h.length >= 4 && !done[dir]) {
      const l = h.readUIntBE(1, 3);
      if (l > MAX_HANDSHAKE) {
        out.anomaly('tls.too_large', `handshake message of ${l} bytes`);
        done[dir] = true;
        return;
      }
      if (h.length < 4 + l) break;
      message(dir, h[0]!, h, 4, l);
      h = h.subarray(4 + l);
    }
    hs[dir] = done[dir] ? Buffer.alloc(0) : Buffer.from(h);
  };

  const framer = (dir: Direction): StreamFramer =>
    new StreamFramer(
      measureRecord,
      (buf, off, len) => record(dir, buf, off, len),
      (error, detail) => {
        // Bad bytes after the handshake are not worth an anomaly: the reader was done.
        if (!done[dir]) out.anomaly(error === 'invalid' ? 'tls.bad_record' : 'tls.too_large', detail);
      },
      5 + MAX_RECORD,
    );
  const framers = [framer(0), framer(1)] as const;
  return {
    data: (dir: Direction, buf, off, len) => {
      if (!done[dir]) framers[dir].push(buf, off, len);
    },
    gap: (dir: Direction) => {
      done[dir] = true;
    },
  };
}
