/**
 * A test client that reads whole protocol messages off a socket (TPKTs, encapsulation
 * messages…), cut by the protocol's measure: each `next()` is the next one, or a refusal when
 * none comes in time or the socket closes.
 */
import type { Socket } from 'node:net';

/** A message's length from its first bytes: > 0, 0 while more are needed, < 0 when invalid. */
export type Measure = (buf: Buffer, off: number, avail: number) => number;

export class FramedClient {
  private rest = Buffer.alloc(0);
  private readonly waiters: ((b: Buffer) => void)[] = [];
  private readonly messages: Buffer[] = [];
  readonly closed: Promise<void>;

  constructor(
    readonly socket: Socket,
    measure: Measure,
  ) {
    this.closed = new Promise((r) => socket.once('close', () => r()));
    socket.on('data', (c: Buffer) => {
      this.rest = Buffer.concat([this.rest, c]);
      for (;;) {
        const len = measure(this.rest, 0, this.rest.length);
        if (len <= 0 || this.rest.length < len) return;
        const m = this.rest.subarray(0, len);
        this.rest = this.rest.subarray(len);
        const w = this.waiters.shift();
        if (w) w(m);
        else this.messages.push(m);
      }
    });
  }

  next(ms = 2000): Promise<Buffer> {
    const m = this.messages.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const waiter = (b: Buffer) => {
        clearTimeout(timer);
        resolve(b);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error('no reply'));
      }, ms);
      this.waiters.push(waiter);
      this.socket.once('close', () => reject(new Error('closed')));
    });
  }
}
