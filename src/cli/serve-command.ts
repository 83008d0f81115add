/** `lineguard serve`: the hub — API and web console — over the store, with the access gateway. */
import { mkdirSync } from 'node:fs';
import { passphraseFromEnv } from '../access/ca/keybox.js';
import type { HubAccess } from '../server/access-gateway.js';
import { DEFAULT_MAX_UPLOAD } from '../server/app.js';
import { startHub } from '../server/listen.js';
import { SetupToken } from '../server/setup-token.js';
import { openStore } from '../store/index.js';
import { type CommandIO, UsageError } from './analyze-command.js';
import { EXIT } from './exit.js';
import {
  describeListener,
  type GatewayConfig,
  gatewayConfigPath,
  readGatewayConfig,
  startGatewayListeners,
} from './gateway-config.js';
import { accessStartError, freePort, keysPossible, openHubAccess, publicUrl } from './hub-access.js';

export interface StoreFlags {
  db?: string;
  dataDir?: string;
}

export interface ServeFlags extends StoreFlags {
  port: number;
  host: string;
  maxUpload?: number;
  publicUrl?: string;
  /** Listeners of the access gateway (JSON); env LINEGUARD_GATEWAY_CONFIG. */
  gatewayConfig?: string;
  /** Reverse proxies whose forwarding headers are believed. */
  trustProxy?: string[];
  /** Authenticator codes as the console's fallback second factor. */
  allowTotp?: boolean;
  /** Minutes a key sign-in counts as fresh for certificates, app set-up and step-up. */
  keyWindow?: number;
}

export const DEFAULT_PORT = 8440;
export const VERSION = process.env.npm_package_version ?? '0.1.0';

/** Where the store lives: `--db`, then LINEGUARD_DATABASE_URL; else SQLite in the data dir. */
export function storeOptions(flags: StoreFlags): { url?: string; dataDir: string } {
  const url = flags.db ?? process.env.LINEGUARD_DATABASE_URL;
  const dataDir = flags.dataDir ?? process.env.LINEGUARD_DATA_DIR ?? 'lineguard-data';
  return url ? { url, dataDir } : { dataDir };
}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
export function untilSignal(io: CommandIO): Promise<void> {
  return new Promise((resolve) => {
    const first = (sig: NodeJS.Signals) => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const again = () => {
        io.stderr.write('lineguard: stopping at once\n');
        process.exit(EXIT.internal);
      };
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      io.stdout.write(`\n${sig}: stopping (uploads in progress finish first)…\n`);
      resolve();
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

/** The gateway in this hub, its CA unlocked by LINEGUARD_CA_PASSPHRASE or …_FILE. */
async function serveAccess(
  flags: ServeFlags,
  dataDir: string,
  port: number,
  io: CommandIO,
): Promise<HubAccess> {
  const url = publicUrl(flags.publicUrl, flags.host, port);
  try {
    const caPassphrase = passphraseFromEnv();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const allowTotp = flags.allowTotp === true;
    const access = await openHubAccess({
      dataDir,
      caPassphrase,
      publicUrl: url,
      allowTotp,
      ...(flags.keyWindow !== undefined ? { keyWindowMinutes: flags.keyWindow } : {}),
    });
    io.stdout.write(
      keysPossible(url)
        ? `Access gateway on, security keys for ${url.origin}\n`
        : `Access gateway on; security keys off: ${url.origin} is an address, and browsers need a host name (--public-url)\n`,
    );
    if (allowTotp)
      io.stdout.write(
        'Authenticator codes allowed as a fallback (not phishing-resistant; audited as such)\n',
      );
    return access;
  } catch (e) {
    return accessStartError(e);
  }
}

export async function runServe(flags: ServeFlags, io: CommandIO): Promise<number> {
  const gatewayWanted =
    process.env.LINEGUARD_CA_PASSPHRASE !== undefined ||
    process.env.LINEGUARD_CA_PASSPHRASE_FILE !== undefined;
  for (const [flag, given] of [
    ['--allow-totp', flags.allowTotp],
    ['--key-window', flags.keyWindow],
  ] as const)
    if (given !== undefined && given !== false && !gatewayWanted)
      throw new UsageError(
        `${flag}: the access gateway is off; set LINEGUARD_CA_PASSPHRASE or LINEGUARD_CA_PASSPHRASE_FILE`,
      );
  // The listener file is checked whole before anything opens: a bad one starts nothing.
  const configFile = gatewayConfigPath(flags.gatewayConfig);
  let listeners: GatewayConfig | undefined;
  if (configFile !== undefined) {
    if (!gatewayWanted)
      throw new UsageError(
        `gateway config ${configFile}: the access gateway is off; set LINEGUARD_CA_PASSPHRASE or LINEGUARD_CA_PASSPHRASE_FILE`,
      );
    listeners = readGatewayConfig(configFile);
  }
  const where = storeOptions(flags);
  const store = await openStore(where);
  let access: HubAccess | undefined;
  try {
    // WebAuthn's origin names the port, so a free one is chosen before the gateway opens.
    const port = gatewayWanted && flags.port === 0 ? await freePort(flags.host) : flags.port;
    if (gatewayWanted) {
      access = await serveAccess(flags, where.dataDir, port, io);
      if (listeners !== undefined && configFile !== undefined)
        for (const l of await startGatewayListeners(access.gateway, listeners, configFile))
          io.stdout.write(`${describeListener(l)}\n`);
    } else
      io.stdout.write(
        'Access gateway off: set LINEGUARD_CA_PASSPHRASE or LINEGUARD_CA_PASSPHRASE_FILE to run it in this hub.\n',
      );
    const setup = (await store.countUsers()) === 0 ? new SetupToken() : undefined;
    // Listening before the hub says it listens: a supervisor may stop it as soon as it reads that.
    const stopped = untilSignal(io);
    const hub = await startHub({
      store,
      version: VERSION,
      host: flags.host,
      port,
      maxUploadBytes: flags.maxUpload ?? DEFAULT_MAX_UPLOAD,
      setup,
      ...(flags.trustProxy ? { trustProxy: flags.trustProxy } : {}),
      logger: { level: 'warn', stream: process.stderr },
      ...(access ? { access } : {}),
    });
    const db = store.dialect === 'sqlite' ? `SQLite in ${where.dataDir}` : 'PostgreSQL';
    io.stdout.write(`Lineguard hub ${VERSION} listening on ${hub.url} (${db})\n`);
    if (setup) {
      io.stdout.write(
        `\nNo console user exists yet. Create the first administrator here (one-time link):\n` +
          `  ${hub.url}/setup?token=${setup.value}\n` +
          `or on this machine: lineguard user add NAME --admin\n`,
      );
    }
    io.stdout.write('\nPress Ctrl+C to stop.\n');
    await stopped;
    await hub.close();
    return EXIT.ok;
  } finally {
    await access?.gateway.close();
    await store.close();
  }
}
