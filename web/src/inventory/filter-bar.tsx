/** The inventory's filters: search, roles, vendor, protocol and subnet, each written to the URL. */
import { useEffect, useState } from 'react';
import type { Role, Stats } from '../lib/hub-types.js';
import { ROLE_STYLE, ROLES } from '../lib/roles.js';
import { RoleBadge } from '../ui/badges.js';
import { hasFilters, type InventoryFilters, NO_FILTERS } from './filters.js';

const TYPING_PAUSE_MS = 250;

export function FilterBar(props: {
  filters: InventoryFilters;
  stats?: Stats;
  onChange: (f: InventoryFilters, opts?: { replace?: boolean }) => void;
}) {
  const { filters, stats, onChange } = props;
  const [q, setQ] = useState(filters.q);
  const [subnet, setSubnet] = useState(filters.subnet);
  const [vendor, setVendor] = useState(filters.vendor);

  // Back/forward and links change the URL under us: follow it.
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => setSubnet(filters.subnet), [filters.subnet]);
  useEffect(() => setVendor(filters.vendor), [filters.vendor]);

  // Search as the user types, once they pause; replace rather than push each keystroke.
  useEffect(() => {
    if (q.trim() === filters.q) return;
    const t = setTimeout(() => onChange({ ...filters, q: q.trim() }, { replace: true }), TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [q, filters, onChange]);

  const toggleRole = (r: Role) =>
    onChange({
      ...filters,
      roles: filters.roles.includes(r) ? filters.roles.filter((x) => x !== r) : [...filters.roles, r],
    });

  const roleSummary =
    filters.roles.length === 0
      ? 'All roles'
      : filters.roles.length <= 2
        ? filters.roles.map((r) => ROLE_STYLE[r].label).join(', ')
        : `${filters.roles.length} roles`;

  return (
    <div className="filters">
      <input
        type="search"
        className="search"
        placeholder="Search IP, MAC, name, vendor, model, firmware, serial"
        aria-label="Search assets"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <details className="dropdown">
        <summary className={filters.roles.length ? 'btn active' : 'btn'} aria-label="Filter by role">
          {roleSummary}
        </summary>
        <fieldset className="menu roles-menu">
          <legend className="sr-only">Roles</legend>
          {ROLES.map((r) => (
            <label key={r}>
              <input type="checkbox" checked={filters.roles.includes(r)} onChange={() => toggleRole(r)} />
              <RoleBadge role={r} />
              <span className="grow">{ROLE_STYLE[r].label}</span>
              {stats ? <span className="muted num">{stats.byRole[r] ?? 0}</span> : null}
            </label>
          ))}
        </fieldset>
      </details>
      <input
        className="vendor"
        placeholder="Vendor"
        aria-label="Vendor"
        list="vendor-list"
        value={vendor}
        onChange={(e) => setVendor(e.target.value)}
        onBlur={() => vendor.trim() !== filters.vendor && onChange({ ...filters, vendor: vendor.trim() })}
        onKeyDown={(e) => e.key === 'Enter' && onChange({ ...filters, vendor: vendor.trim() })}
      />
      <datalist id="vendor-list">
        {stats?.byVendor.map((v) => (
          <option key={v.vendor} value={v.vendor} />
        ))}
      </datalist>
      <select
        aria-label="Protocol"
        value={filters.protocol}
        onChange={(e) => onChange({ ...filters, protocol: e.target.value })}
        className={filters.protocol ? 'active' : undefined}
      >
        <option value="">All protocols</option>
        {[...(stats?.protocols ?? [])]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({p.assets})
            </option>
          ))}
        {filters.protocol && !stats?.protocols.some((p) => p.name === filters.protocol) ? (
          <option value={filters.protocol}>{filters.protocol}</option>
        ) : null}
      </select>
      <input
        className="subnet mono"
        placeholder="Subnet, e.g. 10.10.1.0/24"
        aria-label="Subnet"
        value={subnet}
        spellCheck={false}
        onChange={(e) => setSubnet(e.target.value)}
        onBlur={() => subnet.trim() !== filters.subnet && onChange({ ...filters, subnet: subnet.trim() })}
        onKeyDown={(e) => e.key === 'Enter' && onChange({ ...filters, subnet: subnet.trim() })}
      />
      {hasFilters(filters) ? (
        <button
          type="button"
          className="btn ghost"
          onClick={() =>
            onChange({ ...NO_FILTERS, ...(filters.sort ? { sort: filters.sort } : {}), order: filters.order })
          }
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
