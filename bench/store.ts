/**
 * `npm run bench:store` — events per second ingested into the store (a benchmark, not a
 * test: the target is reported, never asserted). Two mixes built from the sample plant
 * (store-plant.ts):
 *   steady   — a few sites over many minutes: most events fold into rows already stored;
 *   distinct — many sites, one minute each: nearly every event is a new row and new assets.
 * Each runs on SQLite (a temp dir) and, when a server answers at LINEGUARD_TEST_PG_URL, on
 * PostgreSQL (a throwaway database). The rate is over the whole `ingest()` call: fold, the
 * committed batches, and the inventory rebuilt at the end (also shown on its own, and the
 * rate without it). The machine's load average is printed: on a shared machine it matters.
 *
 * Flags: --sites-steady N --minutes N (defaults 20 × 500), --sites-distinct N (default 2000),
 * --batch N (default 10000), --sqlite-only.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { LineguardEvent } from '../src/events/types.js';
import { openDatabase } from '../src/store/connect.js';
import { openStore } from '../src/store/index.js';
import { rebuildInventory } from '../src/store/materialise.js';
import { postgresUnavailable, type TestDatabase, testDatabase } from '../src/store/testing/databases.js';
import type { Dialect } from '../src/store/types.js';
import { largePlant, plantEvents } from './store-plant.js';

const TARGET = 100_000;

const { values: flags } = parseArgs({
  options: {
    'sites-steady': { type: 'string', default: '20' },
    minutes: { type: 'string', default: '500' },
    'sites-distinct': { type: 'string', default: '2000' },
    batch: { type: 'string', default: '10000' },
    'sqlite-only': { type: 'boolean', default: false },
  },
});

interface Result {
  dialect: Dialect;
  mix: string;
  events: number;
  batches: number;
  assets: number;
  seconds: number;
  rebuildSeconds: number;
}

async function run(
  dialect: Dialect,
  mix: string,
  events: LineguardEvent[],
  batchSize: number,
): Promise<Result> {
  const tdb: TestDatabase = await testDatabase(dialect);
  const store = await openStore(tdb.options);
  try {
    const t0 = performance.now();
    const report = await store.ingest(events, { batchSize });
    const seconds = (performance.now() - t0) / 1000;
    await store.close();
    // The rebuild alone, on the same rows: replay, buildInventory, write.
    const { db } = await openDatabase(tdb.options);
    const t1 = performance.now();
    await rebuildInventory(db, dialect);
    const rebuildSeconds = (performance.now() - t1) / 1000;
    await db.destroy();
    return {
      dialect,
      mix,
      events: report.events,
      batches: report.batches,
      assets: report.assets,
      seconds,
      rebuildSeconds,
    };
  } finally {
    await store.close().catch(() => undefined);
    await tdb.drop();
  }
}

function table(results: Result[]): string {
  const head = [
    'database',
    'mix',
    'events',
    'batches',
    'assets',
    'seconds',
    'rebuild s',
    'batches ev/s',
    'events/s',
    'target',
    'result',
  ];
  const rows = results.map((r) => {
    const rate = r.events / r.seconds;
    return [
      r.dialect,
      r.mix,
      r.events.toLocaleString('en'),
      String(r.batches),
      r.assets.toLocaleString('en'),
      r.seconds.toFixed(2),
      r.rebuildSeconds.toFixed(2),
      Math.round(r.events / Math.max(r.seconds - r.rebuildSeconds, 1e-9)).toLocaleString('en'),
      Math.round(rate).toLocaleString('en'),
      r.dialect === 'sqlite' ? `≥ ${TARGET.toLocaleString('en')}` : '–',
      r.dialect === 'sqlite' ? (rate >= TARGET ? 'PASS' : 'FAIL') : '–',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const startLoad = loadavg()[0]!;
const base = await plantEvents();
// Built when run, one at a time: a million events held for nothing would slow every GC.
const mixes = [
  { mix: 'steady', events: () => largePlant(base, Number(flags['sites-steady']), Number(flags.minutes)) },
  { mix: 'distinct', events: () => largePlant(base, Number(flags['sites-distinct']), 1) },
];
const dialects: Dialect[] = ['sqlite'];
if (!flags['sqlite-only']) {
  const why = await postgresUnavailable();
  if (why === null) dialects.push('postgres');
}
const results: Result[] = [];
for (const dialect of dialects)
  for (const m of mixes) {
    const r = await run(dialect, m.mix, m.events(), Number(flags.batch));
    console.error(`${dialect} ${m.mix}: ${Math.round(r.events / r.seconds).toLocaleString('en')} events/s`);
    results.push(r);
  }
console.log(
  `\nstore ingest (sample plant: ${base.length} events per site-minute; batches of ${flags.batch})\n`,
);
console.log(table(results));
console.log(
  [
    '',
    'events/s: over the whole ingest() call, the inventory rebuilt at its end included (the target applies to it).',
    '"rebuild s": that rebuild alone (replay every stored row, buildInventory, write the assets), timed again',
    'afterwards on the same rows; "batches ev/s": events / (seconds - rebuild s), the fold and committed batches.',
    `load average (1 min) at start ${startLoad.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)}, on ${cpus().length} CPUs.`,
  ].join('\n'),
);
