/**
 * Writes events as JSON lines to a file that appears only when complete: lines go to a
 * temporary file beside it, renamed into place at the end, so a crash never leaves a
 * half-written events file under the requested name.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { EventSink, LineguardEvent } from '../events/types.js';
import { partialPath } from './atomic-file.js';

const FLUSH_AT = 1 << 16;

export class NdjsonFile implements EventSink {
  private readonly tmp: string;
  private fd: number;
  private pending: string[] = [];
  private pendingLen = 0;
  count = 0;

  constructor(readonly path: string) {
    this.tmp = partialPath(path);
    this.fd = openSync(this.tmp, 'w', 0o640);
  }

  emit(event: LineguardEvent): void {
    const line = JSON.stringify(event);
    this.pending.push(line);
    this.pendingLen += line.length + 1;
    this.count++;
    if (this.pendingLen >= FLUSH_AT) this.flush();
  }

  /** Finish the file and move it into place. */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  /** Give up: remove the temporary file. */
  abandon(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    // Synchronous writes: events come from the synchronous packet path, and this keeps memory
    // bounded by FLUSH_AT whatever the disk speed.
    writeSync(this.fd, `${this.pending.join('\n')}\n`);
    this.pending = [];
    this.pendingLen = 0;
  }
}
