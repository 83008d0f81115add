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

export async function readInputs(
  inputs: readonly Input[],
  sink: InputSink,
  opts: {
    source?: string | undefined;
    onProgress?: ((p: Progress) => void) | undefined;
    /** Checked before each input and chunk: an abort rejects with the signal's reason. */
    signal?: AbortSignal | undefined;
  },
): Promise<InputReport[]> {
  const reports: InputReport[] = [];
  /** Frames of the inputs before this one. */
  let before = 0;
  const signal = opts.signal;
  for (const input of inputs) {
    signal?.throwIfAborted();
    const name = typeof input === 'string' ? input : input.name;
    let src: ByteSource;
    try {
      src =
        typeof input !== 'string'
          ? input
          : input === '-'
            ? await openStream('-', process.stdin)
            : await openFile(input);
    } catch (e) {
      reports.push(failedInput(name, e));
      continue;
    }
    sink.beginInput(opts.source ?? name);
    let result: ReadResult;
    const onProgress = opts.onProgress;
    try {
      result = await readCapture(src, sink, {
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
