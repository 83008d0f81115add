/**
 * A gateway listener: a TCP or mTLS server in front of one asset. It finds out who connected
 * (identity.ts), refuses whoever it cannot name, hands the rest to the protocol's session,
 * which takes the connect decision before a byte reaches the asset.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Asset, Directory } from '../directory/directory.js';
import { AccessError } from '../errors.js';
import { plainIp } from '../policy/decider.js';
import {
  type ListenerSecurity,
  mtlsPeer,
  type PeerResult,
  PlainAllowList,
  type Principal,
} from './identity.js';
import type { ProxySession, SessionDeps } from './session.js';

export interface ListenerConfig {
  /** The asset this listener stands in front of (its host and port are the upstream). */
  asset: string;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; 0 picks a free one. */
  port: number;
  security: ListenerSecurity;
}

export type SessionFactory = (client: Socket, principal: Principal, asset: Asset) => ProxySession;

/** Refused connections audited one by one per window; more are counted into the next entry. */
const REFUSAL_AUDIT_WINDOW_MS = 10_000;
const REFUSALS_PER_WINDOW = 20;

export class GatewayListener {
  private readonly sockets = new Set<Socket>();
  private windowStart = 0;
  private windowCount = 0;
  private suppressed = 0;

  private constructor(
    private readonly server: Server,
    readonly asset: string,
    readonly protocol: string,
  ) {}

  static async start(
    deps: SessionDeps & { directory: Directory },
    cfg: ListenerConfig,
    protocol: string,
    factory: SessionFactory,
  ): Promise<GatewayListener> {
    const asset = deps.directory.asset(cfg.asset);
    if (asset === undefined)
      throw new AccessError('ACCESS_NOT_FOUND', `listener.asset: no asset ${cfg.asset}`);
    let server: Server;
    let peerOf: (s: Socket) => PeerResult;
    if (cfg.security.mode === 'mtls') {
      const names = cfg.security.serverNames ?? [cfg.host ?? '127.0.0.1', 'localhost'];
      const { record, keyPem } = await deps.ca.issueServerCert(names);
      server = createTlsServer({
        key: keyPem,
        cert: record.pem,
        ca: [deps.ca.certPem],
        requestCert: true,
        // Verified per connection in mtlsPeer (socket.authorized), so refusals name their cause.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      });
      peerOf = (s) => mtlsPeer(s as TLSSocket, deps.ca, deps.clock());
    } else {
      const allow = new PlainAllowList(cfg.security.allow);
      server = createTcpServer();
      peerOf = (s) => allow.peer(s);
    }
    const l = new GatewayListener(server, asset.id, protocol);
    const onSocket = (socket: Socket) => l.accept(deps, socket, peerOf, factory);
    if (cfg.security.mode === 'mtls') {
      server.on('secureConnection', onSocket);
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
        l.refused(deps, plainIp(socket.remoteAddress ?? ''), 'certificate-missing', err.message);
        socket.destroy();
      });
    } else server.on('connection', onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.port, cfg.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return l;
  }

  address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('listener is not listening');
    return { host: a.address, port: a.port };
  }

  private accept(
    deps: SessionDeps & { directory: Directory },
    socket: Socket,
    peerOf: (s: Socket) => PeerResult,
    factory: SessionFactory,
  ): void {
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    const peer = peerOf(socket);
    if (!peer.ok) {
      this.refused(deps, peer.source, peer.reason, peer.detail);
      socket.destroy();
      return;
    }
    // The asset as it stands now (isolation and other state are read per decision anyway).
    const asset = deps.directory.asset(this.asset);
    if (asset === undefined) {
      socket.destroy();
      return;
    }
    const session = factory(socket, peer.principal, asset);
    const d = session.admit();
    if (!d.allow) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    session.begin();
    session.open();
  }

  private refused(deps: SessionDeps, source: string, reason: string, detail: string): void {
    const now = deps.clock();
    if (now - this.windowStart > REFUSAL_AUDIT_WINDOW_MS) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > REFUSALS_PER_WINDOW) {
      this.suppressed++;
      return;
    }
    const suppressed = this.suppressed;
    this.suppressed = 0;
    deps.audit.appendSoon({
      type: 'access.connect.refused',
      actor: 'unknown',
      subject: this.asset,
      data: {
        protocol: this.protocol,
        source,
        reasons: [reason],
        detail: detail.slice(0, 300),
        suppressedBefore: suppressed,
      },
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
