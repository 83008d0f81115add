/**
 * One worker lane of a parallel analysis (parallel.ts): reads the same files as the calling
 * thread, analyses its own lane with an engine of its own, posts the events in batches and its
 * counters and hosts at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LineguardEvent } from '../events/types.js';
import { analyzers as registry, registryKey } from '../protocols/registry.js';
import { Engine } from './engine.js';
import { LaneFilter, type LaneJob, type LaneMessage } from './parallel.js';
import { readInputs } from './read-inputs.js';

/** Events per message: few enough to keep the calling thread's inventory current. */
const BATCH = 512;

const job = workerData as LaneJob;
const port = parentPort!;
const post = (m: LaneMessage) => port.postMessage(m);
const byKey = new Map(registry.map((a) => [registryKey(a), a]));
const engine = new Engine({
  ...job.engine,
  source: job.initialSource,
  analyzers: job.analyzers.map((k) => byKey.get(k)!),
});
let batch: LineguardEvent[] = [];
const flush = () => {
  if (batch.length === 0) return;
  post({ kind: 'events', events: batch });
  batch = [];
};
engine.onEvent({
  emit: (e) => {
    if (batch.push(e) >= BATCH) flush();
  },
});
const reports = await readInputs(job.inputs, new LaneFilter(engine, job.lane, job.lanes), {
  source: job.source,
});
engine.finish();
flush();
post({ kind: 'done', stats: engine.stats, hosts: engine.hosts.share(), reports });
