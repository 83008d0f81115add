/** A short table of assets (the dashboard's newest), each row a link to the asset. */
import { assetTitle, dateTime } from '../lib/format.js';
import type { AssetRow } from '../lib/hub-types.js';
import { assetHref } from '../lib/route.js';
import { PurdueBadge, RoleBadge } from './badges.js';
import { Link } from './link.js';

export function NewestAssets({ rows }: { rows: AssetRow[] }) {
  if (rows.length === 0) return <p className="muted">No assets yet.</p>;
  return (
    <table className="grid-table">
      <thead>
        <tr>
          <th>Asset</th>
          <th>Role</th>
          <th>Level</th>
          <th>IP</th>
          <th>MAC</th>
          <th>Vendor</th>
          <th>Model</th>
          <th>First seen</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id}>
            <td>
              <Link href={assetHref(a.id)}>{assetTitle(a)}</Link>
            </td>
            <td>
              <RoleBadge role={a.role} />
            </td>
            <td>
              <PurdueBadge level={a.purdue} />
            </td>
            <td className="mono">{a.ips[0] ?? ''}</td>
            <td className="mono">{a.macs[0] ?? ''}</td>
            <td>{a.vendor ?? ''}</td>
            <td>{a.model ?? ''}</td>
            <td className="num">{dateTime(a.first)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
