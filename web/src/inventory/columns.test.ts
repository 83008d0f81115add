// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { COLUMNS, DEFAULT_HIDDEN, loadVisibility, orderedProtocols, saveVisibility } from './columns.js';

describe('inventory columns', () => {
  beforeEach(() => localStorage.clear());

  it('map sortable columns to the API sorts', () => {
    const sorts = COLUMNS.flatMap((c) => (c.meta?.sort ? [c.meta.sort] : []));
    expect(sorts.sort()).toEqual(['first', 'ip', 'last', 'model', 'name', 'purdue', 'role', 'vendor']);
  });

  it('start with the defaults and keep the user’s choice in the browser', () => {
    expect(loadVisibility(localStorage)).toEqual(DEFAULT_HIDDEN);
    saveVisibility(localStorage, { ...DEFAULT_HIDDEN, mac: false, serial: true });
    expect(loadVisibility(localStorage)).toEqual({ ...DEFAULT_HIDDEN, mac: false, serial: true });
  });

  it('ignore stored junk: corrupt JSON, unknown columns, non-boolean values', () => {
    localStorage.setItem('lineguard.inventory.columns', '{not json');
    expect(loadVisibility(localStorage)).toEqual(DEFAULT_HIDDEN);
    localStorage.setItem(
      'lineguard.inventory.columns',
      JSON.stringify({ bogus: false, mac: 'no', vendor: false }),
    );
    expect(loadVisibility(localStorage)).toEqual({ ...DEFAULT_HIDDEN, vendor: false });
    localStorage.setItem('lineguard.inventory.columns', '[false]');
    expect(loadVisibility(localStorage)).toEqual(DEFAULT_HIDDEN);
  });

  it('list industrial protocols first', () => {
    expect(orderedProtocols(['dns', 'modbus', 'arp', 'enip'])).toEqual(['enip', 'modbus', 'arp', 'dns']);
  });
});
