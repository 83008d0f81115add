/**
 * The recording worker: its own connection to the gateway database (WAL lets the main thread
 * read while it writes; the two connections' writes take turns, see db/connection.ts),
 * committing the batches the Recorder posts, so a commit never stalls the proxies' event loop.
 * Answers each batch with its id and whether it was written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { configureConnection } from '../db/connection.js';
import { batchWriter, type RecordBatch } from './record-batch.js';

const { dbPath } = workerData as { dbPath: string };
const sqlite = new Database(dbPath);
configureConnection(sqlite);
const write = batchWriter(sqlite);

parentPort!.on('message', (m: { id: number; batch: RecordBatch } | { id: number; close: true }) => {
  if ('close' in m) {
    sqlite.close();
    parentPort!.postMessage({ id: m.id, ok: true });
    return;
  }
  try {
    write(m.batch);
    parentPort!.postMessage({ id: m.id, ok: true });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});
