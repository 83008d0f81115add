import { describe, expect, it } from 'vitest';
import {
  apiQuery,
  filtersFromQuery,
  filtersToQuery,
  hasFilters,
  type InventoryFilters,
  inventoryHref,
  NO_FILTERS,
  nextSort,
} from './filters.js';

const q = (s: string) => new URLSearchParams(s);

describe('inventory filters in the URL', () => {
  it('reads every filter', () => {
    expect(
      filtersFromQuery(
        q('q=10.10&role=plc,hmi&vendor=Siemens&protocol=s7comm&subnet=10.10.1.0/24&sort=ip&order=desc'),
      ),
    ).toEqual({
      roles: ['plc', 'hmi'],
      vendor: 'Siemens',
      protocol: 's7comm',
      subnet: '10.10.1.0/24',
      q: '10.10',
      sort: 'ip',
      order: 'desc',
    });
  });

  it('drops unknown roles and sorts, duplicates and blanks instead of guessing', () => {
    const f = filtersFromQuery(q('role=plc,,toaster,plc&sort=colour&order=sideways&q=%20%20'));
    expect(f).toEqual({ ...NO_FILTERS, roles: ['plc'] });
    expect(f.sort).toBeUndefined();
  });

  it('writes plain URLs for plain views, and round-trips the rest', () => {
    expect(filtersToQuery(NO_FILTERS).toString()).toBe('');
    const f: InventoryFilters = {
      ...NO_FILTERS,
      roles: ['plc', 'rtu'],
      q: 'pump 1',
      sort: 'last',
      order: 'desc',
    };
    expect(filtersFromQuery(filtersToQuery(f))).toEqual(f);
    // Ascending is the default: not written.
    expect(filtersToQuery({ ...NO_FILTERS, sort: 'ip', order: 'asc' }).toString()).toBe('sort=ip');
  });

  it('gives the API an explicit order and the page', () => {
    const p = apiQuery(
      { ...NO_FILTERS, roles: ['plc'], sort: 'ip', order: 'asc' },
      { limit: 250, offset: 500 },
    );
    expect(Object.fromEntries(p)).toEqual({
      role: 'plc',
      sort: 'ip',
      order: 'asc',
      limit: '250',
      offset: '500',
    });
    expect(apiQuery(NO_FILTERS).toString()).toBe('');
  });

  it('links to the inventory with some filters set', () => {
    expect(inventoryHref({ roles: ['plc'] })).toBe('/assets?role=plc');
    expect(inventoryHref({ protocol: 'tcp/3389' })).toBe('/assets?protocol=tcp%2F3389');
    expect(inventoryHref({})).toBe('/assets');
  });

  it('knows when anything narrows the list (sorting does not)', () => {
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, sort: 'ip' })).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, subnet: '10.0.0.0/8' })).toBe(true);
  });

  it('cycles a header through ascending, descending and the store order', () => {
    let f: InventoryFilters = NO_FILTERS;
    f = { ...f, ...nextSort(f, 'vendor') };
    expect([f.sort, f.order]).toEqual(['vendor', 'asc']);
    f = { ...f, ...nextSort(f, 'vendor') };
    expect([f.sort, f.order]).toEqual(['vendor', 'desc']);
    f = { ...f, ...nextSort(f, 'vendor') };
    expect([f.sort, f.order]).toEqual([undefined, 'asc']);
    f = { ...f, sort: 'ip', order: 'desc' };
    expect(nextSort(f, 'name')).toEqual({ sort: 'name', order: 'asc' });
  });
});
