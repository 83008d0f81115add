import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadOui, macVendor } from './oui.js';
import { buildOuiTable } from './oui-build.js';

describe('MAC vendors', () => {
  it('names the organisation of MA-L, MA-M and MA-S prefixes, longest first', async () => {
    await loadOui();
    expect(macVendor('00:1b:1b:5c:a1:01')).toBe('Siemens AG');
    expect(macVendor('00-00-BC-11-22-33')).toBe('Rockwell Automation');
    expect(macVendor('00:80:f4:00:00:01')).toBe('TELEMECANIQUE ELECTRIQUE');
    // 10:06:48 is an MA-M block (28 bits): the 7-digit prefix decides.
    expect(macVendor('10:06:48:00:00:01')).toBe('FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD');
    expect(macVendor('10:06:48:10:00:01')).toBe('KYTRONICS');
  });

  it('has no vendor for locally administered, group, unassigned or malformed addresses', async () => {
    await loadOui();
    expect(macVendor('02:00:00:00:00:01')).toBeUndefined();
    expect(macVendor('01:00:5e:00:00:fb')).toBeUndefined();
    expect(macVendor('70:b3:d5:ff:ff:f1')).toBeUndefined();
    expect(macVendor('not a mac')).toBeUndefined();
  });

  it('the committed table is what `npm run gen:oui` makes from the installed oui-data', () => {
    const require = createRequire(import.meta.url);
    const registry = JSON.parse(readFileSync(require.resolve('oui-data'), 'utf8')) as Record<string, string>;
    const committed = JSON.parse(
      readFileSync(new URL('./oui-table.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(buildOuiTable(registry));
  });
});
