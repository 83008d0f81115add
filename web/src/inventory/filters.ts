/**
 * The inventory's filters and sort: one shape, read from and written to the page URL (so a
 * filtered view can be bookmarked and shared) and turned into the API's query for the table
 * and the CSV export alike.
 */
import type { AssetSort, Role } from '../lib/hub-types.js';
import { isRole } from '../lib/roles.js';

export interface InventoryFilters {
  roles: Role[];
  vendor: string;
  protocol: string;
  subnet: string;
  q: string;
  sort?: AssetSort;
  order: 'asc' | 'desc';
}

export const SORTS: readonly AssetSort[] = [
  'ip',
  'name',
  'role',
  'vendor',
  'model',
  'purdue',
  'first',
  'last',
];

function isSort(s: string): s is AssetSort {
  return (SORTS as readonly string[]).includes(s);
}

export const NO_FILTERS: InventoryFilters = {
  roles: [],
  vendor: '',
  protocol: '',
  subnet: '',
  q: '',
  order: 'asc',
};

/** Reads filters from a URL query; unknown roles and sorts are dropped, not guessed at. */
export function filtersFromQuery(query: URLSearchParams): InventoryFilters {
  const roles = (query.get('role') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(isRole);
  const sort = query.get('sort') ?? '';
  return {
    roles: [...new Set(roles)],
    vendor: query.get('vendor')?.trim() ?? '',
    protocol: query.get('protocol')?.trim() ?? '',
    subnet: query.get('subnet')?.trim() ?? '',
    q: query.get('q')?.trim() ?? '',
    ...(isSort(sort) ? { sort } : {}),
    order: query.get('order') === 'desc' ? 'desc' : 'asc',
  };
}

/** The filters as a URL query, defaults left out so plain views have plain URLs. */
export function filtersToQuery(f: InventoryFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.roles.length) p.set('role', f.roles.join(','));
  if (f.vendor) p.set('vendor', f.vendor);
  if (f.protocol) p.set('protocol', f.protocol);
  if (f.subnet) p.set('subnet', f.subnet);
  if (f.sort) {
    p.set('sort', f.sort);
    if (f.order === 'desc') p.set('order', 'desc');
  }
  return p;
}

/** The API's query for `/api/assets` (with a page) or `/api/assets.csv` (without). */
export function apiQuery(f: InventoryFilters, page?: { limit: number; offset: number }): URLSearchParams {
  const p = filtersToQuery(f);
  // The URL's `order` is omitted when ascending; the API gets it explicitly with a sort.
  if (f.sort) p.set('order', f.order);
  if (page) {
    p.set('limit', String(page.limit));
    p.set('offset', String(page.offset));
  }
  return p;
}

export function hasFilters(f: InventoryFilters): boolean {
  return f.roles.length > 0 || f.vendor !== '' || f.protocol !== '' || f.subnet !== '' || f.q !== '';
}

/** Clicking a sortable header: ascending, then descending, then back to the store's order. */
export function nextSort(f: InventoryFilters, column: AssetSort): Pick<InventoryFilters, 'sort' | 'order'> {
  if (f.sort !== column) return { sort: column, order: 'asc' };
  if (f.order === 'asc') return { sort: column, order: 'desc' };
  return { sort: undefined, order: 'asc' };
}

/** A link to the inventory with some filters set, e.g. `{ roles: ['plc'] }` → `/assets?role=plc`. */
export function inventoryHref(f: Partial<InventoryFilters>): string {
  const q = filtersToQuery({ ...NO_FILTERS, ...f }).toString();
  return q ? `/assets?${q}` : '/assets';
}
