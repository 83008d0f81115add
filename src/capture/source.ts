/**
 * Byte sources for capture readers: a file (read straight into the reader's buffer), standard
 * input or any stream, with transparent gzip. The reader owns one buffer and asks the source
 * to fill part of it, so file reads cost no copy at all.
 */
import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureError } from './errors.js';

export interface ByteSource {
  /** Display name for messages (the path, or `-` for standard input). */
  readonly name: string;
  /** Total compressed size when known (files), for progress; -1 otherwise. */
  readonly size: number;
  /** Bytes consumed from the underlying input so far (compressed bytes for gzip). */
  readonly consumed: number;
  /** Fill buf[off, off+max) with up to max bytes; 0 means end of input. */
  read(buf: Buffer, off: number, max: number): Promise<number>;
  close(): Promise<void>;
  /**
   * Stop waiting for bytes that may never come (a terminal, an idle pipe): a pending read then
   * ends. For sources that can wait; a file's reads never do.
   */
  cancel?(): void;
}

const GZIP_MAGIC0 = 0x1f;
const GZIP_MAGIC1 = 0x8b;

/** Adapts a Node stream to `read(buf, off, max)`, copying each chunk once. */
class StreamSource implements ByteSource {
  private chunk: Buffer | null = null;
  private chunkPos = 0;
  private readonly iter: AsyncIterator<Buffer>;
  consumed = 0;

  constructor(
    readonly name: string,
    private readonly stream: AsyncIterable<Buffer>,
    readonly size: number,
    private readonly countConsumed: boolean,
    private readonly onClose: () => Promise<void> | void = () => {},
    private readonly onCancel: () => void = () => {},
  ) {
    this.iter = stream[Symbol.asyncIterator]();
  }

  cancel(): void {
    // An iterator's return() waits for the pending read; destroying the stream ends it.
    const s = this.stream as Partial<Readable>;
    if (typeof s.destroy === 'function') s.destroy();
    this.onCancel();
  }

  /** Put bytes already taken from the stream back in front (after sniffing). */
  unshift(b: Buffer): void {
    this.chunk = b;
    this.chunkPos = 0;
  }

  async read(buf: Buffer, off: number, max: number): Promise<number> {
    let n = 0;
    while (n < max) {
      if (!this.chunk || this.chunkPos >= this.chunk.length) {
        if (n > 0) return n; // hand back what we have rather than wait
        let next: IteratorResult<Buffer>;
        try {
          next = await this.iter.next();
        } catch (e) {
          throw new CaptureError('io', this.name, -1, `read failed: ${(e as Error).message}`);
        }
        if (next.done) return n;
        this.chunk = next.value;
        this.chunkPos = 0;
        if (this.countConsumed) this.consumed += next.value.length;
      }
      const take = Math.min(max - n, this.chunk.length - this.chunkPos);
      this.chunk.copy(buf, off + n, this.chunkPos, this.chunkPos + take);
      this.chunkPos += take;
      n += take;
    }
    return n;
  }

  async close(): Promise<void> {
    await this.iter.return?.();
    await this.onClose();
  }
}

const YIELD_EVERY = 4 << 20;

/**
 * A regular file, read synchronously straight into the reader's buffer. Measured on one core
 * (the benchmark's setting), thread-pool reads cost more than they overlap: a read-ahead
 * through a spare buffer ran 4–8% slower than this, and a page-cache read of a 2 MiB chunk
 * blocks the event loop for only about 0.2 ms.
 */
class FileSource implements ByteSource {
  consumed = 0;
  private unyielded = 0;

  constructor(
    readonly name: string,
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async read(buf: Buffer, off: number, max: number): Promise<number> {
    // Reads that never wait would keep the event loop from turning until the file is done: no
    // signal (Ctrl+C), timer or worker thread's message would be handled. So every few MiB —
    // a few milliseconds of analysis — one read lets it turn once.
    if (this.unyielded >= YIELD_EVERY) {
      this.unyielded = 0;
      await new Promise(setImmediate);
    }
    try {
      const n = readSync(this.fh.fd, buf, off, max, null);
      this.consumed += n;
      this.unyielded += n;
      return n;
    } catch (e) {
      throw new CaptureError('io', this.name, this.consumed, `read failed: ${(e as Error).message}`);
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** A gzip stream wrapped around a raw source; `consumed` follows the compressed input. */
function gunzipSource(raw: ByteSource): ByteSource {
  const gunzip = createGunzip();
  const pump = async () => {
    const chunk = Buffer.allocUnsafe(1 << 20);
    try {
      for (;;) {
        const n = await raw.read(chunk, 0, chunk.length);
        if (n === 0) break;
        if (!gunzip.write(Buffer.from(chunk.subarray(0, n)))) {
          await new Promise<void>((resolve) => gunzip.once('drain', resolve));
        }
      }
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  };
  void pump();
  const src = new StreamSource(
    raw.name,
    gunzip,
    raw.size,
    false,
    () => raw.close(),
    () => raw.cancel?.(),
  );
  return Object.defineProperty(src, 'consumed', { get: () => raw.consumed });
}

async function sniffGzip(src: ByteSource): Promise<{ gzip: boolean; head: Buffer }> {
  const head = Buffer.allocUnsafe(2);
  let n = 0;
  while (n < 2) {
    const r = await src.read(head, n, 2 - n);
    if (r === 0) break;
    n += r;
  }
  return { gzip: n === 2 && head[0] === GZIP_MAGIC0 && head[1] === GZIP_MAGIC1, head: head.subarray(0, n) };
}

/** Re-prefix sniffed bytes in front of a source. */
function prefixed(head: Buffer, src: ByteSource): ByteSource {
  let pending: Buffer | null = head.length ? head : null;
  return {
    name: src.name,
    size: src.size,
    get consumed() {
      return src.consumed;
    },
    async read(buf, off, max) {
      if (pending) {
        const take = Math.min(max, pending.length);
        pending.copy(buf, off, 0, take);
        pending = take < pending.length ? pending.subarray(take) : null;
        return take;
      }
      return src.read(buf, off, max);
    },
    close: () => src.close(),
    cancel: () => src.cancel?.(),
  };
}

async function withGzip(src: ByteSource): Promise<ByteSource> {
  const { gzip, head } = await sniffGzip(src);
  return gzip ? gunzipSource(prefixed(head, src)) : prefixed(head, src);
}

export async function openFile(path: string): Promise<ByteSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new CaptureError('io', path, -1, why);
  }
  const st = await fh.stat();
  if (st.isDirectory()) {
    await fh.close();
    throw new CaptureError('io', path, -1, 'is a directory');
  }
  return withGzip(new FileSource(path, fh, st.isFile() ? st.size : -1));
}

/** Any readable stream (standard input, a tcpdump pipe, an upload). */
export function openStream(
  name: string,
  stream: Readable | AsyncIterable<Buffer>,
  size = -1,
): Promise<ByteSource> {
  return withGzip(new StreamSource(name, stream as AsyncIterable<Buffer>, size, true));
}

/** A stream taken as it is, without gzip sniffing (a live pipe must not wait for bytes). */
export function rawStream(name: string, stream: Readable | AsyncIterable<Buffer>): ByteSource {
  return new StreamSource(name, stream as AsyncIterable<Buffer>, -1, true);
}
