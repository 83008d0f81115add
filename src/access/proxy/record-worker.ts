/**
 * The recording worker: its own connection to the gateway database (WAL lets it write beside
 * the main thread's), committing the batches the Recorder posts, so a commit never stalls the
 * proxies' event loop. Answers each batch with its id and whether it was written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { batchWriter, type RecordBatch } from './record-batch.js';

const { dbPath } = workerData as { dbPath: string };
const sqlite = new Database(dbPath);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('busy_timeout = 5000');
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
