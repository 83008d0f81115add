/**
 * `npm run fuzz` — mutation fuzzing of every analyzer in the registry at the analyzer boundary
 * (src/protocols/testing/fuzz.ts; `src/protocols/fuzz.test.ts` is the short run in `npm test`).
 *
 * Seeds: the flows the engine hands each analyzer in ../shared/pcaps (where present), the sample
 * plant and the golden traces of the analyzers' own tests (a child vitest run over
 * src/protocols with the registry wrapped; --no-golden skips it). Then, per analyzer,
 * --iterations mutated flows, each replayed into a fresh instance; heap used after GC is
 * sampled every --iterations / 20 and must not grow more than --heap-bound MiB; a long flow
 * (--long-flow MiB of mutated seeds into one instance) must not retain more than 16 MiB.
 *
 * Flags: --iterations N (default 1 000 000 per analyzer)  --only NAME[,NAME] (a name like `dns`
 * or a label like `dns/tcp`)  --seed N (default: random, printed)  --replay I (with --only: run
 * iteration I alone and print its input and stack)  --no-golden  --long-flow MiB (16)
 * --heap-bound MiB (32).
 * Prints a table per analyzer and the failures (analyzer, iteration, seed, stack, hex dump of the
 * input), writes bench/out/fuzz.json. Exit status 1 on any exception, flood or memory failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  collectGoldenSeeds,
  collectSeeds,
  type FuzzResult,
  fuzzTarget,
  REPO,
  type SerializedFlow,
} from '../src/protocols/testing/fuzz.js';

const MiB = 1 << 20;
const log = (line: string) => console.error(line);

const USAGE =
  'usage: npm run fuzz -- [--iterations 1000000] [--only name[,name]] [--seed N] [--replay I] [--no-golden] [--long-flow 16] [--heap-bound 32]';

class UsageError extends Error {}

function count(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
}

function flags() {
  try {
    return parseArgs({
      options: {
        iterations: { type: 'string' },
        only: { type: 'string' },
        seed: { type: 'string' },
        replay: { type: 'string' },
        'no-golden': { type: 'boolean', default: false },
        'long-flow': { type: 'string' },
        'heap-bound': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function table(results: FuzzResult[]): string {
  const head = [
    'analyzer',
    'seeds',
    'iterations',
    'exceptions',
    'floods',
    'memory',
    'events',
    'anomalies',
    'max ev/flow',
    'peak heap MiB',
    'heap growth MiB',
    'long flow MiB',
    'slowest ms',
    'iterations/s',
  ];
  const body = results.map((r) => [
    r.label,
    r.synthetic ? `${r.seeds} (random)` : String(r.seeds),
    r.iterations.toLocaleString('en-US'),
    String(r.exceptions),
    String(r.floods),
    String(r.memory),
    fmtCount(r.events),
    fmtCount(r.anomalies),
    String(r.maxFlowEvents),
    r.peakHeapMiB.toFixed(1),
    r.heapGrowthMiB.toFixed(1),
    r.longFlowMiB.toFixed(2),
    r.slowestMs.toFixed(1),
    fmtCount(Math.round(r.iterations / r.loopSeconds)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function failures(r: FuzzResult, golden: boolean): string {
  const lines = [`── ${r.label}: ${Object.entries(r.signatures).length} distinct failure(s)`];
  for (const [sig, n] of Object.entries(r.signatures)) lines.push(`   ${n} × ${sig}`);
  for (const f of r.failures) {
    lines.push(
      '',
      `${f.kind} at iteration ${f.iteration} (run seed ${f.runSeed}, iteration seed ${f.seed}; seed flow: ${f.origin})`,
      `  ${f.message}`,
    );
    if (f.stack) lines.push(...f.stack.split('\n').slice(1, 9));
    if (f.input) lines.push(f.input);
    if (f.iteration >= 0 && f.kind !== 'memory')
      lines.push(
        `replay: npm run fuzz -- --only ${f.label} --seed ${f.runSeed} --replay ${f.iteration}${golden ? '' : ' --no-golden'}`,
      );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const v = flags();
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const iterations = count('iterations', v.iterations, 1) ?? 1_000_000;
  const seed = count('seed', v.seed, 0) ?? Math.floor(Math.random() * 0x1_0000_0000);
  const replay = count('replay', v.replay, 0);
  const longFlow = count('long-flow', v['long-flow'], 0) ?? 16;
  const heapBound = count('heap-bound', v['heap-bound'], 1) ?? 32;
  const only = v.only?.split(',').filter((s) => s.length > 0);
  if (replay !== undefined && only === undefined)
    throw new UsageError('--replay needs --only (the analyzer)');
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function')
    log('fuzz: note: run with node --expose-gc (npm run fuzz does) for exact heap figures');

  const started = performance.now();
  let golden: SerializedFlow[] = [];
  // A replay needs the same seeds as the run it repeats: golden traces included unless --no-golden.
  if (!v['no-golden']) {
    log('fuzz: recording the golden traces (the src/protocols tests, with the registry wrapped)…');
    golden = collectGoldenSeeds(log);
  }
  const seeds = await collectSeeds({ extra: golden, log });
  const targets = seeds.targets.filter(
    (t) => only === undefined || only.some((o) => o === t.label || o === t.descriptor.name),
  );
  if (targets.length === 0) throw new UsageError(`--only ${v.only}: no such analyzer in the registry`);
  log(
    `fuzz: seeds from ${seeds.sources.length} sources in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${targets.length} analyzers, ${replay === undefined ? `${iterations.toLocaleString('en-US')} iterations each` : `iteration ${replay} only`}, seed ${seed}`,
  );
  if (seeds.analyzerErrors > 0)
    log(
      `fuzz: the unmutated corpus already made analyzers throw ${seeds.analyzerErrors} times (summary.analyzerErrors)`,
    );

  if (replay !== undefined) {
    let bad = 0;
    for (const t of targets) {
      const r = fuzzTarget(t, { iterations: replay + 1, seed, only: replay, keep: 1 });
      if (r.failures.length === 0) console.log(`${t.label}: iteration ${replay} (seed ${seed}) passes`);
      else {
        bad++;
        console.log(failures(r, !v['no-golden']));
      }
    }
    return bad > 0 ? 1 : 0;
  }

  const results: FuzzResult[] = [];
  for (const t of targets) {
    let last = performance.now();
    const t0 = last;
    const r = fuzzTarget(t, {
      iterations,
      seed,
      heapBoundMiB: heapBound,
      longFlowBytes: longFlow * MiB,
      onProgress: (done) => {
        const now = performance.now();
        if (now - last < 15_000) return;
        last = now;
        log(
          `fuzz: ${t.label} ${done.toLocaleString('en-US')}/${iterations.toLocaleString('en-US')} (${fmtCount(Math.round(done / ((now - t0) / 1000)))}/s)`,
        );
      },
    });
    results.push(r);
    log(
      `fuzz: ${t.label}: ${r.iterations.toLocaleString('en-US')} iterations in ${r.seconds.toFixed(1)} s, ` +
        `${r.exceptions} exceptions, ${r.floods} floods, ${r.memory} memory`,
    );
  }

  const total = results.reduce((a, r) => a + r.exceptions + r.floods + r.memory, 0);
  console.log(
    `\nFuzzing at the analyzer boundary — seed ${seed}, ${iterations.toLocaleString('en-US')} iterations per analyzer, ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s\nseeds from: ${seeds.sources.length} sources (${golden.length} golden-trace flows)\n`,
  );
  console.log(table(results));
  console.log(
    `\n  · peak heap: heap used after a full GC, sampled every ${Math.ceil(iterations / 20).toLocaleString('en-US')} iterations; ` +
      `growth over the run allowed: ${heapBound} MiB. long flow: memory one instance retains after ${longFlow} MiB of mutated seeds (allowed 16 MiB).` +
      `\n  · floods: more than 256 events + 1 per 2 input bytes from one flow, or more than 128 anomalies.`,
  );
  const bad = results.filter((r) => r.failures.length > 0);
  if (bad.length > 0) console.log(`\nFailures\n${bad.map((r) => failures(r, !v['no-golden'])).join('\n\n')}`);
  console.log(`\n${total === 0 ? 'PASS' : 'FAIL'}: ${total} failures`);

  const outDir = join(REPO, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'fuzz.json');
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, seed, iterations, sources: seeds.sources, corpusAnalyzerErrors: seeds.analyzerErrors, results }, null, 2)}\n`,
  );
  console.log(`results: ${jsonPath}`);
  return total > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`fuzz: ${e.message}\n${USAGE}`);
      process.exitCode = 2;
    } else throw e;
  },
);
