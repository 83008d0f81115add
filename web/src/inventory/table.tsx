/**
 * The virtualised inventory table: only the rows in view are in the DOM, so 5,000 assets
 * scroll like 50. Headers sort through the API; each row links to its asset.
 */
import {
  flexRender,
  getCoreRowModel,
  type OnChangeFn,
  useReactTable,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { AssetSort } from '../lib/hub-types.js';
import { assetHref } from '../lib/route.js';
import { Link } from '../ui/link.js';
import { COLUMNS } from './columns.js';
import type { InventoryFilters } from './filters.js';
import type { Rows } from './pages.js';

const ROW_HEIGHT = 34;

export function InventoryTable(props: {
  rows: Rows;
  filters: InventoryFilters;
  onSort: (column: AssetSort) => void;
  visibility: VisibilityState;
  onVisibility: OnChangeFn<VisibilityState>;
}) {
  const { rows, filters } = props;
  const table = useReactTable({
    data: rows.slots,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r, i) => r?.id ?? `pending-${i}`,
    manualSorting: true,
    state: { columnVisibility: props.visibility },
    onColumnVisibilityChange: props.onVisibility,
  });
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.slots.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  const items = virtual.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const { ensure } = rows;
  useEffect(() => ensure(first, last), [ensure, first, last]);

  // A new filter or sort starts at the top.
  const filterKey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey is the trigger
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filterKey]);

  const visible = table.getVisibleLeafColumns();
  const template = visible
    .map((c, i) => (i === visible.length - 1 ? `minmax(${c.getSize()}px, 1fr)` : `${c.getSize()}px`))
    .join(' ');
  const width = visible.reduce((w, c) => w + c.getSize(), 0);
  const tableRows = table.getRowModel().rows;

  return (
    <div className="vtable" ref={scroller}>
      <table aria-label="Assets" aria-rowcount={rows.slots.length + 1} style={{ minWidth: width }}>
        <thead>
          <tr className="vrow" style={{ gridTemplateColumns: template }}>
            {table
              .getFlatHeaders()
              .filter((h) => h.column.getIsVisible())
              .map((h) => {
                const sort = h.column.columnDef.meta?.sort;
                const active = sort !== undefined && filters.sort === sort;
                const label = flexRender(h.column.columnDef.header, h.getContext());
                return (
                  <th
                    key={h.id}
                    className={h.column.columnDef.meta?.numeric ? 'num' : undefined}
                    aria-sort={active ? (filters.order === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {sort ? (
                      <button type="button" className="sort" onClick={() => props.onSort(sort)} title="Sort">
                        {label}
                        <span className="sort-mark" aria-hidden="true">
                          {active ? (filters.order === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
          </tr>
        </thead>
        <tbody style={{ height: virtual.getTotalSize() }}>
          {items.map((item) => {
            const row = tableRows[item.index];
            if (!row) return null;
            const style = {
              gridTemplateColumns: template,
              transform: `translateY(${item.start}px)`,
              height: ROW_HEIGHT,
            };
            const asset = row.original;
            if (!asset)
              return (
                <tr key={row.id} className="vrow pending" aria-rowindex={item.index + 2} style={style}>
                  {visible.map((c) => (
                    <td key={c.id}>
                      <span className="skeleton" />
                    </td>
                  ))}
                </tr>
              );
            return (
              <tr
                key={row.id}
                className="vrow"
                aria-rowindex={item.index + 2}
                data-role={asset.role}
                style={style}
              >
                {row.getVisibleCells().map((cell, i) => {
                  const meta = cell.column.columnDef.meta;
                  const content = flexRender(cell.column.columnDef.cell, cell.getContext());
                  return (
                    <td
                      key={cell.id}
                      className={
                        [meta?.mono ? 'mono' : '', meta?.numeric ? 'num' : ''].join(' ').trim() || undefined
                      }
                    >
                      {/* The first cell's link stretches over the row: the whole row opens the asset. */}
                      {i === 0 ? (
                        <Link href={assetHref(asset.id)} className="row-link">
                          {content}
                        </Link>
                      ) : (
                        content
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
