/**
 * Per-thread CPU accounting for the access benchmark, from Linux's schedstat: how long each
 * thread of this process ran on a core and how long it waited for one (ns). On a machine
 * where the parties outnumber the cores, requests/s alone hides who spent the CPU.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The kernel's id of the calling thread (0 where /proc is missing). */
export function threadId(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return 0;
  }
}

export interface Sched {
  /** ns on a core */
  run: number;
  /** ns runnable but waiting for a core */
  wait: number;
  /** ns of `run` spent in the kernel (system calls: here, mostly loopback TCP), at clock-tick resolution */
  system: number;
}

/** Linux's USER_HZ: /proc reports user and system time in these ticks. */
const TICK_NS = 1e9 / 100;

/** Every thread of this process: its schedstat now. Empty where /proc is missing. */
export function snapshot(): Map<number, Sched> {
  const out = new Map<number, Sched>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ');
      // Fields after the command name (which may hold spaces): state is 3rd, stime the 15th.
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const stime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]);
      out.set(Number(t), { run: Number(run), wait: Number(wait), system: stime * TICK_NS });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU between two snapshots, split by the named threads; everything else in `other`. */
export function split(
  before: Map<number, Sched>,
  after: Map<number, Sched>,
  named: Record<string, number>,
): Record<string, Sched> & { other: Sched } {
  const byTid = new Map(Object.entries(named).map(([k, tid]) => [tid, k]));
  const out: Record<string, Sched> = { other: { run: 0, wait: 0, system: 0 } };
  for (const k of Object.keys(named)) out[k] = { run: 0, wait: 0, system: 0 };
  for (const [tid, a] of after) {
    const b = before.get(tid);
    if (b === undefined) continue;
    const s = out[byTid.get(tid) ?? 'other']!;
    s.run += a.run - b.run;
    s.wait += a.wait - b.wait;
    s.system += a.system - b.system;
  }
  return out as Record<string, Sched> & { other: Sched };
}
