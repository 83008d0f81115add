/**
 * The access pages: grants and approvals, live sessions, recordings, your security keys, and
 * (by role) people, suppliers, the policy and the audit log. What a tab shows, the hub also
 * enforces; tabs only hide what the role cannot open.
 */
import type { ReactNode } from 'react';
import { ACCESS_SECTIONS, type AccessSection, routeHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { Link } from '../ui/link.js';
import { Failed, Loading } from '../ui/states.js';
import { AuditSection } from './audit.js';
import { GrantsSection } from './grants.js';
import { KeysSection } from './keys.js';
import { PolicySection } from './policy.js';
import { RecordingsSection } from './recordings.js';
import { SessionsSection } from './sessions.js';
import { SuppliersSection } from './suppliers.js';
import type { AccessMe } from './types.js';
import { UsersSection } from './users.js';
import './access.css';

const LABEL: Record<AccessSection, string> = {
  grants: 'Grants',
  sessions: 'Live sessions',
  recordings: 'Recordings',
  keys: 'My keys',
  users: 'People',
  suppliers: 'Suppliers',
  policy: 'Policy',
  audit: 'Audit log',
};

const RANK = { viewer: 0, engineer: 1, admin: 2 } as const;
const NEEDS: Partial<Record<AccessSection, AccessMe['role']>> = {
  sessions: 'engineer',
  recordings: 'engineer',
  policy: 'engineer',
  users: 'admin',
  audit: 'admin',
};

function allowed(me: AccessMe, s: AccessSection): boolean {
  const need = NEEDS[s];
  return need === undefined || RANK[me.role] >= RANK[need];
}

export function AccessPage({ section, id }: { section: AccessSection; id?: string }) {
  const [me, reloadMe] = useApi<AccessMe>('/api/access/me');
  if (me.state === 'loading') return <Loading what="your access" />;
  if (me.state === 'error')
    return me.status === 404 ? (
      <div className="state empty">
        The access gateway is not running in this hub. Start <code>lineguard serve</code> with{' '}
        <code>LINEGUARD_CA_PASSPHRASE</code> or <code>LINEGUARD_CA_PASSPHRASE_FILE</code> set.
      </div>
    ) : (
      <Failed what="your access" error={me.error} retry={reloadMe} />
    );
  const m = me.data;
  let body: ReactNode;
  if (!allowed(m, section))
    body = <Failed what={LABEL[section].toLowerCase()} error={`this needs the ${NEEDS[section]} role`} />;
  else
    switch (section) {
      case 'grants':
        body = <GrantsSection me={m} />;
        break;
      case 'sessions':
        body = <SessionsSection me={m} />;
        break;
      case 'recordings':
        body = <RecordingsSection {...(id !== undefined ? { id } : {})} />;
        break;
      case 'keys':
        body = <KeysSection me={m} onChange={reloadMe} />;
        break;
      case 'users':
        body = <UsersSection />;
        break;
      case 'suppliers':
        body = <SuppliersSection me={m} />;
        break;
      case 'policy':
        body = <PolicySection me={m} />;
        break;
      case 'audit':
        body = <AuditSection />;
        break;
    }
  return (
    <div className="access">
      <div className="page-head">
        <h1>Access</h1>
        <span className="muted small">
          {m.identity
            ? `${m.identity.name} · ${m.identity.kind}${m.identity.supplier ? ` of ${m.identity.supplier}` : ''}${m.approver ? ' · approver' : ''}`
            : 'not yet in the access directory'}
        </span>
      </div>
      <nav className="segmented access-tabs" aria-label="Access">
        {ACCESS_SECTIONS.filter((s) => allowed(m, s)).map((s) => (
          <Link
            key={s}
            href={routeHref({ page: 'access', section: s })}
            aria-current={s === section ? 'page' : undefined}
          >
            {LABEL[s]}
          </Link>
        ))}
      </nav>
      {body}
    </div>
  );
}
