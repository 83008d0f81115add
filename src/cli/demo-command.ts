/**
 * `lineguard demo`: the hub on a fresh, throw-away data folder with the sample plant loaded
 * and an administrator made up on the spot. Everything is removed when it stops.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeBytes } from '../capture/analyze.js';
import { startHub } from '../server/listen.js';
import { hashPassword } from '../server/password.js';
import { plantCapture } from '../sim/plant.js';
import { openStore } from '../store/index.js';
import type { CommandIO } from './analyze-command.js';
import { EXIT } from './exit.js';
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
    const store = await openStore({ dataDir: join(dir, 'data') });
    try {
      const { events, summary } = await analyzeBytes(plantCapture(), { source: 'sample-plant.pcap' });
      const report = await store.ingest(events);
      const password = randomBytes(12).toString('base64url');
      await store.createUser({ name: 'admin', role: 'admin', passwordHash: await hashPassword(password) });
      const hub = await startHub({
        store,
        version: VERSION,
        host: flags.host,
        port: flags.port,
        logger: { level: 'warn', stream: process.stderr },
      });
      io.stdout.write(
        `Lineguard demo: the sample plant (${summary.packets} packets, ${report.assets} assets) is loaded.\n\n` +
          `  Console  ${hub.url}\n` +
          `  Sign in  admin / ${password}\n\n` +
          `Throw-away data in ${dir}, removed when you stop. Press Ctrl+C to stop.\n`,
      );
      await untilSignal(io);
      await hub.close();
      return EXIT.ok;
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
