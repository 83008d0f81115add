/**
 * The inventory's rows, fetched from the API a page at a time as the table scrolls to them.
 * The hub filters and sorts (the same code serves the CSV export), so the console holds only
 * the pages it has shown, whatever the plant's size.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorText, getJson } from '../lib/api.js';
import type { AssetRow, Page } from '../lib/hub-types.js';
import type { Slot } from './columns.js';

export const PAGE_SIZE = 250;

export interface Rows {
  /** Rows matching the filters; null until the first page answers. */
  total: number | null;
  /** One slot per matching row, null where its page has not arrived yet. */
  slots: Slot[];
  error?: { message: string; status?: number };
  /** Asks for the pages that hold rows first..last (inclusive). */
  ensure(first: number, last: number): void;
}

/** The page indexes rows first..last fall in. */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first) return [];
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) out.push(p);
  return out;
}

/** `query` is the API filter query without paging; a new one starts over. */
export function useAssetRows(query: string): Rows {
  const [state, setState] = useState<Omit<Rows, 'ensure'>>({ total: null, slots: [] });
  const requested = useRef(new Set<number>());
  const current = useRef(query);

  const load = useCallback((page: number, q: string) => {
    if (requested.current.has(page)) return;
    requested.current.add(page);
    const params = new URLSearchParams(q);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String(page * PAGE_SIZE));
    getJson<Page<AssetRow>>('/api/assets', params).then(
      (res) => {
        if (current.current !== q) return;
        setState((s) => {
          const slots = s.total === res.total ? [...s.slots] : resized(s.slots, res.total);
          res.items.forEach((row, i) => {
            if (page * PAGE_SIZE + i < slots.length) slots[page * PAGE_SIZE + i] = row;
          });
          return { total: res.total, slots };
        });
      },
      (e: unknown) => {
        if (current.current !== q) return;
        requested.current.delete(page);
        setState((s) => ({
          ...s,
          error: { message: errorText(e), ...(e instanceof ApiError ? { status: e.status } : {}) },
        }));
      },
    );
  }, []);

  useEffect(() => {
    current.current = query;
    requested.current = new Set();
    setState({ total: null, slots: [] });
    load(0, query);
  }, [query, load]);

  const ensure = useCallback(
    (first: number, last: number) => {
      for (const p of pagesFor(first, last)) load(p, current.current);
    },
    [load],
  );

  return { ...state, ensure };
}

function resized(slots: Slot[], total: number): Slot[] {
  const out: Slot[] = slots.slice(0, total);
  while (out.length < total) out.push(null);
  return out;
}
