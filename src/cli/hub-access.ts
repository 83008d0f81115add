/**
 * The access gateway inside the hub's process (`serve`, `demo`): its own SQLite file in the
 * data folder, its CA unlocked by a passphrase, and WebAuthn bound to the console's own URL
 * (RP ID its host name, origin its origin), so a security key works with no call leaving the
 * machine.
 */
import { createServer, isIP } from 'node:net';
import { join } from 'node:path';
import { AccessError } from '../access/errors.js';
import { AccessGateway } from '../access/gateway.js';
import type { HubAccess } from '../server/access-gateway.js';
import { UsageError } from './analyze-command.js';

export const APPROVER_GROUP = 'approvers';
export const ACCESS_DB_FILE = 'lineguard-access.db';

export interface HubAccessConfig {
  dataDir: string;
  caPassphrase: string;
  /** The console's URL as browsers reach it; its host name is the WebAuthn RP ID. */
  publicUrl: URL;
  /** Authenticator codes as the console's fallback second factor (off unless asked for). */
  allowTotp?: boolean;
  /** Minutes a key sign-in counts as fresh (certificates, app set-up, step-up); default 5. */
  keyWindowMinutes?: number;
}

/** The console's URL: `--public-url` or LINEGUARD_PUBLIC_URL, else `http://localhost:<port>` for a loopback or wildcard bind. */
export function publicUrl(flag: string | undefined, host: string, port: number): URL {
  const given = flag ?? process.env.LINEGUARD_PUBLIC_URL;
  if (given !== undefined) {
    let url: URL;
    try {
      url = new URL(given);
    } catch {
      throw new UsageError(`--public-url ${given}: not a URL (e.g. https://hub.plant.example:8440)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--public-url ${given}: must be http or https`);
    return url;
  }
  const local = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host);
  return new URL(`http://${local ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host}:${port}`);
}

/** Security keys need a host name: browsers refuse an IP address as relying party. */
export function keysPossible(url: URL): boolean {
  return isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0;
}

export async function openHubAccess(cfg: HubAccessConfig): Promise<HubAccess> {
  const gateway = await AccessGateway.open({
    dbPath: join(cfg.dataDir, ACCESS_DB_FILE),
    caPassphrase: cfg.caPassphrase,
    grantRules: { approverGroup: APPROVER_GROUP },
    ...(cfg.allowTotp ? { totp: { issuer: `Lineguard ${cfg.publicUrl.hostname}` } } : {}),
    ...(keysPossible(cfg.publicUrl)
      ? {
          webauthn: {
            rpId: cfg.publicUrl.hostname,
            rpName: 'Lineguard',
            origins: [cfg.publicUrl.origin],
            attestation: 'none' as const,
            hardwareKeysOnly: true,
          },
        }
      : {}),
  });
  try {
    // Grants need someone to approve them: the group the rules name exists from the start.
    if (!gateway.directory.hasGroup(APPROVER_GROUP))
      await gateway.directory.addGroup({ id: APPROVER_GROUP, name: 'Approvers' }, 'system');
    return {
      gateway,
      approverGroup: APPROVER_GROUP,
      ...(cfg.keyWindowMinutes !== undefined ? { keyWindowMs: cfg.keyWindowMinutes * 60_000 } : {}),
    };
  } catch (e) {
    await gateway.close();
    throw e;
  }
}

/** A gateway error at start (locked CA, unreadable passphrase file) as a usage error naming it. */
export function accessStartError(e: unknown): never {
  if (e instanceof AccessError) throw new UsageError(`access gateway: ${e.detail}`);
  throw e;
}

/**
 * A port nobody listens on now, for a `--port 0` start: WebAuthn's origin names the port, and
 * the gateway is configured before the hub listens.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
