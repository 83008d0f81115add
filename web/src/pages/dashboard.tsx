/**
 * The dashboard: how many assets, of which roles, at which Purdue levels, from which vendors,
 * speaking which protocols, and the newest arrivals. Every count links to the inventory rows
 * behind it.
 */
import { useMemo } from 'react';
import { inventoryHref } from '../inventory/filters.js';
import { count } from '../lib/format.js';
import type { Stats } from '../lib/hub-types.js';
import { navigate } from '../lib/nav.js';
import { isIndustrial, protocolColour } from '../lib/protocols.js';
import {
  GROUP_LABEL,
  PURDUE_LEVELS,
  purdueBadge,
  purdueColour,
  purdueName,
  ROLE_STYLE,
  ROLES,
  type RoleGroup,
} from '../lib/roles.js';
import { useApi } from '../lib/use-api.js';
import { NewestAssets } from '../ui/asset-list.js';
import { RoleBadge } from '../ui/badges.js';
import { type Bar, BarChart } from '../ui/bar-chart.js';
import { Link } from '../ui/link.js';
import { Load } from '../ui/states.js';

const GROUPS: RoleGroup[] = ['control', 'supervisory', 'network', 'it', 'unknown'];

export function DashboardPage() {
  const [stats, reload] = useApi<Stats>('/api/stats');
  return (
    <>
      <div className="page-head">
        <h1>Dashboard</h1>
      </div>
      <Load value={stats} what="the statistics" retry={reload}>
        {(s) => <Dashboard stats={s} />}
      </Load>
    </>
  );
}

function Dashboard({ stats }: { stats: Stats }) {
  return (
    <div className="dashboard">
      <section className="tiles" aria-label="Asset counts">
        <Link className="tile total" href="/assets" data-testid="count-assets">
          <span className="tile-n">{count(stats.assets)}</span>
          <span className="tile-label">Assets</span>
        </Link>
        {GROUPS.map((g) => {
          const inGroup = ROLES.filter((r) => ROLE_STYLE[r].group === g);
          const n = inGroup.reduce((sum, r) => sum + (stats.byRole[r] ?? 0), 0);
          return (
            <Link
              key={g}
              className={`tile group-${g}`}
              href={inventoryHref({ roles: inGroup })}
              data-testid={`count-${g}`}
            >
              <span className="tile-n">{count(n)}</span>
              <span className="tile-label">{GROUP_LABEL[g]}</span>
            </Link>
          );
        })}
      </section>

      {stats.assets === 0 ? (
        <section className="card wide empty-plant">
          <h2>No assets yet</h2>
          <p>
            The inventory fills from network traffic: <Link href="/upload">upload a capture</Link> (pcap or
            pcapng) taken on a SPAN port or tap of the plant network.
          </p>
        </section>
      ) : (
        <Charts stats={stats} />
      )}
    </div>
  );
}

function Charts({ stats }: { stats: Stats }) {
  const roles = ROLES.filter((r) => (stats.byRole[r] ?? 0) > 0);
  const purdue = useMemo(() => purdueBars(stats), [stats]);
  const protocols = useMemo(() => protocolBars(stats), [stats]);
  const vendors = useMemo(() => vendorBars(stats), [stats]);
  const maxRole = Math.max(1, ...roles.map((r) => stats.byRole[r] ?? 0));

  return (
    <>
      <section className="card" aria-labelledby="by-role">
        <h2 id="by-role">Assets by role</h2>
        <ul className="role-bars">
          {roles.map((r) => {
            const n = stats.byRole[r] ?? 0;
            return (
              <li key={r} data-role={r}>
                <Link href={inventoryHref({ roles: [r] })}>
                  <RoleBadge role={r} />
                  <span className="role-name">{ROLE_STYLE[r].label}</span>
                  <span className="bar">
                    <span style={{ width: `${(n / maxRole) * 100}%`, background: ROLE_STYLE[r].colour }} />
                  </span>
                  <span className="n" data-testid={`role-count-${r}`}>
                    {count(n)}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card" aria-labelledby="by-purdue">
        <h2 id="by-purdue">Purdue levels</h2>
        <BarChart bars={purdue} label="Assets per Purdue level" />
      </section>

      <section className="card" aria-labelledby="by-protocol">
        <h2 id="by-protocol">
          Protocol mix <span className="muted small">assets speaking each · industrial in colour</span>
        </h2>
        <BarChart
          bars={protocols}
          label="Assets per protocol"
          onSelect={(b) => navigate(inventoryHref({ protocol: b.label }))}
        />
      </section>

      <section className="card" aria-labelledby="by-vendor">
        <h2 id="by-vendor">Top vendors</h2>
        <BarChart
          bars={vendors}
          label="Assets per vendor"
          onSelect={(b) => navigate(inventoryHref({ vendor: b.label }))}
        />
      </section>

      <section className="card wide" aria-labelledby="newest">
        <h2 id="newest">Newest assets</h2>
        <NewestAssets rows={stats.newest} />
      </section>
    </>
  );
}

function purdueBars(stats: Stats): Bar[] {
  return PURDUE_LEVELS.flatMap((level) => {
    const n = stats.byPurdue.find((p) => p.level === level)?.assets ?? 0;
    if (n === 0 && level === null) return [];
    return [{ label: `${purdueBadge(level)} ${purdueName(level)}`, value: n, colour: purdueColour(level) }];
  });
}

/** The 14 most used protocols; IT protocols in their muted tones so the industrial ones stand out. */
function protocolBars(stats: Stats): Bar[] {
  return [...stats.protocols]
    .sort((a, b) => b.assets - a.assets || Number(isIndustrial(b.name)) - Number(isIndustrial(a.name)))
    .slice(0, 14)
    .map((p) => ({
      label: p.name,
      value: p.assets,
      colour: protocolColour(p.name),
      note: `${count(p.flows)} flows`,
    }));
}

function vendorBars(stats: Stats): Bar[] {
  return [...stats.byVendor]
    .sort((a, b) => b.assets - a.assets)
    .slice(0, 10)
    .map((v) => ({ label: v.vendor, value: v.assets, colour: '#4a6d8c' }));
}
