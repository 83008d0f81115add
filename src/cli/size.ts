/** Sizes on the command line: `512M`, `2G`, `1048576` (binary units). */
import { UsageError } from './analyze-command.js';

export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`${v}: expected a size such as 512M or 2G`);
  const unit = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * 1024 ** unit);
  if (bytes < 1) throw new UsageError(`${v}: must be at least one byte`);
  return bytes;
}
