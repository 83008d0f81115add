/** The small marks that carry meaning at a glance: role, Purdue level, operation, protocol. */
import type { OpKind, Role } from '../lib/hub-types.js';
import { opRisk } from '../lib/ops.js';
import { isIndustrial, protocolColour } from '../lib/protocols.js';
import { type PurdueLevel, purdueBadge, purdueColour, purdueName, ROLE_STYLE, textOn } from '../lib/roles.js';

export function RoleBadge({ role, long }: { role: Role; long?: boolean }) {
  const s = ROLE_STYLE[role];
  return (
    <span className="badge role" style={{ background: s.colour, color: textOn(s.colour) }} title={s.label}>
      {long ? s.label : s.short}
    </span>
  );
}

export function PurdueBadge({ level }: { level: PurdueLevel }) {
  const c = purdueColour(level);
  return (
    <span
      className="badge purdue"
      style={{ borderColor: c, color: c }}
      title={`Purdue ${purdueBadge(level)}: ${purdueName(level)}`}
    >
      {purdueBadge(level)}
    </span>
  );
}

export function OpBadge({ op, n }: { op: OpKind; n?: number }) {
  return (
    <span className={`badge op op-${opRisk(op)}`} title={n === undefined ? op : `${n} × ${op}`}>
      {op}
      {n === undefined ? null : <span className="op-n">{n.toLocaleString('en-US')}</span>}
    </span>
  );
}

export function ProtocolChip({ name }: { name: string }) {
  return (
    <span className={`chip${isIndustrial(name) ? ' ics' : ''}`}>
      <span className="dot" style={{ background: protocolColour(name) }} />
      {name}
    </span>
  );
}
