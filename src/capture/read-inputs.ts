/**
 * Reads a list of inputs into a sink, one after the other, with a report per input. Shared by
 * `analyze` and the lane workers of a parallel analysis, which read the same files.
 */
import type { Progress } from './analyze.js';
import type { PacketSink, ReadResult } from './reader.js';
import { readCapture } from './reader.js';
import { type ByteSource, openFile, openStream } from './source.js';
import type { InputReport } from './summary.js';

/** An input: a path, `-` for standard input, or an already open source. */
export type Input = string | ByteSource;

/** A sink told where each input starts (its name is the evidence source). */
export interface InputSink extends PacketSink {
  beginInput(source: string): void;
}

export interface ReadInputsOptions {
  source?: string | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
  /** Checked before each input and chunk: an abort rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export async function readInputs(
  inputs: readonly Input[],
  sink: InputSink,
  opts: ReadInputsOptions,
): Promise<InputReport[]> {
  const reports: InputReport[] = [];
  /** Frames of the inputs before this one. */
  let before = 0;
  const signal = opts.signal;
  for (const input of inputs) {
    signal?.throwIfAborted();
    const name = typeof input === 'string' ? input : input.name;
    // A stream may wait for bytes that never come (a terminal, an idle pipe), even while it is
    // opened (its first bytes are sniffed for gzip): an abort ends the pending read.
    let src: ByteSource | undefined;
    const cancel = () => (src ? src.cancel?.() : input === '-' && process.stdin.destroy());
    signal?.addEventListener('abort', cancel, { once: true });
    let result: ReadResult;
    try {
      try {
        src =
          typeof input !== 'string'
            ? input
            : input === '-'
              ? await openStream('-', process.stdin)
              : await openFile(input);
      } catch (e) {
        signal?.throwIfAborted();
        reports.push(failedInput(name, e));
        continue;
      }
      result = await readOne(src, name, sink, opts, before);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    // The last chunk may have been read before the abort came.
    signal?.throwIfAborted();
    const report: InputReport = {
      input: name,
      format: result.format,
      packets: result.records,
      bytes: result.bytes,
    };
    if (result.error) {
      report.error = { code: result.error.code, offset: result.error.offset, message: result.error.message };
    }
    reports.push(report);
    before += result.records;
  }
  return reports;
}

/** One opened input into the sink (closed after), checking for an abort at every chunk. */
async function readOne(
  src: ByteSource,
  name: string,
  sink: InputSink,
  opts: ReadInputsOptions,
  before: number,
): Promise<ReadResult> {
  const { onProgress, signal } = opts;
  sink.beginInput(opts.source ?? name);
  try {
    return await readCapture(src, sink, {
      onChunk:
        onProgress || signal
          ? (_walked, records) => {
              signal?.throwIfAborted();
              onProgress?.({
                input: name,
                consumed: src.consumed,
                size: src.size,
                packets: before + records,
              });
            }
          : undefined,
    });
  } finally {
    await src.close();
  }
}

function failedInput(name: string, e: unknown): InputReport {
  const err = e as { code?: string; offset?: number; message?: string };
  return {
    input: name,
    format: null,
    packets: 0,
    bytes: 0,
    error: { code: err.code ?? 'io', offset: err.offset ?? -1, message: err.message ?? String(e) },
  };
}
