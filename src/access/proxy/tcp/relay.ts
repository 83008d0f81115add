/**
 * TCP relay session for RDP, VNC, SSH, HTTPS and the like to engineering workstations: the
 * gateway cannot read these protocols' operations, so the decision is the connect decision —
 * taken at accept and re-taken whenever the epoch moves, with the same grants and cut-off as
 * the protocol proxies — and the recording is the byte streams, each chunk with its time and
 * direction, up to a per-session cap (past it the session goes on, marked truncated).
 */
import type { Socket } from 'node:net';
import type { Asset } from '../../directory/directory.js';
import type { Principal } from '../identity.js';
import { ProxySession, type SessionDeps } from '../session.js';

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

export class TcpRelaySession extends ProxySession {
  readonly protocol = 'tcp';
  private recorded = 0;
  private truncated = false;

  constructor(
    deps: SessionDeps,
    principal: Principal,
    asset: Asset,
    client: Socket,
    private readonly maxRecordBytes: number,
  ) {
    super(deps, principal, asset, client);
  }

  open(): void {
    const up = this.connectUpstream();
    this.relay(this.client, up, 0);
    this.relay(up, this.client, 1);
  }

  /** Bytes from `from` to `to`, recorded as direction `dir` (0 client → asset), with back-pressure. */
  private relay(from: Socket, to: Socket, dir: 0 | 1): void {
    from.on('data', (c: Buffer) => {
      this.record(dir, c);
      if (!to.write(c)) from.pause();
    });
    to.on('drain', () => from.resume());
  }

  private record(dir: 0 | 1, c: Buffer): void {
    if (this.truncated) return;
    const ts = this.deps.clock();
    if (this.recorded + c.length > this.maxRecordBytes) {
      this.truncated = true;
      this.deps.recorder.chunk({ session_id: this.id, seq: this.nextSeq(), ts, dir, data: Buffer.alloc(0) });
      return;
    }
    this.recorded += c.length;
    this.deps.recorder.chunk({ session_id: this.id, seq: this.nextSeq(), ts, dir, data: c });
  }

  override info() {
    return { ...super.info(), allowed: this.recorded, denied: this.truncated ? 1 : 0 };
  }
}
