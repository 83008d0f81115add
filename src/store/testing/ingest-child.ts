/**
 * The crash test's victim: ingests `count` flows (each from its own client to one server) in
 * batches of `batch`, saying on stdout how many batches have committed, until it is killed.
 * Usage: node --import tsx ingest-child.ts '<StoreOptions JSON>' <count> <batch>
 */
import type { LineguardEvent } from '../../events/types.js';
import { openStore } from '../index.js';
import type { StoreOptions } from '../types.js';

const SERVER = { ip: '10.0.0.1', mac: '00:80:f4:00:00:01', port: 502 };

function clientIp(i: number): string {
  return `10.${1 + ((i >> 16) & 0xff)}.${(i >> 8) & 0xff}.${i & 0xff}`;
}

const [options, count, batch] = [
  JSON.parse(process.argv[2]!) as StoreOptions,
  Number(process.argv[3]),
  Number(process.argv[4]),
];

async function* events(): AsyncGenerator<LineguardEvent> {
  for (let i = 0; i < count; i++) {
    // Asked for the first event of batch k+1: batches 1..k are committed.
    if (i > 0 && i % batch === 0) process.stdout.write(`committed ${i / batch}\n`);
    yield {
      kind: 'flow.observed',
      client: { ip: clientIp(i), port: 40000 },
      server: SERVER,
      transport: 'tcp',
      app: 'modbus',
      packets: [2, 2],
      bytes: [120, 120],
      first: 1_000 + i,
      last: 2_000 + i,
      source: 'crash',
      ttl: [64, 64],
    };
  }
}

const store = await openStore(options);
await store.ingest(events(), { batchSize: batch });
process.stdout.write('done\n');
await store.close();
