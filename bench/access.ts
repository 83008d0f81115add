/**
 * `npm run bench:access` — the access gateway benchmark. A benchmark, not a test: the targets
 * are reported with PASS/FAIL, never asserted.
 *
 * On loopback, each side on its own event loop (worker threads): a minimal Modbus/TCP PLC, a
 * load client, and the gateway in the main thread. Next to the gateway, a bare Node relay in the
 * same thread with the same I/O and nothing else (bare-relay.ts) shows what any Node proxy pays
 * for the two extra hops. It measures
 *   - round-trip latency of Read Holding Registers one at a time, directly and through the
 *     Modbus proxy (plain TCP from an allowed address; mTLS too), with recording on: the
 *     proxy's added p50/p99 (target ≤ 100 µs p99 added);
 *   - requests/s with C connections each one request at a time, for S seconds, directly and
 *     through the proxy (target ≥ 80 % of direct);
 *   - decisions/s through the decision cache (the proxies' path, target ≥ 1 M/s) and through
 *     Cedar alone (no cache).
 * Each figure is the median of R rounds that alternate direct, plain proxy and mTLS proxy.
 *
 * Three parties share the machine's cores: the load client, the PLC and the gateway (with its
 * recording worker). For each throughput run the CPU time of every thread is read from the
 * kernel (thread-cpu.ts) and reported per request, with the time it waited for a core: on two
 * cores the direct run has one busy thread per core and the proxied run three, so requests/s
 * alone cannot say whether the proxy is slow or just outnumbered. `--pin` gives the comparison
 * a deployment would see: client and PLC share core 0 in both runs, the gateway (and every
 * other thread of the process) has core 1 to itself.
 * Flags: --requests N per round (default 5000) --connections C (8) --seconds S per round (1)
 *        --rounds R (5) --decisions N (2000000) --pin --json FILE (also write the figures as JSON).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { authorize } from '../src/access/policy/cedar.js';
import { contextOf, entitiesOf, fixedKey } from '../src/access/policy/decider.js';
import type { AccessRequest, Target } from '../src/access/policy/decision.js';
import { deviceCsr, seedPlant, testGateway } from '../src/access/testing/gateway.js';
import type { ClientTls, ThroughputMessage, WorkerJob } from './access-worker.js';
import { bareRelay } from './bare-relay.js';
import { type Sched, snapshot, split, threadId } from './thread-cpu.js';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    decisions: { type: 'string', default: '2000000' },
    pin: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const REQUESTS = Number(flags.requests);
const CONNECTIONS = Number(flags.connections);
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const DECISIONS = Number(flags.decisions);
/** With --pin: the cores of the load (client, PLC) and of the gateway. */
const LOAD_CPU = flags.pin ? 0 : undefined;
if (flags.pin) execFileSync('taskset', ['-apc', '1', String(process.pid)]);

/** An added latency with its sign: a noisy round can make the proxied figure the lower. */
function signed(us: number): string {
  return `${us < 0 ? '−' : '+'}${Math.abs(us).toFixed(1)}`;
}

function start(job: WorkerJob): Worker {
  // A worker does not inherit `--import tsx`: the bootstrap registers tsx, then loads the TypeScript.
  const url = new URL('./access-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(boot, {
    eval: true,
    workerData: LOAD_CPU === undefined ? job : { ...job, cpu: LOAD_CPU },
  });
}

function run<T>(job: WorkerJob, keep = false): Promise<{ result: T; worker: Worker }> {
  const w = start(job);
  return new Promise((resolve, reject) => {
    w.once('message', (result: T) => {
      if (!keep) void w.terminate();
      resolve({ result, worker: w });
    });
    w.once('error', reject);
  });
}

function pct(xs: Float64Array, p: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function latency(port: number, tls?: ClientTls): Promise<{ p50: number; p99: number }> {
  const { result } = await run<{ rtts: Float64Array }>({
    role: 'latency',
    port,
    requests: REQUESTS,
    warmup: 2000,
    ...(tls ? { tls } : {}),
  });
  return { p50: pct(result.rtts, 50), p99: pct(result.rtts, 99) };
}

/** CPU per request of each party (µs on a core, µs waiting for one). */
type PartyCpu = Record<'client' | 'plc' | 'gateway' | 'other', Sched>;

interface Throughput {
  rps: number;
  cpu: PartyCpu;
  /** The gateway's event loop: active µs per request (includes time preempted while active). */
  busy: number;
}

/** C connections one request at a time for S seconds; the threads' CPU over the same window. */
function throughput(port: number, tls?: ClientTls): Promise<Throughput> {
  const w = start({
    role: 'throughput',
    port,
    connections: CONNECTIONS,
    seconds: SECONDS,
    ...(tls ? { tls } : {}),
  });
  let before = new Map<number, Sched>();
  let client = 0;
  let elu0 = performance.eventLoopUtilization();
  return new Promise((resolve, reject) => {
    w.on('message', (m: ThroughputMessage) => {
      if (m.kind === 'start') {
        client = m.tid;
        before = snapshot();
        elu0 = performance.eventLoopUtilization();
        return;
      }
      const busy = performance.eventLoopUtilization(elu0).active * 1000;
      const s = split(before, snapshot(), { client, plc: plcInfo.tid, gateway: threadId() });
      void w.terminate();
      const n = m.requests;
      const per = (x: Sched): Sched => ({
        run: x.run / 1000 / n,
        wait: x.wait / 1000 / n,
        system: x.system / 1000 / n,
      });
      resolve({
        rps: n / m.seconds,
        cpu: { client: per(s.client!), plc: per(s.plc!), gateway: per(s.gateway!), other: per(s.other) },
        busy: busy / n,
      });
    });
    w.once('error', reject);
  });
}

const load0 = loadavg()[0]!;
const { result: plcInfo, worker: plcWorker } = await run<{ port: number; tid: number }>(
  { role: 'plc' },
  true,
);
const t = await testGateway();
const gw = t.gw;
await seedPlant(gw, { host: '127.0.0.1', port: plcInfo.port });
await gw.policies.set(
  '@id("operators-read") permit (principal in Group::"operators", action in [Action::"connect", Action::"modbus:read"], resource in Zone::"cell1");',
  'anna',
);
const plain = await gw.listenModbus({
  asset: 'plc1',
  port: 0,
  security: { mode: 'plain', allow: [{ source: '127.0.0.1', user: 'otto' }] },
});

// mTLS: the same through a listener that terminates TLS with a client certificate.
const { csrPem, keyPem } = await deviceCsr('otto');
await gw.directory.addDevice({ id: 'otto-pc', user: 'otto', name: 'HMI' }, 'anna');
const cert = await gw.ca.issueClientCert(
  { user: 'otto', device: 'otto-pc', csrPem, mfa: { at: Date.now(), method: 'webauthn' } },
  'anna',
);
const mtls = await gw.listenModbus({ asset: 'plc1', port: 0, security: { mode: 'mtls' } });
const tls: ClientTls = { ca: gw.ca.certPem, cert: cert.pem, key: keyPem };
const bare = await bareRelay({ host: '127.0.0.1', port: plcInfo.port });
const barePort = (bare.address() as { port: number }).port;

// Rounds alternate the contenders, and each figure is the median over the rounds, so a burst
// of load from elsewhere on the machine hits one round of each rather than one contender.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The four contenders, each a port (and TLS for the mTLS listener). */
const CONTENDERS = {
  direct: { port: plcInfo.port, tls: undefined },
  proxy: { port: plain.address().port, tls: undefined },
  mtls: { port: mtls.address().port, tls },
  bare: { port: barePort, tls: undefined },
} as const;
type Contender = keyof typeof CONTENDERS;
const KEYS = Object.keys(CONTENDERS) as Contender[];
type Round = { p50: number; p99: number; rps: number; busy: number; cpu: PartyCpu };
const rounds = Object.fromEntries(KEYS.map((k) => [k, [] as Round[]])) as Record<Contender, Round[]>;
for (let r = 0; r < ROUNDS; r++) {
  const lat = {} as Record<Contender, { p50: number; p99: number }>;
  for (const k of KEYS) lat[k] = await latency(CONTENDERS[k].port, CONTENDERS[k].tls);
  for (const k of KEYS) {
    const t = await throughput(CONTENDERS[k].port, CONTENDERS[k].tls);
    rounds[k].push({ ...lat[k], rps: t.rps, busy: t.busy, cpu: t.cpu });
  }
}
/** A contender's median of one figure over the rounds. */
const med = (k: Contender, f: (r: Round) => number) => median(rounds[k].map(f));
const latencyOf = (k: Contender) => ({ p50: med(k, (r) => r.p50), p99: med(k, (r) => r.p99) });
const direct = latencyOf('direct');
const proxied = latencyOf('proxy');
const tlsLatency = latencyOf('mtls');
const bareLatency = latencyOf('bare');
const directRps = med('direct', (r) => r.rps);
const proxiedRps = med('proxy', (r) => r.rps);
const tlsRps = med('mtls', (r) => r.rps);
const bareRps = med('bare', (r) => r.rps);
const busyPerRequest = med('proxy', (r) => r.busy);
const PARTIES = ['client', 'plc', 'gateway', 'other'] as const;
/** Each party's median over the rounds. */
function medianCpu(k: Contender): PartyCpu {
  const out = {} as PartyCpu;
  for (const p of PARTIES)
    out[p] = {
      run: med(k, (r) => r.cpu[p].run),
      wait: med(k, (r) => r.cpu[p].wait),
      system: med(k, (r) => r.cpu[p].system),
    };
  return out;
}
const dCpu = medianCpu('direct');
const pCpu = medianCpu('proxy');
const tCpu = medianCpu('mtls');
const bCpu = medianCpu('bare');
const total = (c: PartyCpu) => PARTIES.reduce((a, k) => a + c[k].run, 0);

// Decisions: the proxies' path (a session's memo, then the shared cache), the shared cache
// alone (a key built per decision), and Cedar alone on the same request. A poller's handful of
// distinct requests, in turn.
const req: AccessRequest = { user: 'otto', action: 'modbus:read', asset: 'plc1', source: '127.0.0.1' };
const prefix = fixedKey(req);
const targets: Target[] = [0, 10, 20, 100].map((start) => ({
  unit: 1,
  space: 'holding',
  start,
  end: start + 9,
}));
const session = gw.decider.session(req);
function rate(decide: (t: Target) => boolean): number {
  let allowed = 0;
  for (const t of targets) decide(t);
  const t0 = performance.now();
  for (let i = 0; i < DECISIONS; i++) if (decide(targets[i & 3]!)) allowed++;
  const perSec = DECISIONS / ((performance.now() - t0) / 1000);
  if (allowed !== DECISIONS) throw new Error(`cached path allowed ${allowed} of ${DECISIONS}`);
  return perSec;
}
const cachedPerSec = rate((t) => session.check('modbus:read', t).allow);
const sharedPerSec = rate((t) => gw.decider.decideKeyed(prefix, req, 'modbus:read', t).allow);
const target = targets[0]!;
const cedarN = 3000;
const context = contextOf({ ...req, target }, Date.now(), { active: false, id: '' });
const user = gw.directory.user('otto')!;
const asset = gw.directory.asset('plc1')!;
const entities = entitiesOf(user, asset);
const setId = gw.policies.current.setId;
const t0 = performance.now();
for (let i = 0; i < cedarN; i++) {
  const a = authorize(setId, {
    principal: 'otto',
    action: 'modbus:read',
    resource: 'plc1',
    context,
    entities,
  });
  if (!a.ok || !a.allow) throw new Error('Cedar did not allow the benchmark request');
}
const cedarPerSec = cedarN / ((performance.now() - t0) / 1000);

const addedP50 = proxied.p50 - direct.p50;
const addedP99 = proxied.p99 - direct.p99;
const ratio = proxiedRps / directRps;
const rows: [string, string, string, string, string, boolean][] = [
  ['latency p50 (µs)', direct.p50.toFixed(1), proxied.p50.toFixed(1), signed(addedP50), '—', true],
  [
    'latency p99 (µs)',
    direct.p99.toFixed(1),
    proxied.p99.toFixed(1),
    signed(addedP99),
    '≤ +100',
    addedP99 <= 100,
  ],
  [
    'requests/s',
    directRps.toFixed(0),
    proxiedRps.toFixed(0),
    `${(ratio * 100).toFixed(1)} %`,
    '≥ 80 %',
    ratio >= 0.8,
  ],
  [
    'mTLS latency p50 (µs)',
    direct.p50.toFixed(1),
    tlsLatency.p50.toFixed(1),
    signed(tlsLatency.p50 - direct.p50),
    '—',
    true,
  ],
  [
    'mTLS latency p99 (µs)',
    direct.p99.toFixed(1),
    tlsLatency.p99.toFixed(1),
    signed(tlsLatency.p99 - direct.p99),
    '—',
    true,
  ],
  [
    'mTLS requests/s',
    directRps.toFixed(0),
    tlsRps.toFixed(0),
    `${((tlsRps / directRps) * 100).toFixed(1)} %`,
    '—',
    true,
  ],
  [
    'bare Node relay latency p50 | p99 (µs)',
    `${direct.p50.toFixed(1)} | ${direct.p99.toFixed(1)}`,
    `${bareLatency.p50.toFixed(1)} | ${bareLatency.p99.toFixed(1)}`,
    `${signed(bareLatency.p50 - direct.p50)} | ${signed(bareLatency.p99 - direct.p99)}`,
    '—',
    true,
  ],
  [
    'bare Node relay requests/s',
    directRps.toFixed(0),
    bareRps.toFixed(0),
    `${((bareRps / directRps) * 100).toFixed(1)} %`,
    '—',
    true,
  ],
  ['gateway loop active per request, preempted too (µs)', '—', busyPerRequest.toFixed(1), '—', '—', true],
  ['decisions/s, cached (proxy path)', '—', cachedPerSec.toFixed(0), '—', '≥ 1 000 000', cachedPerSec >= 1e6],
  ['decisions/s, shared cache only', '—', sharedPerSec.toFixed(0), '—', '—', true],
  [
    'decisions/s, Cedar alone',
    '—',
    cedarPerSec.toFixed(0),
    `${(1e6 / cedarPerSec).toFixed(0)} µs each`,
    '—',
    true,
  ],
];
const head = ['metric', 'direct', 'via proxy', 'added / ratio', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(
  `Access gateway on loopback: ${REQUESTS} sequential reads; ${CONNECTIONS} connections × ${SECONDS} s; recording on; ${flags.pin ? 'client and PLC pinned to core 0, gateway to core 1' : 'not pinned'}; load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
);
console.log(fmt(head));
for (const r of rows)
  console.log(fmt([r[0], r[1], r[2], r[3], r[4], r[4] === '—' ? '' : r[5] ? 'PASS' : 'FAIL']));

// Who spent the CPU in the throughput runs: µs on a core per request (in the kernel), medians.
const contenders: [string, PartyCpu][] = [
  ['direct', dCpu],
  ['via proxy', pCpu],
  ['mTLS proxy', tCpu],
  ['bare relay', bCpu],
];
const cell = (x: Sched) => `${x.run.toFixed(1)} (${x.system.toFixed(1)})`;
const cpuRows: string[][] = [
  ...PARTIES.map((k) => [
    k === 'other' ? 'other threads (recording, GC)' : k,
    ...contenders.map(([, c]) => cell(c[k])),
  ]),
  ['all', ...contenders.map(([, c]) => total(c).toFixed(1))],
  ['waiting for a core', ...contenders.map(([, c]) => PARTIES.reduce((a, k) => a + c[k].wait, 0).toFixed(1))],
];
const cpuHead = ['CPU per request, µs (kernel)', ...contenders.map(([n]) => n)];
const cpuWidths = cpuHead.map((h, i) => Math.max(h.length, ...cpuRows.map((r) => r[i]!.length)));
console.log();
console.log(cpuHead.map((c, i) => c.padEnd(cpuWidths[i]!)).join('  '));
for (const r of cpuRows) console.log(r.map((c, i) => c.padEnd(cpuWidths[i]!)).join('  '));
if (flags.json !== undefined)
  writeFileSync(
    flags.json,
    JSON.stringify(
      {
        direct,
        proxied,
        directRps,
        proxiedRps,
        tlsLatency,
        tlsRps,
        cachedPerSec,
        sharedPerSec,
        cedarPerSec,
        busyPerRequest,
        bareLatency,
        bareRps,
        cpuPerRequest: { direct: dCpu, proxied: pCpu, tls: tCpu, bare: bCpu },
        pinned: flags.pin,
        requests: REQUESTS,
        connections: CONNECTIONS,
      },
      null,
      2,
    ),
  );

await plain.close();
await mtls.close();
bare.close();
await t.cleanup();
await plcWorker.terminate();
