/**
 * The public captures in `../shared/pcaps` (beside the repository, never inside it: they keep
 * their own licenses), for the analyzers' second layer of tests (excluded from the build).
 * Those tests run where the captures are present, say they skipped where they are not, and
 * fail under CI=true, where the captures must be present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';

export const PCAPS = fileURLToPath(new URL('../../../../shared/pcaps/', import.meta.url));
const havePcaps = existsSync(PCAPS);

/** The events of `PCAPS/<path>` run through the engine with the registry's analyzers, none of which may throw. */
export async function analyzePublic(path: string): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(readFileSync(`${PCAPS}${path}`));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

/**
 * Tests over the public captures, titled `<subject> on public captures`: skipped, with a title
 * that says so, where `../shared/pcaps` is absent (a fresh clone); failing under CI=true.
 */
export function describePublicCaptures(subject: string, tests: () => void): void {
  describe.skipIf(!havePcaps)(
    `${subject} on public captures${havePcaps ? '' : ' (skipped: ../shared/pcaps absent)'}`,
    tests,
  );
  describe.runIf(!havePcaps && process.env.CI === 'true')('public captures under CI', () => {
    it('must be present', () => {
      expect.fail(`${PCAPS} is absent: CI must provide ../shared/pcaps`);
    });
  });
}
