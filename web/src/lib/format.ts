/** Formatting for dense tables: thousands separators, binary sizes, ISO-like local times. */

/** What to call an asset (headings, peers): one rule with the inventory's. */
export { assetIdText, assetLabel as assetTitle } from '../../../src/inventory/label.js';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(n: number): string {
  return INT.format(n);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-01-12 06:00:05` in local time: sortable, unambiguous, no locale surprises; `—` for no time. */
export function dateTime(ms: number): string {
  if (!(ms > 0)) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/** `12 s ago`, `5 min ago`, `3 h ago`, `4 d ago`; `now` under a second; future times as `in …`. */
export function ago(ms: number, now: number): string {
  const diff = now - ms;
  const s = Math.abs(diff) / 1000;
  if (s < 1) return 'now';
  const text =
    s < 60
      ? `${Math.floor(s)} s`
      : s < 3600
        ? `${Math.floor(s / 60)} min`
        : s < 86400
          ? `${Math.floor(s / 3600)} h`
          : `${Math.floor(s / 86400)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
