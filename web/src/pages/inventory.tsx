/**
 * The asset inventory: filters in the URL, a virtualised table fed page by page from the API,
 * a column chooser, and a CSV export of exactly what the filters select.
 */
import type { VisibilityState } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import { ColumnChooser } from '../inventory/column-chooser.js';
import { loadVisibility, saveVisibility } from '../inventory/columns.js';
import { FilterBar } from '../inventory/filter-bar.js';
import {
  apiQuery,
  filtersFromQuery,
  filtersToQuery,
  hasFilters,
  type InventoryFilters,
  nextSort,
} from '../inventory/filters.js';
import { useAssetRows } from '../inventory/pages.js';
import { InventoryTable } from '../inventory/table.js';
import { count } from '../lib/format.js';
import type { AssetSort, Stats } from '../lib/hub-types.js';
import { navigate } from '../lib/nav.js';
import { useApi } from '../lib/use-api.js';
import { Failed } from '../ui/states.js';

export function InventoryPage({ query }: { query: URLSearchParams }) {
  const queryText = query.toString();
  const filters = useMemo(() => filtersFromQuery(new URLSearchParams(queryText)), [queryText]);
  const [stats] = useApi<Stats>('/api/stats');
  const rows = useAssetRows(apiQuery(filters).toString());
  const [visibility, setVisibility] = useState<VisibilityState>(() => loadVisibility(localStorage));

  const setFilters = useCallback((f: InventoryFilters, opts?: { replace?: boolean }) => {
    const q = filtersToQuery(f).toString();
    navigate(q ? `/assets?${q}` : '/assets', opts);
  }, []);
  const onSort = (column: AssetSort) => setFilters({ ...filters, ...nextSort(filters, column) });
  const onVisibility = (v: VisibilityState) => {
    setVisibility(v);
    saveVisibility(localStorage, v);
  };

  const csv = `/api/assets.csv${apiQuery(filters).size ? `?${apiQuery(filters)}` : ''}`;
  const all = stats.state === 'ok' ? stats.data.assets : null;

  return (
    <div className="inventory">
      <div className="page-head">
        <h1>Inventory</h1>
        <span className="muted" data-testid="inventory-total" aria-live="polite">
          {rows.total === null
            ? 'Loading…'
            : `${count(rows.total)} ${rows.total === 1 ? 'asset' : 'assets'}${
                hasFilters(filters) && all !== null ? ` of ${count(all)}` : ''
              }`}
        </span>
        <div className="spacer" />
        <ColumnChooser visibility={visibility} onChange={onVisibility} />
        <a className="btn" href={csv} download>
          Export CSV
        </a>
      </div>
      <FilterBar
        filters={filters}
        {...(stats.state === 'ok' ? { stats: stats.data } : {})}
        onChange={setFilters}
      />
      {rows.error ? <Failed what="the assets" error={rows.error.message} /> : null}
      {rows.total === 0 ? (
        <div className="state empty">
          {hasFilters(filters)
            ? 'No asset matches these filters.'
            : 'No assets yet: upload a capture to build the inventory.'}
        </div>
      ) : (
        <InventoryTable
          rows={rows}
          filters={filters}
          onSort={onSort}
          visibility={visibility}
          onVisibility={(u) => onVisibility(typeof u === 'function' ? u(visibility) : u)}
        />
      )}
    </div>
  );
}
