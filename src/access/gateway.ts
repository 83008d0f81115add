/**
 * The access gateway as one object: its database, audit log, directory, policies, grants,
 * certificate authority, decisions, live sessions and listeners. Pure services with a plain
 * TypeScript API, so the hub's HTTP server and the CLI mount the same thing; it needs no hub
 * and no network beyond the plant's own.
 */
import type { Kysely } from 'kysely';
import { AuditLog } from './audit/log.js';
import { verifyAudit } from './audit/verify.js';
import { LocalCa } from './ca/ca.js';
import { openAccessDb } from './db/open.js';
import type { AccessDb } from './db/schema.js';
import { Directory } from './directory/directory.js';
import { Epoch } from './epoch.js';
import { DEFAULT_GRANT_RULES, type GrantRules, Grants } from './grants/grants.js';
import { DecisionCache } from './policy/cache.js';
import { Decider } from './policy/decider.js';
import { PolicyStore } from './policy/store.js';
import { GatewayListener, type ListenerConfig } from './proxy/listener.js';
import { type DenyMode, ModbusSession } from './proxy/modbus/proxy.js';
import { Recorder } from './proxy/recorder.js';
import type { SessionDeps } from './proxy/session.js';
import { SessionRegistry } from './proxy/sessions.js';

export interface GatewayOptions {
  /** SQLite file of the gateway's own state (`:memory:` for a throwaway one). */
  dbPath: string;
  /** Unlocks (or, at first start, seals) the CA key. */
  caPassphrase: string;
  clock?: () => number;
  grantRules?: Partial<GrantRules>;
  /** Re-check period of live sessions for time-driven changes (ms). */
  recheckMs?: number;
}

export interface ModbusListenerConfig extends ListenerConfig {
  onDeny?: DenyMode;
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
  ) {}

  static async open(opts: GatewayOptions): Promise<AccessGateway> {
    const clock = opts.clock ?? Date.now;
    const db = await openAccessDb(opts.dbPath);
    try {
      const epoch = new Epoch();
      const audit = new AuditLog(db, clock);
      const directory = await Directory.load(db, audit, epoch, clock);
      const policies = await PolicyStore.load(db, audit, epoch, clock);
      const grants = await Grants.load(db, audit, epoch, directory, clock, {
        ...DEFAULT_GRANT_RULES,
        ...opts.grantRules,
      });
      const ca = await LocalCa.open(db, audit, epoch, directory, clock, opts.caPassphrase);
      const cache = new DecisionCache();
      epoch.subscribe(() => cache.clear());
      const decider = new Decider(directory, grants, () => policies.current, cache, clock);
      const sessions = new SessionRegistry(epoch, clock, opts.recheckMs ?? 1000);
      const recorder = new Recorder(db);
      return new AccessGateway(
        db,
        clock,
        epoch,
        audit,
        directory,
        policies,
        grants,
        ca,
        decider,
        sessions,
        recorder,
      );
    } catch (e) {
      await db.destroy();
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
    const deps = this.sessionDeps;
    const mode = cfg.onDeny ?? 'exception';
    const l = await GatewayListener.start(
      deps,
      cfg,
      'modbus',
      (client, principal, asset) => new ModbusSession(deps, principal, asset, client, mode),
    );
    this.listeners.add(l);
    return l;
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
    await this.recorder.flush();
    // Audit entries of the sessions just ended are queued behind the database's lock.
    await this.db.transaction().execute(async () => {});
    await this.db.destroy();
  }
}
