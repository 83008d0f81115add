/**
 * Worker threads of the access benchmark (bench/access.ts), each on its own event loop:
 * `plc` — a minimal Modbus/TCP server answering Read Holding Registers (and exception 01 to
 * anything else) as fast as a loopback socket allows; `load` — a client that measures
 * round trips one at a time (latency) or keeps C connections busy for a while (throughput).
 * Each reports its thread id so the main thread can read its CPU time (thread-cpu.ts), and
 * with `cpu` set pins itself to that core first.
 */
import { execFileSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { threadId } from './thread-cpu.js';

/** A client certificate for an mTLS listener. */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

export type WorkerJob = { cpu?: number } & (
  | { role: 'plc' }
  | { role: 'latency'; port: number; requests: number; warmup: number; tls?: ClientTls }
  | { role: 'throughput'; port: number; connections: number; seconds: number; tls?: ClientTls }
);

/** A throughput worker's messages: its thread as the measured window opens, then the count. */
export type ThroughputMessage =
  | { kind: 'start'; tid: number }
  | { kind: 'done'; requests: number; seconds: number };

export interface LatencyResult {
  rtts: Float64Array;
}

const job = workerData as WorkerJob;

function plc(): void {
  const server = createServer((s) => {
    s.setNoDelay(true);
    let rest: Buffer | null = null;
    s.on('data', (chunk: Buffer) => {
      const buf = rest === null ? chunk : Buffer.concat([rest, chunk]);
      rest = null;
      let off = 0;
      const out: Buffer[] = [];
      while (buf.length - off >= 8) {
        const total = 6 + buf.readUInt16BE(off + 4);
        if (buf.length - off < total) break;
        const fc = buf[off + 7]!;
        if (fc === 3) {
          const q = buf.readUInt16BE(off + 10);
          const r = Buffer.alloc(9 + 2 * q);
          buf.copy(r, 0, off, off + 4);
          r.writeUInt16BE(3 + 2 * q, 4);
          r[6] = buf[off + 6]!;
          r[7] = 3;
          r[8] = 2 * q;
          out.push(r);
        } else {
          const r = Buffer.alloc(9);
          buf.copy(r, 0, off, off + 4);
          r.writeUInt16BE(3, 4);
          r[6] = buf[off + 6]!;
          r[7] = fc | 0x80;
          r[8] = 1;
          out.push(r);
        }
        off += total;
      }
      if (out.length > 0) s.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      if (off < buf.length) rest = Buffer.from(buf.subarray(off));
    });
    s.on('error', () => s.destroy());
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    parentPort!.postMessage({ port: typeof a === 'object' && a !== null ? a.port : 0, tid: threadId() });
  });
}

/** Read 10 holding registers from 0, transaction id `tid`. */
function readRequest(tid: number): Buffer {
  const b = Buffer.from([0, 0, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10]);
  b.writeUInt16BE(tid & 0xffff, 0);
  return b;
}

/** A client that sends one request and resolves when its whole response is in. */
class Client {
  private rest: Buffer | null = null;
  private waiting: (() => void) | null = null;
  private failing: ((e: Error) => void) | null = null;
  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('close', () => this.failing?.(new Error('connection closed')));
    socket.on('data', (chunk: Buffer) => {
      const buf = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
      this.rest = null;
      if (buf.length >= 6 && buf.length >= 6 + buf.readUInt16BE(4)) {
        const w = this.waiting;
        this.waiting = null;
        this.failing = null;
        w?.();
      } else this.rest = buf;
    });
  }
  static open(port: number, tls?: ClientTls): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s =
        tls === undefined
          ? connect({ host: '127.0.0.1', port }, () => resolve(new Client(s)))
          : tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ...tls }, () =>
              resolve(new Client(s)),
            );
      s.once('error', reject);
    });
  }
  request(tid: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failing = reject;
      this.socket.write(readRequest(tid));
    });
  }
}

async function latency(port: number, requests: number, warmup: number, tls?: ClientTls): Promise<void> {
  const c = await Client.open(port, tls);
  for (let i = 0; i < warmup; i++) await c.request(i);
  const rtts = new Float64Array(requests);
  for (let i = 0; i < requests; i++) {
    const t0 = process.hrtime.bigint();
    await c.request(i);
    rtts[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  c.socket.destroy();
  parentPort!.postMessage({ rtts }, [rtts.buffer]);
}

async function throughput(
  port: number,
  connections: number,
  seconds: number,
  tls?: ClientTls,
): Promise<void> {
  const clients = await Promise.all(Array.from({ length: connections }, () => Client.open(port, tls)));
  parentPort!.postMessage({ kind: 'start', tid: threadId() } satisfies ThroughputMessage);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    clients.map(async (c) => {
      let tid = 0;
      while (performance.now() < end) {
        await c.request(tid++);
        done++;
      }
    }),
  );
  for (const c of clients) c.socket.destroy();
  parentPort!.postMessage({ kind: 'done', requests: done, seconds } satisfies ThroughputMessage);
}

if (job.cpu !== undefined) execFileSync('taskset', ['-pc', String(job.cpu), String(threadId())]);
if (job.role === 'plc') plc();
else if (job.role === 'latency') void latency(job.port, job.requests, job.warmup, job.tls);
else void throughput(job.port, job.connections, job.seconds, job.tls);
