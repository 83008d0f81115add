/**
 * Runs captures through the engine: the one entry point the CLI, the server and tests share.
 */
import { Readable } from 'node:stream';
import type { LineguardEvent } from '../events/types.js';
import type { AnalyzerDescriptor } from '../protocols/analyzer.js';
import { analyzers as registry } from '../protocols/registry.js';
import { Engine, type EngineOptions } from './engine.js';
import { type ReadResult, readCapture } from './reader.js';
import { type ByteSource, openFile, openStream } from './source.js';
import { buildSummary, type InputReport, type Summary } from './summary.js';

export interface Progress {
  input: string;
  /** Bytes taken from the input so far (compressed bytes for gzip) and its size (-1 unknown). */
  consumed: number;
  size: number;
  packets: number;
}

export interface AnalyzeOptions {
  /** Evidence source id; defaults to the input name. */
  source?: string;
  analyzers?: readonly AnalyzerDescriptor[];
  onEvent?: (event: LineguardEvent) => void;
  onProgress?: (p: Progress) => void;
  engine?: Omit<Partial<EngineOptions>, 'source' | 'analyzers'>;
}

/** An input: a path, `-` for standard input, or an already open source. */
export type Input = string | ByteSource;

export async function analyze(inputs: readonly Input[], opts: AnalyzeOptions = {}): Promise<Summary> {
  const started = performance.now();
  const names = inputs.map((i) => (typeof i === 'string' ? i : i.name));
  const engine = new Engine({
    ...opts.engine,
    source: opts.source ?? names[0] ?? 'none',
    analyzers: opts.analyzers ?? registry,
  });
  if (opts.onEvent) {
    const fn = opts.onEvent;
    engine.onEvent({ emit: fn });
  }
  const reports: InputReport[] = [];
  for (const input of inputs) {
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
    const before = engine.stats.packets;
    engine.beginInput(opts.source ?? name);
    let result: ReadResult;
    try {
      result = await readCapture(src, engine, {
        onChunk: opts.onProgress
          ? (_walked, records) =>
              opts.onProgress!({
                input: name,
                consumed: src.consumed,
                size: src.size,
                packets: before + records,
              })
          : undefined,
      });
    } finally {
      await src.close();
    }
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
  }
  engine.finish();
  return buildSummary(engine, reports, (performance.now() - started) / 1000);
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

/** A capture held in memory, with every event it produced (tests, uploads). */
export async function analyzeBytes(
  bytes: Buffer,
  opts: Omit<AnalyzeOptions, 'onEvent'> = {},
): Promise<{ events: LineguardEvent[]; summary: Summary }> {
  const events: LineguardEvent[] = [];
  const name = opts.source ?? 'memory';
  const src = await openStream(name, Readable.from([bytes]), bytes.length);
  const summary = await analyze([src], { ...opts, source: name, onEvent: (e) => events.push(e) });
  return { events, summary };
}
