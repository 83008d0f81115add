import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LineguardEvent } from '../events/types.js';
import { buildInventory } from '../inventory/assemble.js';
import { Observations } from '../inventory/observations.js';
import { modbus } from '../protocols/modbus/index.js';
import { plantCapture } from '../sim/plant.js';
import { analyze } from './analyze.js';
import type { Summary } from './summary.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function run(inputs: string[], threads: number, opts: { analyzers?: (typeof modbus)[] } = {}) {
  const events: LineguardEvent[] = [];
  const obs = new Observations();
  const summary = await analyze(inputs, {
    threads,
    ...opts,
    onEvent: (e) => {
      events.push(e);
      obs.emit(e);
    },
  });
  const { elapsedSec: _e, peakRssMiB: _r, threads: _t, ...stable } = summary;
  return {
    threads: summary.threads,
    summary: stable as Omit<Summary, 'elapsedSec' | 'peakRssMiB' | 'threads'>,
    events: events.map((e) => JSON.stringify(e)).sort(),
    inventory: buildInventory(obs),
  };
}

describe('parallel analysis', () => {
  // Two inputs (frames numbered per input, evidence named per input), a plant with several cells.
  const plant = plantCapture({ cells: 4 });
  const second = plantCapture({ cells: 2 });
  const inputs = [file('plant.pcap', plant), file('second.pcap', second)];

  it('emits the same events, summary and inventory on 2, 3 and 4 threads as on 1', async () => {
    const one = await run(inputs, 1);
    expect(one.events.length).toBeGreaterThan(200);
    for (const threads of [2, 3, 4]) {
      const many = await run(inputs, threads);
      expect(many.threads).toBe(threads);
      expect(many.summary).toEqual(one.summary);
      expect(many.events).toEqual(one.events);
      expect({ ...many.inventory, generatedAt: '' }).toEqual({ ...one.inventory, generatedAt: '' });
    }
  });

  it('reports a capture cut mid-record the same way, with the same events before the cut', async () => {
    const cut = [file('cut.pcap', plant.subarray(0, Math.floor(plant.length * 0.6)))];
    const one = await run(cut, 1);
    const two = await run(cut, 2);
    expect(two.threads).toBe(2);
    expect(one.summary.inputs[0]!.error?.code).toBe('truncated');
    expect(two.summary).toEqual(one.summary);
    expect(two.events).toEqual(one.events);
  });

  it('fails, rather than answer for part of it, when a file changes while its threads read it', async () => {
    const path = file('replaced.pcap', plant);
    const other = file('other.pcap', second);
    let replaced = false;
    const result = analyze([path], {
      threads: 2,
      // The first thread reads on from the file it opened; the second, still starting, will
      // open what is at the path by then: another capture.
      onProgress: () => {
        if (replaced) return;
        renameSync(other, path);
        replaced = true;
      },
    });
    await expect(result).rejects.toThrow(/the inputs changed while they were analysed/);
    expect(replaced).toBe(true);
  });

  it('stays on one thread (same result) for analyzers that are not the registry’s', async () => {
    const own = { ...modbus };
    const one = await run(inputs, 1, { analyzers: [own] });
    const two = await run(inputs, 2, { analyzers: [own] });
    expect(two.threads).toBe(1);
    expect(two).toEqual(one);
  });

  it('reads standard-input-like sources on one thread', async () => {
    const { openStream } = await import('./source.js');
    const { Readable } = await import('node:stream');
    const src = await openStream('stream', Readable.from([plant]), plant.length);
    const summary = await analyze([src], { threads: 2 });
    expect(summary.threads).toBe(1);
    expect(summary.packets).toBeGreaterThan(0);
  });

  it('stops on an abort, its threads too, rejecting with the reason', async () => {
    const stop = new AbortController();
    const reason = new Error('stopped by SIGINT');
    let summarised = false;
    const run = analyze(inputs, {
      threads: 2,
      signal: stop.signal,
      onProgress: () => stop.abort(reason),
    }).then(() => (summarised = true));
    await expect(run).rejects.toBe(reason);
    expect(summarised).toBe(false);
    await expect(analyze(inputs, { threads: 3, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});
