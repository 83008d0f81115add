/**
 * `lineguard demo`: the hub on a fresh, throw-away data folder with the sample plant loaded,
 * the access gateway in the same process (its CA sealed by a random passphrase kept in the
 * folder, a sample supplier and a pending grant request), and an administrator made up on
 * the spot. Everything is removed when it stops.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBytes } from '../capture/analyze.js';
import { startHub } from '../server/listen.js';
import { hashPassword } from '../server/password.js';
import { plantCapture } from '../sim/plant.js';
import { openStore } from '../store/index.js';
import type { CommandIO } from './analyze-command.js';
import { DEMO_SUPPLIER_USER, seedDemoAccess } from './demo-access.js';
import { EXIT } from './exit.js';
import { freePort, openHubAccess, publicUrl } from './hub-access.js';
import { untilSignal, VERSION } from './serve-command.js';

export interface DemoFlags {
  port: number;
  host: string;
}

export async function runDemo(flags: DemoFlags, io: CommandIO): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'lineguard-demo-'));
  try {
    // A configured database is never the demo's (the store would honour the variable): the
    // demo always starts empty, in its own folder.
    delete process.env.LINEGUARD_DATABASE_URL;
    const dataDir = join(dir, 'data');
    const store = await openStore({ dataDir });
    try {
      const { events, summary } = await analyzeBytes(plantCapture(), { source: 'sample-plant.pcap' });
      const report = await store.ingest(events);
      const password = randomBytes(12).toString('base64url');
      await store.createUser({ name: 'admin', role: 'admin', passwordHash: await hashPassword(password) });
      const supplierPassword = randomBytes(12).toString('base64url');
      await store.createUser({
        name: DEMO_SUPPLIER_USER,
        role: 'viewer',
        passwordHash: await hashPassword(supplierPassword),
      });
      const caPassphrase = randomBytes(24).toString('base64url');
      writeFileSync(join(dir, 'ca-passphrase'), `${caPassphrase}\n`, { mode: 0o600 });
      // WebAuthn's origin names the port, so a free one is chosen before the gateway opens.
      const port = flags.port === 0 ? await freePort(flags.host) : flags.port;
      const url = publicUrl(undefined, flags.host, port);
      const access = await openHubAccess({ dataDir, caPassphrase, publicUrl: url });
      try {
        await seedDemoAccess(access, 'admin');
        // Listening before the URL is printed: whoever reads it may stop the demo at once.
        const stopped = untilSignal(io);
        const hub = await startHub({
          store,
          version: VERSION,
          host: flags.host,
          port,
          access,
          logger: { level: 'warn', stream: process.stderr },
        });
        io.stdout.write(
          `Lineguard demo: the sample plant (${summary.packets} packets, ${report.assets} assets) is loaded.\n\n` +
            `  Console   ${url.origin}\n` +
            `  Sign in   admin / ${password}\n` +
            `  Supplier  ${DEMO_SUPPLIER_USER} / ${supplierPassword} (has a pending access request)\n\n` +
            `Register a security key under Access → My keys; it works for this URL.\n` +
            `Throw-away data in ${dir}, removed when you stop. Press Ctrl+C to stop.\n`,
        );
        await stopped;
        await hub.close();
        return EXIT.ok;
      } finally {
        await access.gateway.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
