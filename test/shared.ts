/**
 * The public ICS captures in `../shared/pcaps` (beside the repository, never inside it: they
 * keep their own licenses). Tests over them skip with a message where they are absent, but
 * fail under CI=true, where they are always present.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_PCAPS = resolve(REPO, '..', 'shared', 'pcaps');

export interface Truth {
  file: string;
  packets: number;
  ipv4_hosts: string[];
  macs: string[];
  protocols: Record<string, unknown>;
  identity: Record<string, Record<string, string[]>>;
}

/** Every capture with a truth file, or null (after saying why) when the corpus is absent. */
export function sharedCaptures(): { capture: string; truth: string }[] | null {
  if (!existsSync(SHARED_PCAPS)) {
    if (process.env.CI === 'true')
      throw new Error(`CI=true but the shared captures are missing at ${SHARED_PCAPS}`);
    console.warn(`skipping: no shared captures at ${SHARED_PCAPS} (a fresh clone has none; CI always does)`);
    return null;
  }
  const out: { capture: string; truth: string }[] = [];
  for (const dir of readdirSync(SHARED_PCAPS, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(SHARED_PCAPS, dir.name))) {
      if (f.endsWith('.truth.json')) {
        const truth = join(SHARED_PCAPS, dir.name, f);
        out.push({ capture: truth.slice(0, -'.truth.json'.length), truth });
      }
    }
  }
  return out.sort((a, b) => (a.capture < b.capture ? -1 : 1));
}
