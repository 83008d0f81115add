/**
 * The access gateway as one object: its database, audit log, directory, policies, grants,
 * certificate authority, decisions, live sessions and listeners. Pure services with a plain
 * TypeScript API, so the hub's HTTP server and the CLI mount the same thing; it needs no hub
 * and no network beyond the plant's own.
 */
import type { Socket } from 'node:net';
import type { Kysely } from 'kysely';
import type { AuditLog } from './audit/log.js';
import { verifyAudit } from './audit/verify.js';
import { type CertRecord, LocalCa } from './ca/ca.js';
import type { AccessDb } from './db/schema.js';
import type { Asset, Directory } from './directory/directory.js';
import type { Epoch } from './epoch.js';
import type { Grants } from './grants/grants.js';
import type { Decider } from './policy/decider.js';
import type { PolicyStore } from './policy/store.js';
import { EnipSession } from './proxy/enip/proxy.js';
import type { Principal } from './proxy/identity.js';
import { GatewayListener, type ListenerConfig } from './proxy/listener.js';
import { ModbusSession } from './proxy/modbus/proxy.js';
import { Recorder } from './proxy/recorder.js';
import { S7Session } from './proxy/s7/proxy.js';
import type { DenyMode, ProxySession, SessionDeps } from './proxy/session.js';
import { SessionRegistry } from './proxy/sessions.js';
import { DEFAULT_MAX_RECORD_BYTES, TcpRelaySession } from './proxy/tcp/relay.js';
import { closeAccessState, openAccessState, type StateOptions } from './state.js';
import { openTotpKey } from './totp/secrets.js';
import { type TotpConfig, TotpService } from './totp/service.js';
import { type WebAuthnConfig, type WebAuthnLogin, WebAuthnService } from './webauthn/service.js';

export interface GatewayOptions extends StateOptions {
  /** Unlocks (or, at first start, seals) the CA key. */
  caPassphrase: string;
  /** Security-key logins; without it the gateway offers none (certificates are then issued by other means). */
  webauthn?: WebAuthnConfig;
  /** Authenticator-app codes as an opt-in fallback (not phishing-resistant); without it, off. */
  totp?: TotpConfig;
  /** Re-check period of live sessions for time-driven changes (ms). */
  recheckMs?: number;
}

/** Modbus, S7 and EtherNet/IP listeners: what a refused operation gets (an error answer, or nothing). */
export interface ModbusListenerConfig extends ListenerConfig {
  onDeny?: DenyMode;
}

export type S7ListenerConfig = ModbusListenerConfig;

export type EnipListenerConfig = ModbusListenerConfig;

export interface TcpListenerConfig extends ListenerConfig {
  /** Bytes of each session recorded before the recording is marked truncated. */
  maxRecordBytes?: number;
}

export class AccessGateway {
  private readonly listeners = new Set<GatewayListener>();
  private closed = false;

  private constructor(
    readonly db: Kysely<AccessDb>,
    readonly clock: () => number,
    readonly epoch: Epoch,
    readonly audit: AuditLog,
    readonly directory: Directory,
    readonly policies: PolicyStore,
    readonly grants: Grants,
    readonly ca: LocalCa,
    readonly decider: Decider,
    readonly sessions: SessionRegistry,
    readonly recorder: Recorder,
    readonly webauthn: WebAuthnService | undefined,
    /** Always there, so an enrolled factor is seen (and refused) when codes are off. */
    readonly totp: TotpService,
  ) {}

  static async open(opts: GatewayOptions): Promise<AccessGateway> {
    const st = await openAccessState(opts);
    try {
      const ca = await LocalCa.open(st.db, st.audit, st.epoch, st.directory, st.clock, opts.caPassphrase);
      const sessions = new SessionRegistry(st.epoch, st.clock, opts.recheckMs ?? 1000);
      const recorder = new Recorder(st.db, st.sqlite, opts.dbPath);
      const webauthn =
        opts.webauthn === undefined
          ? undefined
          : new WebAuthnService(st.db, st.audit, st.directory, st.clock, opts.webauthn);
      // The TOTP key is unsealed (one scrypt) only on a gateway that allows codes.
      const totpKey = opts.totp === undefined ? undefined : await openTotpKey(st.db, opts.caPassphrase);
      const totp = new TotpService(st.db, st.audit, st.directory, st.clock, totpKey, {
        issuer: opts.totp?.issuer ?? 'Lineguard',
      });
      return new AccessGateway(
        st.db,
        st.clock,
        st.epoch,
        st.audit,
        st.directory,
        st.policies,
        st.grants,
        ca,
        st.decider,
        sessions,
        recorder,
        webauthn,
        totp,
      );
    } catch (e) {
      await closeAccessState(st);
      throw e;
    }
  }

  private get sessionDeps(): SessionDeps & { directory: Directory } {
    return {
      decider: this.decider,
      ca: this.ca,
      audit: this.audit,
      recorder: this.recorder,
      registry: this.sessions,
      clock: this.clock,
      directory: this.directory,
    };
  }

  async listenModbus(cfg: ModbusListenerConfig): Promise<GatewayListener> {
    return this.listen(cfg, 'modbus', ModbusSession, cfg.onDeny ?? 'exception');
  }

  async listenS7(cfg: S7ListenerConfig): Promise<GatewayListener> {
    return this.listen(cfg, 's7', S7Session, cfg.onDeny ?? 'exception');
  }

  /** EtherNet/IP explicit messaging (TCP 44818): CIP requests decided as `enip:*`, refusals with status 0x0F. */
  async listenEnip(cfg: EnipListenerConfig): Promise<GatewayListener> {
    return this.listen(cfg, 'enip', EnipSession, cfg.onDeny ?? 'exception');
  }

  /** A relay to a workstation's RDP, VNC, SSH or HTTPS port: connect-level decisions, byte recording. */
  async listenTcp(cfg: TcpListenerConfig): Promise<GatewayListener> {
    return this.listen(cfg, 'tcp', TcpRelaySession, cfg.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  }

  /** A listener whose connections become `Session`s (given `option`), closed with the gateway. */
  private async listen<O>(
    cfg: ListenerConfig,
    protocol: string,
    Session: new (
      deps: SessionDeps,
      principal: Principal,
      asset: Asset,
      client: Socket,
      option: O,
    ) => ProxySession,
    option: O,
  ): Promise<GatewayListener> {
    const deps = this.sessionDeps;
    const l = await GatewayListener.start(
      deps,
      cfg,
      protocol,
      (client, principal, asset) => new Session(deps, principal, asset, client, option),
    );
    this.listeners.add(l);
    return l;
  }

  /**
   * The client certificate a device gets after its user's security-key login: bound to the
   * user and the device, its MFA record the login's time (policies read its age).
   */
  issueAfterLogin(
    login: WebAuthnLogin,
    device: string,
    csrPem: string,
    validityMs?: number,
  ): Promise<CertRecord> {
    return this.ca.issueClientCert(
      {
        user: login.user,
        device,
        csrPem,
        mfa: { at: login.at, method: login.method },
        ...(validityMs !== undefined ? { validityMs } : {}),
      },
      login.user,
    );
  }

  verifyAudit() {
    return verifyAudit(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.grants.close();
    this.sessions.close();
    await Promise.all([...this.listeners].map((l) => l.close()));
    this.listeners.clear();
    await this.recorder.close();
    // Audit entries of the sessions just ended are queued behind the database's lock.
    await this.db.transaction().execute(async () => {});
    await this.db.destroy();
  }
}
