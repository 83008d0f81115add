/**
 * `npm run bench` — the capture benchmark. A benchmark, not a test: speed is compared with a
 * reference measured in the same run, as a ratio, and the targets are reported, never asserted.
 *
 * Builds a capture of --mb MiB (default 1024: at least the 200 MB asked, and long enough that
 * Node's ~0.05 s start-up does not dominate the end-to-end rate) from ../shared/pcaps/bench (build-capture.ts), then
 * runs, one at a time, each contender as a child process on the same file:
 *   1. the bare read loop (bare-read.ts): a reused 1 MiB buffer and record-header reads;
 *   2. (a) `node dist/cli/main.js analyze --json --no-analyzers --threads 1 FILE` (with the Node
 *      flags of the CLI's shebang line, as the installed `lineguard` runs): decode + flows +
 *      reassembly on one thread and core (targets: ≥ 8 M packets/s, peak RSS ≤ 150 MiB);
 *   3. (b) the same with `--threads 1` only: every analyzer of the registry and the asset
 *      inventory, one thread and core (targets: ≥ 5 M packets/s, peak RSS ≤ 150 MiB);
 *   4. (c) `… analyze --json FILE`: as a user runs it, one thread per core on every core
 *      (same targets);
 *   5. `tshark -r FILE -T fields -e ip.src -e ip.dst -e tcp.dstport > /dev/null`, on the first
 *      --tshark-mb MiB (default 20) of the same capture, since it does ~37 k packets/s.
 * It also runs (b) on a --small-mb MiB (default 10) prefix, to set peak RSS against the size of
 * the inventory (the capture's repetitions carry new addresses, so assets grow with the file). Prints a table (rates also as ratios to the bare loop and to tshark) and the
 * contenders' targets, and writes bench/out/capture.json.
 *
 * Flags: --mb N  --tshark-mb N  --small-mb N  --skip-tshark  --repeat N (best of N for the bare
 * loop, (a), (b) and (c); default 3)  --no-pin (do not pin contenders to one CPU with taskset).
 * Exit status: 0, also when a target is missed; 1 when a contender fails or counts disagree.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BareReadResult } from './bare-read.js';
import {
  type BuiltCapture,
  benchOutDir,
  benchSourceDir,
  buildCapture,
  CaptureInputError,
  MiB,
  repoRoot,
} from './build-capture.js';
import { type ChildRun, findOnPath, nodeReportFlags, runChild } from './child.js';

/**
 * The `lineguard analyze` contenders, each with its targets. (a) and (b) run on one thread
 * pinned to one core; (c) is the command as a user runs it: its default of one thread per
 * core (parallel.ts), on every core of the machine.
 */
const CONTENDERS = [
  {
    key: 'decode',
    contender: '(a) lineguard analyze --no-analyzers --threads 1',
    what: 'decode + flows + reassembly',
    args: ['--no-analyzers', '--threads', '1'],
    pinned: true,
    targetPps: 8_000_000,
    targetRssMiB: 150,
  },
  {
    key: 'analyzers',
    contender: '(b) lineguard analyze --threads 1',
    what: 'every analyzer + the inventory, one thread',
    args: ['--threads', '1'],
    pinned: true,
    targetPps: 5_000_000,
    targetRssMiB: 150,
  },
  {
    key: 'parallel',
    contender: '(c) lineguard analyze',
    what: 'every analyzer + the inventory, default threads',
    args: [],
    pinned: false,
    targetPps: 5_000_000,
    targetRssMiB: 150,
  },
] as const;
type ContenderKey = (typeof CONTENDERS)[number]['key'];
/** The issue's reference figures on this machine, for the ratio each target stands for. */
const ISSUE_BARE_PPS = 33_000_000;

type Row = {
  contender: string;
  command: string;
  file: string;
  fileBytes: number;
  packets: number | undefined;
  seconds: number | undefined;
  packetsPerSecond: number | undefined;
  mibPerSecond: number | undefined;
  peakRssMiB: number | undefined;
  cpuSeconds: number | undefined;
  runs: number;
  /** Only there for the memory-scaling check (its rate is mostly start-up): no ratio. */
  scalingOnly?: boolean;
  note?: string;
  error?: string;
};

const log = (line: string) => console.error(line);
const problems: string[] = [];

function parseCount(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
}

/** Compiles bare-read.ts to plain JS (tsc from devDependencies) so its timing carries no TS loader. */
function bareReadCommand(): { argv: string[]; note?: string } {
  const outDir = join(benchOutDir, 'js');
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const src = join(repoRoot, 'bench', 'bare-read.ts');
  const r = spawnSync(
    tsc,
    ['--ignoreConfig', src, '--outDir', outDir, '--module', 'nodenext', '--target', 'es2023'].concat([
      '--types',
      'node',
      '--strict',
      '--skipLibCheck',
    ]),
    { cwd: repoRoot, encoding: 'utf8' },
  );
  const js = join(outDir, 'bare-read.js');
  if (r.status === 0 && existsSync(js)) return { argv: [process.execPath, ...nodeReportFlags, js] };
  log(`bench: compiling bare-read.ts failed, timing it under tsx instead:\n${r.stdout}${r.stderr}`);
  return {
    argv: [process.execPath, '--import', 'tsx', ...nodeReportFlags, src],
    note: 'ran under tsx (compiling to JS failed), so its time includes the TS loader',
  };
}

/**
 * The Node flags on the CLI's `#!/usr/bin/env -S node …` line, so that `node dist/cli/main.js`
 * here runs as the installed `lineguard` command does.
 */
function shebangNodeFlags(path: string): string[] {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(256);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const first = head.toString('utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env(?: -S)? node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  if (!m) throw new Error(`${path}: unexpected first line ${JSON.stringify(first)}`);
  return m[1]!
    .trim()
    .split(' ')
    .filter((f) => f !== '');
}

/** Reads a file once so every contender starts with it in the page cache. */
function warm(path: string): void {
  const buf = Buffer.allocUnsafe(MiB);
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0) {}
  } finally {
    closeSync(fd);
  }
}

function ensureTshark(): string | undefined {
  const found = findOnPath('tshark');
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', 'tshark'], { env, stdio: ['ignore', 2, 2] }).status === 0;
  log('bench: tshark is missing; installing it from Debian (apt-get install -y tshark)');
  if (!install()) {
    log('bench: install failed; running apt-get update and trying again');
    spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 2, 2] });
    install();
  }
  return findOnPath('tshark');
}

function failure(run: ChildRun): string | undefined {
  if (run.code === 0) return undefined;
  const why = run.signal ? `killed by ${run.signal}` : `exit status ${run.code}`;
  const tail = run.stderr.trim().split('\n').slice(-5).join('\n    ');
  return `${why}${tail ? `:\n    ${tail}` : ''}`;
}

/** Best (shortest) of the runs for time; the largest peak RSS of all of them. */
function best(runs: ChildRun[]): { run: ChildRun; peakRssKiB: number } {
  const fastest = runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  return { run: fastest, peakRssKiB: Math.max(...runs.map((r) => r.peakRssKiB)) };
}

function row(
  contender: string,
  cap: BuiltCapture,
  runs: ChildRun[],
  packets: number | undefined,
  extra: { note?: string; error?: string } = {},
): Row {
  const { run, peakRssKiB } = best(runs);
  const ok = extra.error === undefined;
  return {
    contender,
    command: run.argv.map((a) => (a.startsWith('data:') ? '<getrusage-at-exit preload>' : a)).join(' '),
    file: cap.path,
    fileBytes: cap.bytes,
    packets,
    seconds: ok ? run.wallS : undefined,
    packetsPerSecond: ok && packets !== undefined ? packets / run.wallS : undefined,
    mibPerSecond: ok ? cap.bytes / MiB / run.wallS : undefined,
    peakRssMiB: ok ? peakRssKiB / 1024 : undefined,
    cpuSeconds: ok ? run.cpuS : undefined,
    runs: runs.length,
    ...extra,
  };
}

function missingRow(contender: string, cap: BuiltCapture, error: string): Row {
  return {
    contender,
    command: '',
    file: cap.path,
    fileBytes: cap.bytes,
    packets: undefined,
    seconds: undefined,
    packetsPerSecond: undefined,
    mibPerSecond: undefined,
    peakRssMiB: undefined,
    cpuSeconds: undefined,
    runs: 0,
    error,
  };
}

function fmtRate(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}

const fmt = (n: number | undefined, digits: number): string => (n === undefined ? '—' : n.toFixed(digits));

function table(rows: Row[], barePps: number | undefined, tsharkPps: number | undefined): string {
  const ratio = (r: Row, to: number | undefined) =>
    r.packetsPerSecond === undefined || to === undefined || r.scalingOnly
      ? '—'
      : (r.packetsPerSecond / to).toPrecision(3);
  const head = [
    'contender',
    'packets',
    'MiB',
    'seconds',
    'packets/s',
    'MiB/s',
    'peak RSS MiB',
    'CPU s',
    'pkt/s ÷ bare loop',
    'pkt/s ÷ tshark',
  ];
  const body = rows.map((r) => [
    r.contender,
    r.packets === undefined ? '—' : r.packets.toLocaleString('en-US'),
    (r.fileBytes / MiB).toFixed(1),
    fmt(r.seconds, 3),
    fmtRate(r.packetsPerSecond),
    fmt(r.mibPerSecond, 0),
    fmt(r.peakRssMiB, 1),
    fmt(r.cpuSeconds, 3),
    ratio(r, barePps),
    ratio(r, tsharkPps),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const USAGE =
  'usage: npm run bench -- [--mb 1024] [--tshark-mb 20] [--small-mb 10] [--skip-tshark] [--repeat 3] [--no-pin]';

/** A bad command-line flag: reported with the usage line, exit status 2. */
class UsageError extends Error {}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        mb: { type: 'string', default: '1024' },
        'tshark-mb': { type: 'string', default: '20' },
        'small-mb': { type: 'string', default: '10' },
        'skip-tshark': { type: 'boolean', default: false },
        repeat: { type: 'string', default: '3' },
        'no-pin': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

async function main(): Promise<number> {
  const { values } = parseFlags();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const mb = parseCount('mb', values.mb, 1);
  const tsharkMb = parseCount('tshark-mb', values['tshark-mb'], 1);
  const smallMb = parseCount('small-mb', values['small-mb'], 1);
  const repeat = parseCount('repeat', values.repeat, 1);

  if (!existsSync(benchSourceDir)) {
    console.log(
      `bench: ${benchSourceDir} is absent, so there is no capture to build; skipped (benchmarks are not tests).`,
    );
    return 0;
  }
  if (mb < 200) log(`bench: note: --mb ${mb} is below the ≥ 200 MB the capture benchmark is specified for`);
  mkdirSync(benchOutDir, { recursive: true });

  const build = (size: number): BuiltCapture => {
    const c = buildCapture(size, { log });
    log(
      `bench: ${c.path}: ${c.packets.toLocaleString('en-US')} packets, ${(c.bytes / MiB).toFixed(1)} MiB` +
        (c.reused ? ' (reused)' : ` (built in ${c.seconds.toFixed(2)} s)`),
    );
    return c;
  };
  const full = build(mb);
  const small = build(smallMb);
  const tsharkPath = values['skip-tshark'] ? undefined : ensureTshark();
  const prefix = tsharkPath === undefined ? undefined : build(tsharkMb);

  const taskset = findOnPath('taskset');
  const pinCpu = values['no-pin'] || taskset === undefined ? undefined : cpus().length - 1;
  const bare = bareReadCommand();
  const cli = join(repoRoot, 'dist', 'cli', 'main.js');
  const haveCli = existsSync(cli);
  if (!haveCli) log(`bench: ${cli} does not exist (run npm run build); lineguard is reported as missing`);
  for (const c of [full, small, prefix]) if (c) warm(c.path);

  const startup = [];
  for (let i = 0; i < 3; i++) startup.push(await runChild([process.execPath, '-e', '0'], { pinCpu }));
  const nodeStartupS = best(startup).run.wallS;
  const nodeBaseRssMiB = best(startup).peakRssKiB / 1024;

  const cliFlags = haveCli ? shebangNodeFlags(cli) : [];
  const lineguardArgv = (args: readonly string[], file: string) => [
    process.execPath,
    ...cliFlags,
    ...nodeReportFlags,
    cli,
    'analyze',
    '--json',
    ...args,
    file,
  ];
  const bareRuns: ChildRun[] = [];
  const lgRuns: Record<ContenderKey, ChildRun[]> = { decode: [], analyzers: [], parallel: [] };
  const lgSmallRuns: ChildRun[] = [];
  const analyzersArgs = CONTENDERS.find((c) => c.key === 'analyzers')!.args;
  for (let i = 0; i < repeat; i++) {
    log(
      `bench: run ${i + 1}/${repeat}: bare read loop${haveCli ? `, (a), (b) and (c) on ${mb} MiB, (b) on ${smallMb} MiB` : ''}`,
    );
    bareRuns.push(await runChild([...bare.argv, full.path], { captureStdout: true, report: true, pinCpu }));
    if (!haveCli) continue;
    for (const c of CONTENDERS) {
      lgRuns[c.key].push(
        await runChild(lineguardArgv(c.args, full.path), {
          captureStdout: true,
          report: true,
          pinCpu: c.pinned ? pinCpu : undefined,
        }),
      );
    }
    lgSmallRuns.push(
      await runChild(lineguardArgv(analyzersArgs, small.path), { captureStdout: true, report: true, pinCpu }),
    );
  }

  // ── bare loop ──
  const bareBest = best(bareRuns).run;
  let bareResult: BareReadResult | undefined;
  const bareError = failure(bareBest);
  if (bareError === undefined) bareResult = JSON.parse(bareBest.stdout) as BareReadResult;
  const bareRow = row('bare read loop', full, bareRuns, bareResult?.packets, {
    ...(bare.note ? { note: bare.note } : {}),
    ...(bareError ? { error: bareError } : {}),
  });
  if (bareError) problems.push(`bare read loop failed: ${bareError}`);
  else if (bareResult && bareResult.packets !== full.packets) {
    problems.push(`bare read loop counted ${bareResult.packets} packets, the builder wrote ${full.packets}`);
  }

  // ── lineguard: (a), (b) and (c) ──
  const summaryOf = (
    run: ChildRun,
  ): { packets: number; bytes: number; assets?: number; threads?: number; error?: string } => {
    const error = failure(run);
    if (error) return { packets: 0, bytes: 0, error };
    try {
      const s = JSON.parse(run.stdout) as {
        packets?: unknown;
        bytes?: unknown;
        assets?: unknown;
        threads?: unknown;
      };
      if (typeof s.packets === 'number' && typeof s.bytes === 'number')
        return {
          packets: s.packets,
          bytes: s.bytes,
          ...(Array.isArray(s.assets) ? { assets: s.assets.length } : {}),
          ...(typeof s.threads === 'number' ? { threads: s.threads } : {}),
        };
      return {
        packets: 0,
        bytes: 0,
        error: 'its --json output has no numeric top-level "packets" and "bytes"',
      };
    } catch {
      return { packets: 0, bytes: 0, error: `its --json output is not JSON: ${run.stdout.slice(0, 120)}` };
    }
  };
  const lgRows = {} as Record<ContenderKey, Row>;
  for (const c of CONTENDERS) {
    if (!haveCli) {
      lgRows[c.key] = missingRow(c.contender, full, 'dist/cli/main.js is not built');
      continue;
    }
    const s = summaryOf(best(lgRuns[c.key]).run);
    lgRows[c.key] = row(c.contender, full, lgRuns[c.key], s.error ? undefined : s.packets, {
      ...(s.error ? { error: s.error } : {}),
      ...(s.assets !== undefined || s.threads !== undefined
        ? {
            note: [
              s.threads === undefined ? '' : `${s.threads} thread${s.threads === 1 ? '' : 's'}`,
              s.assets === undefined ? '' : `${s.assets.toLocaleString('en-US')} assets in its inventory`,
            ]
              .filter((t) => t !== '')
              .join(', '),
          }
        : {}),
    });
    if (s.error) {
      problems.push(`${c.contender} failed on ${full.path}: ${s.error}`);
      continue;
    }
    if (s.packets !== full.packets) {
      problems.push(
        `${c.contender} counted ${s.packets} packets, the bare loop and the builder ${full.packets}`,
      );
    }
    if (
      bareResult &&
      s.bytes !== bareResult.bytes &&
      s.bytes !== bareResult.origBytes &&
      s.bytes !== full.bytes
    ) {
      log(
        `bench: note: ${c.contender} reports ${s.bytes} bytes; captured ${bareResult.bytes}, on the wire ${bareResult.origBytes}, file ${full.bytes}`,
      );
    }
  }
  const smallContender = `${CONTENDERS.find((c) => c.key === 'analyzers')!.contender} (${smallMb} MiB)`;
  let lgSmallRow: Row | undefined;
  let smallAssets: number | undefined;
  if (haveCli) {
    const ss = summaryOf(best(lgSmallRuns).run);
    smallAssets = ss.assets;
    lgSmallRow = row(
      smallContender,
      small,
      lgSmallRuns,
      ss.error ? undefined : ss.packets,
      ss.error ? { error: ss.error } : {},
    );
    lgSmallRow.scalingOnly = true;
    if (ss.error) problems.push(`${smallContender} failed on ${small.path}: ${ss.error}`);
    else if (ss.packets !== small.packets) {
      problems.push(
        `${smallContender} counted ${ss.packets} packets in ${small.path}, the builder wrote ${small.packets}`,
      );
    }
  }

  // ── tshark ──
  let tsharkRow: Row | undefined;
  if (prefix && tsharkPath) {
    log(`bench: tshark on the first ${tsharkMb} MiB (${prefix.packets.toLocaleString('en-US')} packets)…`);
    const argv = [
      tsharkPath,
      '-r',
      prefix.path,
      '-T',
      'fields',
      '-e',
      'ip.src',
      '-e',
      'ip.dst',
      '-e',
      'tcp.dstport',
    ];
    const run = await runChild(argv, { pinCpu });
    const error = failure(run);
    if (error) problems.push(`tshark failed: ${error}`);
    tsharkRow = row(`tshark (first ${tsharkMb} MiB)`, prefix, [run], prefix.packets, {
      note: `run on the first ${tsharkMb} MiB of the capture (--tshark-mb), not the whole file; packets counted by the builder`,
      ...(error ? { error } : {}),
    });
  }

  // ── report ──
  const rows = [
    bareRow,
    lgRows.decode,
    lgRows.analyzers,
    lgRows.parallel,
    ...(lgSmallRow ? [lgSmallRow] : []),
    ...(tsharkRow ? [tsharkRow] : []),
  ];
  console.log(
    `\nCapture benchmark — ${full.path} (${(full.bytes / MiB).toFixed(1)} MiB, ${full.packets.toLocaleString('en-US')} packets)\n`,
  );
  const barePps = bareRow.packetsPerSecond;
  console.log(table(rows, barePps, tsharkRow?.error ? undefined : tsharkRow?.packetsPerSecond));
  const bareLoopPps = bareResult ? bareResult.packets / bareResult.seconds : undefined;
  // Throughput without the fixed start-up cost: the extra packets of the full run over its extra time.
  const fullB = lgRows.analyzers;
  const marginalPps =
    fullB.packets !== undefined &&
    fullB.seconds !== undefined &&
    lgSmallRow?.packets !== undefined &&
    lgSmallRow.seconds !== undefined &&
    fullB.seconds > lgSmallRow.seconds
      ? (fullB.packets - lgSmallRow.packets) / (fullB.seconds - lgSmallRow.seconds)
      : undefined;
  const notes = [
    `seconds: wall time of the child process from spawn to exit, Node start-up included (\`node -e 0\`: ${nodeStartupS.toFixed(3)} s); bare loop, (a), (b) and (c) best of ${repeat}.`,
    `peak RSS: the largest of getrusage maxRSS (reported at exit by a --import preload in Node children) and /proc/<pid>/status VmHWM polled every 20 ms, over all runs; \`node -e 0\` alone peaks at ${nodeBaseRssMiB.toFixed(1)} MiB.`,
    pinCpu === undefined
      ? 'contenders were not pinned to a CPU (--no-pin or no taskset): Node may use a second core for GC and compilation.'
      : `every contender but (c) ran pinned to CPU ${pinCpu} with taskset, all its threads included: one core; (c) had all ${cpus().length} cores.`,
    "pkt/s ÷ bare loop and ÷ tshark: each row's packets/s over the bare loop's and over tshark's (tshark on its prefix).",
    ...(bareLoopPps && bareResult
      ? [
          `bare loop inside its own loop (no start-up): ${bareResult.seconds.toFixed(3)} s, ${fmtRate(bareLoopPps)} packets/s.`,
        ]
      : []),
    ...(marginalPps === undefined || lgSmallRow?.seconds === undefined
      ? []
      : [
          `(b) past start-up (the ${mb} MiB run minus the ${smallMb} MiB one): ${fmtRate(marginalPps)} packets/s; ` +
            `its fixed cost is at most the ${smallMb} MiB run's ${lgSmallRow.seconds.toFixed(3)} s.`,
        ]),
    ...rows.filter((r) => r.note).map((r) => `${r.contender}: ${r.note}.`),
    ...rows.filter((r) => r.error).map((r) => `${r.contender}: FAILED — ${r.error}`),
  ];
  console.log(`\n${notes.map((n) => `  · ${n}`).join('\n')}`);

  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
  const targets = {} as Record<ContenderKey, Record<string, unknown>>;
  for (const c of CONTENDERS) {
    const r = lgRows[c.key];
    const pps = r.packetsPerSecond;
    const ppsOk = pps === undefined ? undefined : pps >= c.targetPps;
    const rssOk = r.peakRssMiB === undefined ? undefined : r.peakRssMiB <= c.targetRssMiB;
    const vsBare = pps !== undefined && barePps !== undefined ? pps / barePps : undefined;
    console.log(`\nTargets ${c.contender}: ${c.what}, end to end`);
    console.log(
      `  ${verdict(ppsOk)}  ≥ ${fmtRate(c.targetPps)} packets/s ${c.pinned && pinCpu !== undefined ? 'on one core' : `on ${cpus().length} cores`}: ${fmtRate(pps)} packets/s` +
        (vsBare === undefined
          ? ''
          : ` = ${vsBare.toFixed(3)} × the bare loop in this run (the issue's ${fmtRate(c.targetPps)} vs its ${fmtRate(ISSUE_BARE_PPS)} reference is ${(c.targetPps / ISSUE_BARE_PPS).toFixed(3)} ×)`),
    );
    console.log(`  ${verdict(rssOk)}  peak RSS ≤ ${c.targetRssMiB} MiB: ${fmt(r.peakRssMiB, 1)} MiB`);
    targets[c.key] = {
      contender: c.contender,
      what: c.what,
      command: r.command,
      packetsPerSecond: {
        target: c.targetPps,
        value: pps ?? null,
        verdict: verdict(ppsOk),
        ratioToBare: vsBare ?? null,
      },
      peakRssMiB: { target: c.targetRssMiB, value: r.peakRssMiB ?? null, verdict: verdict(rssOk) },
    };
  }
  // The capture repeats its traffic with new addresses, so its inventory grows with its size:
  // peak RSS is set against the assets held, not the bytes read.
  const smallRss = lgSmallRow?.peakRssMiB;
  const fullAssets = summaryOf(best(lgRuns.analyzers).run).assets;
  const perAssetKiB =
    smallRss !== undefined &&
    fullB.peakRssMiB !== undefined &&
    smallAssets !== undefined &&
    fullAssets !== undefined &&
    fullAssets > smallAssets
      ? ((fullB.peakRssMiB - smallRss) * 1024) / (fullAssets - smallAssets)
      : undefined;
  console.log(
    `\nPeak RSS of (b) against the inventory: ${fmt(smallRss, 1)} MiB on ${smallMb} MiB (${smallAssets ?? '?'} assets), ` +
      `${fmt(fullB.peakRssMiB, 1)} MiB on ${mb} MiB (${fullAssets ?? '?'} assets): ${fmt(perAssetKiB, 1)} KiB per further asset`,
  );
  targets.analyzers.pastStartUpPacketsPerSecond = marginalPps ?? null;
  targets.analyzers.rssScaling = {
    smallMb,
    smallRssMiB: smallRss ?? null,
    smallAssets: smallAssets ?? null,
    fullMb: mb,
    fullRssMiB: fullB.peakRssMiB ?? null,
    fullAssets: fullAssets ?? null,
    kibPerAsset: perAssetKiB ?? null,
  };
  if (problems.length > 0) console.log(`\nProblems\n${problems.map((p) => `  · ${p}`).join('\n')}`);

  const jsonPath = join(benchOutDir, 'capture.json');
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    pinnedCpu: pinCpu ?? null,
    nodeStartupSeconds: nodeStartupS,
    nodeBaseRssMiB,
    repeat,
    capture: { path: full.path, bytes: full.bytes, packets: full.packets, mb },
    bareLoopInternal: bareResult ?? null,
    rows,
    targets,
    problems,
  };
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults: ${jsonPath}`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`bench: ${e.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (e instanceof CaptureInputError) {
      console.error(`bench: ${e.message}`);
      process.exitCode = 1;
    } else throw e;
  },
);
