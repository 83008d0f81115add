/**
 * The inventory table's columns: what each shows, how wide it starts, which API sort it maps
 * to, and which are shown until the user chooses otherwise.
 */
import type { ColumnDef, RowData, VisibilityState } from '@tanstack/react-table';
import { dateTime } from '../lib/format.js';
import type { AssetRow, AssetSort } from '../lib/hub-types.js';
import { isIndustrial } from '../lib/protocols.js';
import { ROLE_STYLE } from '../lib/roles.js';
import { ProtocolChip, PurdueBadge, RoleBadge } from '../ui/badges.js';

/** A table slot: the row once its page has loaded, null before. */
export type Slot = AssetRow | null;

declare module '@tanstack/react-table' {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** The API sort this column maps to; columns without one are not sortable. */
    sort?: AssetSort;
    numeric?: boolean;
    mono?: boolean;
  }
}

function more(list: string[]): string {
  return list.length > 1 ? ` +${list.length - 1}` : '';
}

/** Industrial protocols first: they are what the row is about. */
export function orderedProtocols(protocols: string[]): string[] {
  return [...protocols].sort(
    (a, b) => Number(isIndustrial(b)) - Number(isIndustrial(a)) || a.localeCompare(b),
  );
}

export const COLUMNS: ColumnDef<Slot>[] = [
  {
    id: 'role',
    header: 'Role',
    size: 190,
    meta: { sort: 'role' },
    cell: ({ row }) =>
      row.original && (
        <span className="role-cell" title={`confidence ${Math.round(row.original.roleConfidence * 100)}%`}>
          <RoleBadge role={row.original.role} />
          {ROLE_STYLE[row.original.role].label}
        </span>
      ),
  },
  {
    id: 'purdue',
    header: 'Level',
    size: 60,
    meta: { sort: 'purdue' },
    cell: ({ row }) => row.original && <PurdueBadge level={row.original.purdue} />,
  },
  {
    id: 'ip',
    header: 'IP address',
    size: 125,
    meta: { sort: 'ip', mono: true },
    cell: ({ row }) => row.original && `${row.original.ips[0] ?? ''}${more(row.original.ips)}`,
  },
  {
    id: 'name',
    header: 'Name',
    size: 170,
    meta: { sort: 'name' },
    cell: ({ row }) => row.original && `${row.original.names[0] ?? ''}${more(row.original.names)}`,
  },
  {
    id: 'mac',
    header: 'MAC address',
    size: 150,
    meta: { mono: true },
    cell: ({ row }) => row.original && `${row.original.macs[0] ?? ''}${more(row.original.macs)}`,
  },
  {
    id: 'vendor',
    header: 'Vendor',
    size: 150,
    meta: { sort: 'vendor' },
    cell: ({ row }) => row.original?.vendor,
  },
  {
    id: 'model',
    header: 'Model',
    size: 130,
    meta: { sort: 'model' },
    cell: ({ row }) => row.original?.model,
  },
  { id: 'firmware', header: 'Firmware', size: 95, cell: ({ row }) => row.original?.firmware },
  {
    id: 'serial',
    header: 'Serial',
    size: 130,
    meta: { mono: true },
    cell: ({ row }) => row.original?.serial,
  },
  {
    id: 'protocols',
    header: 'Protocols',
    size: 180,
    cell: ({ row }) =>
      row.original && (
        <span className="chips">
          {orderedProtocols(row.original.protocols).map((p) => (
            <ProtocolChip key={p} name={p} />
          ))}
        </span>
      ),
  },
  {
    id: 'peers',
    header: 'Peers',
    size: 56,
    meta: { numeric: true },
    cell: ({ row }) => row.original?.peers,
  },
  {
    id: 'first',
    header: 'First seen',
    size: 150,
    meta: { sort: 'first', numeric: true },
    cell: ({ row }) => row.original && dateTime(row.original.first),
  },
  {
    id: 'last',
    header: 'Last seen',
    size: 145,
    meta: { sort: 'last', numeric: true },
    cell: ({ row }) => row.original && dateTime(row.original.last),
  },
];

export const DEFAULT_HIDDEN: VisibilityState = { serial: false, first: false, peers: false };

const KEY = 'lineguard.inventory.columns';

/** The user's column choice from storage; anything unreadable falls back to the defaults. */
export function loadVisibility(storage: Pick<Storage, 'getItem'>): VisibilityState {
  try {
    const saved: unknown = JSON.parse(storage.getItem(KEY) ?? 'null');
    if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
      const known = new Set(COLUMNS.map((c) => c.id));
      const out: VisibilityState = { ...DEFAULT_HIDDEN };
      for (const [k, v] of Object.entries(saved)) if (known.has(k) && typeof v === 'boolean') out[k] = v;
      return out;
    }
  } catch {
    // Corrupt JSON: the defaults.
  }
  return { ...DEFAULT_HIDDEN };
}

export function saveVisibility(storage: Pick<Storage, 'setItem'>, v: VisibilityState): void {
  storage.setItem(KEY, JSON.stringify(v));
}
