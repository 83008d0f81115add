/**
 * OPC UA binary analyzer (UA-TCP, tcp 4840 and wherever the probe finds a UA header).
 *
 * Spec: OPC 10000-6 §7.1 (UA-TCP), §6.7 (secure conversation), §5.2 (binary encoding);
 * OPC 10000-4 (services). Emits:
 * - `op.observed` per service request, code = the request's binary encoding id ("631" Read),
 *   emitted at the response with `ok` (ServiceResult not Bad, ServiceFault = false, a Bad
 *   Write result or Call status = false; ERR and abort chunks fail what is pending). Kinds:
 *   GetEndpoints / FindServers → identify; Read, HistoryRead, Browse(Next), TranslateBrowse-
 *   Paths, Register/UnregisterNodes, Query, subscriptions, monitored items, Publish → read;
 *   Write, HistoryUpdate → write; Call → control (target: the methods); AddNodes, DeleteNodes,
 *   Add/DeleteReferences → program; OpenSecureChannel, CloseSecureChannel, CreateSession,
 *   ActivateSession (target: the user token type and user name), CloseSession, Cancel →
 *   other. Targets name the first three nodes (requests.ts).
 * - `asset.observed`: HEL's EndpointUrl about the server; a server's ApplicationDescription
 *   and endpoints (GetEndpoints, CreateSession response, a single-server FindServers
 *   response) and a client's (CreateSession request) about their sender (facts.ts); the
 *   SecurityPolicy a server accepted (`opcua.security_policy`), the mode its channel uses
 *   when not None (`opcua.security_mode`), the user token types it accepted
 *   (`opcua.user_token`), certificate subject CNs (`opcua.certificate_cn`, also from
 *   encrypted channels' OPN), ReverseHello's server URI. Subjects are IPs (with the MAC when
 *   the packet's TTL shows no router hop).
 * - anomalies: `opcua.no_security` (a session activated over SecurityPolicy None),
 *   `opcua.cleartext_password` (a UserName token without encryption), `opcua.error` (ERR
 *   with its status), malformed messages, `opcua.pending_overflow`, framing errors.
 * Encrypted chunks (SignAndEncrypt) are counted, not decoded; signed ones (Sign) are read.
 * Not handled: UA over HTTPS / WebSockets, PubSub (UADP), decryption with keys, chunk
 * sequence-number checks, MaxChunkCount enforcement.
 */
import type { AnalyzerDescriptor, Direction, ProbeResult } from '../analyzer.js';
import { StreamFramer } from '../framer.js';
import { Chunk, MAX_CHUNK, PORT_OPCUA } from './consts.js';
import { headerSize, measureUa } from './parse.js';
import { UaSession } from './session.js';

/**
 * A final chunk ("HELF", "ACKF", "OPNF", "MSGF", "CLOF", "ERRF", "RHEF") with a sane size: a
 * flow picked up mid-stream is recognised at its next final chunk.
 */
export function probeOpcua(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 8) return 'more';
  return buf[off + 3] === Chunk.FINAL && headerSize(buf, off, len) > 0 ? 'yes' : 'no';
}

export const opcua: AnalyzerDescriptor = {
  name: 'opcua',
  transport: 'tcp',
  ports: [PORT_OPCUA],
  probe: probeOpcua,
  create(ctx) {
    const session = new UaSession(ctx);
    const framer = (dir: Direction): StreamFramer =>
      new StreamFramer(
        measureUa,
        (buf, off, len) => session.message(dir, buf, off, len),
        (error, detail) =>
          session.anomaly(error === 'too-large' ? 'opcua.too_large' : 'opcua.bad_header', detail),
        MAX_CHUNK,
      );
    const framers = [framer(0), framer(1)] as const;
    return {
      data(dir, buf, off, len) {
        const f = framers[dir];
        // After lost bytes, a delivery that starts with a UA header starts the stream again.
        if (!f.synced && headerSize(buf, off, len) > 0) f.resync();
        f.push(buf, off, len);
      },
      gap(dir) {
        framers[dir].gap();
        session.gap(dir);
      },
      end() {
        session.end();
      },
    };
  },
};
