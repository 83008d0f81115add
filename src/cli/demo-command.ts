/** `lineguard demo`: the sample plant, written by the simulator and analysed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantCapture } from '../sim/plant.js';
import { type CommandIO, runAnalyze } from './analyze-command.js';

export interface DemoFlags {
  out?: string;
  json?: boolean;
}

export async function runDemo(flags: DemoFlags, io: CommandIO): Promise<number> {
  const keep = flags.out !== undefined;
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'lineguard-demo-'));
  const path = flags.out ?? join(dir!, 'sample-plant.pcap');
  try {
    writeFileSync(path, plantCapture());
    if (!flags.json)
      io.stdout.write(`Sample plant capture written by the plant simulator${keep ? ` to ${path}` : ''}.\n\n`);
    return await runAnalyze([path], { json: flags.json }, io);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
