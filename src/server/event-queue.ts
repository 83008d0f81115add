/**
 * A bounded hand-over from the capture engine (which emits events synchronously) to the
 * store's ingest (which pulls an async iterable). The producer waits for `room()` before
 * reading more bytes, so a slow database slows the upload instead of filling memory.
 */
import type { LineguardEvent } from '../events/types.js';

export class EventQueue implements AsyncIterable<LineguardEvent> {
  private buf: LineguardEvent[] = [];
  private head = 0;
  private ended = false;
  private failure: Error | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(
    /** The producer pauses above this many queued events. */
    private readonly highWater = 50_000,
  ) {}

  get size(): number {
    return this.buf.length - this.head;
  }

  push(e: LineguardEvent): void {
    if (this.ended) return;
    this.buf.push(e);
    this.wake('consumer');
  }

  /** Resolves once the consumer has taken the queue below the high-water mark. */
  room(): Promise<void> {
    if (this.size < this.highWater || this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeProducer = resolve;
    });
  }

  /** No more events; with `error`, the consumer's iteration throws it after the last one. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.wake('consumer');
    this.wake('producer');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LineguardEvent> {
    for (;;) {
      while (this.head < this.buf.length) {
        const e = this.buf[this.head++]!;
        if (this.head >= 4096 && this.head * 2 >= this.buf.length) {
          this.buf = this.buf.slice(this.head);
          this.head = 0;
        }
        if (this.size < this.highWater / 2) this.wake('producer');
        yield e;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  private wake(who: 'consumer' | 'producer'): void {
    const fn = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    fn?.();
  }
}
