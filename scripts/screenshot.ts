/**
 * Regenerates docs/console.png, the console picture in the README: the real hub with the
 * sample plant (six production cells) in Debian's Chromium, on the network map.
 *
 *   npm run build && node --import tsx scripts/screenshot.ts [out.png]
 */
import { join } from 'node:path';
import { CHROMIUM, chromiumAvailable, launchChromium, signIn, startConsoleHub } from '../test/console.js';
import { REPO } from '../test/shared.js';

const out = process.argv[2] ?? join(REPO, 'docs', 'console.png');
if (!chromiumAvailable()) throw new Error(`${CHROMIUM} is needed for the screenshot`);

const hub = await startConsoleHub({ cells: 6 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
  await signIn(page, hub);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Network map' }).click();
  await page.locator('.map-canvas[data-ready]').waitFor();
  // cytoscape draws on the next animation frames.
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await hub.close();
}
