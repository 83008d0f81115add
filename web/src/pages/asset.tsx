/**
 * One asset: who it is (with the evidence for every identity fact), why it has its role and
 * level, what it speaks, whom it talks to, and which operations it performed or received —
 * the ones that change the process first and marked.
 */

import { orderedProtocols } from '../inventory/columns.js';
import { assetPath } from '../lib/api.js';
import { assetIdText, assetTitle, bytes, count, dateTime, percent } from '../lib/format.js';
import type { Asset, FlowRow, OpRow } from '../lib/hub-types.js';
import { changesProcess, opEntries, opRisk, worstOp } from '../lib/ops.js';
import { purdueName, ROLE_STYLE } from '../lib/roles.js';
import { assetHref, routeHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { OpBadge, ProtocolChip, PurdueBadge, RoleBadge } from '../ui/badges.js';
import { Link } from '../ui/link.js';
import { Failed, Load } from '../ui/states.js';

export function AssetPage({ id }: { id: string }) {
  const [asset, reload] = useApi<Asset>(assetPath(id));
  if (asset.state === 'error' && asset.status === 404)
    return (
      <Failed
        what={`asset ${assetIdText(id)}`}
        error="the hub has no asset with this id (it may have merged into another)"
      />
    );
  return (
    <Load value={asset} what="the asset" retry={reload}>
      {(a) => <AssetView asset={a} />}
    </Load>
  );
}

function AssetView({ asset: a }: { asset: Asset }) {
  const [ops] = useApi<{ items: OpRow[] }>(assetPath(a.id, 'operations'));
  const [flows] = useApi<{ items: FlowRow[] }>(assetPath(a.id, 'flows'));
  const role = ROLE_STYLE[a.role.role];
  const risky = a.peers.filter((p) => worstOp(p.opsReceived) || worstOp(p.opsSent));
  const names: Names = new Map(a.peers.map((p) => [p.asset, p.name]));

  return (
    <div className="asset">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/assets">Inventory</Link> › <span>{assetTitle(a)}</span>
      </nav>
      <div className="page-head">
        <h1>{assetTitle(a)}</h1>
        <RoleBadge role={a.role.role} long />
        <PurdueBadge level={a.purdue.level} />
        <span className="muted">{purdueName(a.purdue.level)}</span>
        <div className="spacer" />
        <Link className="btn" href={routeHref({ page: 'map', focus: a.id })}>
          Show on network map
        </Link>
      </div>

      {risky.length ? (
        <div className="alert-strip" role="note">
          <strong>Process-changing operations.</strong>
          {risky.map((p) => (
            <span key={p.asset}>
              {opEntries(p.opsReceived)
                .filter(([k]) => changesProcess(k))
                .map(([k, n]) => (
                  <span key={`r-${k}`} className="risk-line">
                    <OpBadge op={k} n={n} /> received from <Link href={assetHref(p.asset)}>{p.name}</Link>
                  </span>
                ))}
              {opEntries(p.opsSent)
                .filter(([k]) => changesProcess(k))
                .map(([k, n]) => (
                  <span key={`s-${k}`} className="risk-line">
                    <OpBadge op={k} n={n} /> sent to <Link href={assetHref(p.asset)}>{p.name}</Link>
                  </span>
                ))}
            </span>
          ))}
        </div>
      ) : null}

      <div className="asset-grid">
        <section className="card" aria-labelledby="identity">
          <h2 id="identity">Identity</h2>
          <dl className="facts">
            <dt>IP addresses</dt>
            <dd className="mono">{a.ips.join(', ') || '—'}</dd>
            <dt>MAC addresses</dt>
            <dd className="mono">{a.macs.join(', ') || '—'}</dd>
            <dt>Names</dt>
            <dd>{a.names.join(', ') || '—'}</dd>
            <dt>Vendor</dt>
            <dd>{a.vendor ?? '—'}</dd>
            <dt>Model</dt>
            <dd>{a.model ?? '—'}</dd>
            <dt>Firmware</dt>
            <dd>{a.firmware ?? '—'}</dd>
            <dt>Serial</dt>
            <dd className="mono">{a.serial ?? '—'}</dd>
            <dt>First seen</dt>
            <dd>{dateTime(a.first)}</dd>
            <dt>Last seen</dt>
            <dd>{dateTime(a.last)}</dd>
            <dt>Asset id</dt>
            <dd className="mono muted">{a.id}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="why">
          <h2 id="why">Why {role.label}</h2>
          <p>
            <RoleBadge role={a.role.role} long /> with {percent(a.role.confidence)} confidence
          </p>
          <ul className="reasons">
            {a.role.reasons.map((r) => (
              <li key={r} className="mono">
                {r}
              </li>
            ))}
          </ul>
          <p>
            <PurdueBadge level={a.purdue.level} /> {purdueName(a.purdue.level)}
          </p>
          <ul className="reasons">
            {a.purdue.reasons.map((r) => (
              <li key={r} className="mono">
                {r}
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section className="card" aria-labelledby="evidence">
        <h2 id="evidence">Identity facts and evidence</h2>
        <table className="grid-table">
          <thead>
            <tr>
              <th>Fact</th>
              <th>Value</th>
              <th>Protocol</th>
              <th>Source</th>
              <th className="num">First seen</th>
              <th className="num">Last seen</th>
              <th className="num">Frame</th>
              <th className="num">Times</th>
            </tr>
          </thead>
          <tbody>
            {a.facts.map((f) => (
              <tr key={`${f.key}=${f.value}@${f.evidence.protocol}`}>
                <td className="mono">{f.key}</td>
                <td>{f.value}</td>
                <td>
                  <ProtocolChip name={f.evidence.protocol} />
                </td>
                <td className="clip" title={f.evidence.source}>
                  {f.evidence.source}
                </td>
                <td className="num">{dateTime(f.evidence.first)}</td>
                <td className="num">{dateTime(f.evidence.last)}</td>
                <td className="num">{f.evidence.frame ?? '—'}</td>
                <td className="num">{count(f.evidence.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="protocols">
        <h2 id="protocols">Protocols</h2>
        <table className="grid-table">
          <thead>
            <tr>
              <th>Protocol</th>
              <th>As</th>
              <th>Server ports</th>
              <th className="num">First seen</th>
              <th className="num">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {orderedProtocols(a.protocols.map((p) => p.name)).map((name) => {
              const p = a.protocols.find((x) => x.name === name)!;
              return (
                <tr key={name}>
                  <td>
                    <ProtocolChip name={name} />
                  </td>
                  <td>
                    {[p.server ? 'server' : '', p.client ? 'client' : ''].filter(Boolean).join(' and ') ||
                      'seen'}
                  </td>
                  <td className="mono">{p.ports.join(', ')}</td>
                  <td className="num">{dateTime(p.first)}</td>
                  <td className="num">{dateTime(p.last)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="peers">
        <h2 id="peers">Peers ({a.peers.length})</h2>
        <table className="grid-table">
          <thead>
            <tr>
              <th>Peer</th>
              <th>This asset as</th>
              <th>Protocols</th>
              <th className="num">Packets</th>
              <th className="num">Bytes</th>
              <th>Operations sent</th>
              <th>Operations received</th>
            </tr>
          </thead>
          <tbody>
            {a.peers.map((p) => (
              <tr
                key={p.asset}
                className={worstOp(p.opsReceived) || worstOp(p.opsSent) ? 'risky' : undefined}
              >
                <td>
                  <Link href={assetHref(p.asset)}>{p.name}</Link>
                  {p.name !== assetIdText(p.asset) ? (
                    <div className="muted mono">{assetIdText(p.asset)}</div>
                  ) : null}
                </td>
                <td>{p.as}</td>
                <td>
                  <span className="chips">
                    {orderedProtocols(p.protocols).map((x) => (
                      <ProtocolChip key={x} name={x} />
                    ))}
                  </span>
                </td>
                <td className="num">{count(p.packets)}</td>
                <td className="num">{bytes(p.bytes)}</td>
                <td>
                  {opEntries(p.opsSent).map(([k, n]) => (
                    <OpBadge key={k} op={k} n={n} />
                  ))}
                </td>
                <td>
                  {opEntries(p.opsReceived).map(([k, n]) => (
                    <OpBadge key={k} op={k} n={n} />
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="operations">
        <h2 id="operations">Operations</h2>
        <Load value={ops} what="the operations">
          {({ items }) => <Operations self={a.id} names={names} rows={items} />}
        </Load>
      </section>

      <section className="card" aria-labelledby="flows">
        <h2 id="flows">Flows</h2>
        <Load value={flows} what="the flows">
          {({ items }) => <Flows self={a.id} names={names} rows={items} />}
        </Load>
      </section>
    </div>
  );
}

/** Peer asset id → what it is called (from the asset's peers). */
type Names = ReadonlyMap<string, string>;

function Party({ id, self, names }: { id: string; self: string; names: Names }) {
  return id === self ? (
    <span className="muted">this asset</span>
  ) : (
    <Link href={assetHref(id)}>{names.get(id) ?? assetIdText(id)}</Link>
  );
}

const RISK_ORDER = { high: 0, medium: 1, low: 2 };

function Operations({ self, names, rows }: { self: string; names: Names; rows: OpRow[] }) {
  if (rows.length === 0) return <p className="muted">No industrial operations seen.</p>;
  const sorted = [...rows].sort(
    (x, y) => RISK_ORDER[opRisk(x.op)] - RISK_ORDER[opRisk(y.op)] || y.count - x.count,
  );
  return (
    <table className="grid-table">
      <thead>
        <tr>
          <th>Client</th>
          <th>Server</th>
          <th>Protocol</th>
          <th>Operation</th>
          <th>Code</th>
          <th>Target</th>
          <th className="num">Count</th>
          <th className="num">Failed</th>
          <th className="num">First</th>
          <th className="num">Last</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((o) => (
          <tr
            key={`${o.client}>${o.server}:${o.protocol}:${o.op}:${o.code}:${o.target ?? ''}`}
            className={changesProcess(o.op) ? 'risky' : undefined}
          >
            <td className="mono">
              <Party id={o.client} self={self} names={names} />
            </td>
            <td className="mono">
              <Party id={o.server} self={self} names={names} />
            </td>
            <td>
              <ProtocolChip name={o.protocol} />
            </td>
            <td>
              <OpBadge op={o.op} />
            </td>
            <td className="mono">{o.code}</td>
            <td className="mono clip" title={o.target}>
              {o.target ?? ''}
            </td>
            <td className="num">{count(o.count)}</td>
            <td className={o.failed ? 'num bad' : 'num'}>{count(o.failed)}</td>
            <td className="num">{dateTime(o.first)}</td>
            <td className="num">{dateTime(o.last)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Flows({ self, names, rows }: { self: string; names: Names; rows: FlowRow[] }) {
  if (rows.length === 0) return <p className="muted">No flows seen.</p>;
  return (
    <table className="grid-table">
      <thead>
        <tr>
          <th>Client</th>
          <th>Server</th>
          <th>Transport</th>
          <th>Application</th>
          <th className="num">Port</th>
          <th className="num">Flows</th>
          <th className="num">Packets →/←</th>
          <th className="num">Bytes →/←</th>
          <th className="num">First</th>
          <th className="num">Last</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={`${f.client}>${f.server}:${f.transport}:${f.serverPort ?? ''}:${f.app ?? ''}`}>
            <td className="mono">
              <Party id={f.client} self={self} names={names} />
            </td>
            <td className="mono">
              <Party id={f.server} self={self} names={names} />
            </td>
            <td>{f.transport}</td>
            <td>{f.app ? <ProtocolChip name={f.app} /> : <span className="muted">unrecognised</span>}</td>
            <td className="num">{f.serverPort ?? ''}</td>
            <td className="num">{count(f.flows)}</td>
            <td className="num">
              {count(f.packets[0])} / {count(f.packets[1])}
            </td>
            <td className="num">
              {bytes(f.bytes[0])} / {bytes(f.bytes[1])}
            </td>
            <td className="num">{dateTime(f.first)}</td>
            <td className="num">{dateTime(f.last)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
