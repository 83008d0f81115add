/**
 * Events as JSON lines, batched (one write per 64 KiB): to a file that appears only when
 * complete — lines go to a temporary file beside it, renamed into place at the end, so a crash
 * never leaves a half-written events file under the requested name — or to standard output
 * (`--events -`) as they come, for a pipeline.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { EventSink, LineguardEvent } from '../events/types.js';
import { partialPath } from './atomic-file.js';

const FLUSH_AT = 1 << 16;

/** Where the events go, and what finishing or giving up means there. */
export interface NdjsonOutput extends EventSink {
  /** Whether lines already left (a stream): giving up cannot take them back. */
  readonly streamed: boolean;
  /** Everything written and in place. */
  commit(): void;
  /** Give up: nothing is left under the requested name. */
  abandon(): void;
}

abstract class Batched {
  private pending: string[] = [];
  private pendingLen = 0;
  count = 0;

  emit(event: LineguardEvent): void {
    const line = JSON.stringify(event);
    this.pending.push(line);
    this.pendingLen += line.length + 1;
    this.count++;
    if (this.pendingLen >= FLUSH_AT) this.flush();
  }

  protected flush(): void {
    if (this.pending.length === 0) return;
    this.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
    this.pendingLen = 0;
  }

  protected abstract write(text: string): void;
}

export class NdjsonFile extends Batched implements NdjsonOutput {
  readonly streamed = false;
  private readonly tmp: string;
  private fd: number;

  constructor(readonly path: string) {
    super();
    this.tmp = partialPath(path);
    this.fd = openSync(this.tmp, 'w', 0o640);
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  abandon(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }

  protected write(text: string): void {
    // Synchronous writes: events come from the synchronous packet path, and this keeps memory
    // bounded by FLUSH_AT whatever the disk speed.
    writeSync(this.fd, text);
  }
}

/** Lines to a stream as they come (standard output: synchronous to files and pipes on Linux). */
export class NdjsonStream extends Batched implements NdjsonOutput {
  readonly streamed = true;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
  }

  commit(): void {
    this.flush();
  }

  abandon(): void {
    this.flush();
  }

  protected write(text: string): void {
    this.out.write(text);
  }
}
