/**
 * Runs one benchmark contender as a child process and measures it: wall time from spawn to
 * exit, and peak RSS. Peak RSS comes from polling /proc/<pid>/status VmHWM every ~20 ms (the
 * high-water mark, so the last reading before exit is right up to the last interval) and, for
 * Node children, from a tiny `--import data:` preload that writes getrusage (maxRSS, CPU time)
 * to fd 3 at exit — exact even for runs shorter than one poll. The larger of the two is kept.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const POLL_MS = 20;
const STDERR_KEEP = 16 * 1024;

/** Preload for Node children: report getrusage on fd 3 when the process exits. */
const EXIT_REPORT =
  "import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();" +
  "try{writeSync(3,JSON.stringify({maxRssKiB:u.maxRSS,userS:u.userCPUTime/1e6,sysS:u.systemCPUTime/1e6})+'\\n')}catch{}});";

/** Node flags that make a Node child report its own getrusage at exit (read by runChild with `report`). */
export const nodeReportFlags: readonly string[] = [
  '--import',
  `data:text/javascript,${encodeURIComponent(EXIT_REPORT)}`,
];

export type ChildReport = { maxRssKiB: number; userS: number; sysS: number };

export type ChildRun = {
  argv: string[];
  wallS: number;
  peakRssKiB: number;
  /** Where peakRssKiB came from. */
  rssFrom: 'getrusage' | 'VmHWM' | 'none';
  /** User + system CPU seconds, when the child reported them. */
  cpuS: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

export type ChildOptions = {
  cwd?: string;
  /** Collect stdout (otherwise it goes to /dev/null). */
  captureStdout?: boolean;
  /** Read a getrusage report from fd 3 (the child must run with nodeReportFlags). */
  report?: boolean;
  /** Pin the child and all its threads to this CPU with taskset. */
  pinCpu?: number | undefined;
};

function readHwmKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // gone already, or not yet
  }
}

function parseReport(text: string): ChildReport | undefined {
  const line = text.trim().split('\n').pop();
  if (!line) return undefined;
  try {
    const r = JSON.parse(line) as Partial<ChildReport>;
    if (typeof r.maxRssKiB === 'number' && typeof r.userS === 'number' && typeof r.sysS === 'number') {
      return { maxRssKiB: r.maxRssKiB, userS: r.userS, sysS: r.sysS };
    }
  } catch {
    // a child that died mid-write: fall back to polling
  }
  return undefined;
}

export function runChild(command: string[], opts: ChildOptions = {}): Promise<ChildRun> {
  const argv = opts.pinCpu === undefined ? command : ['taskset', '-c', String(opts.pinCpu), ...command];
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe', opts.report ? 'pipe' : 'ignore'],
    });
    let wallS = 0;
    let hwm = 0;
    const out: Buffer[] = [];
    let err = '';
    let report = '';
    const poll = () => {
      if (child.pid !== undefined) hwm = Math.max(hwm, readHwmKiB(child.pid));
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.stdio[3]?.on('data', (c: Buffer) => {
      report += c.toString('utf8');
    });
    child.on('exit', () => {
      wallS = (performance.now() - started) / 1000;
      clearInterval(timer);
    });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(new Error(`cannot run ${argv.join(' ')}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      const r = parseReport(report);
      const self = r?.maxRssKiB ?? 0;
      resolvePromise({
        argv,
        wallS,
        peakRssKiB: Math.max(self, hwm),
        rssFrom: self >= hwm && self > 0 ? 'getrusage' : hwm > 0 ? 'VmHWM' : 'none',
        cpuS: r === undefined ? undefined : r.userS + r.sysS,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: err,
      });
    });
  });
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
