/**
 * The Cedar schema every policy is validated against. Principals are users, members of groups
 * and of their supplier; resources are assets, in a zone and in asset groups. The context of
 * every request: the time (to the minute), the grant that covers it, the MFA behind the
 * session, the client certificate, the source address and the operation's target.
 */
import { OP_KINDS, OP_PROTOCOLS, OPERATION_ACTIONS } from './actions.js';

const CONTEXT = `{
  now: datetime,
  grant: { active: Bool, id: String },
  mfa: { present: Bool, ageMinutes: Long, phishingResistant: Bool },
  certificate: { present: Bool, fingerprint: String, device: String },
  source: ipaddr,
  target: { unit: Long, space: String, start: Long, end: Long },
}`;

function build(): string {
  const lines = [
    'entity Group;',
    'entity Supplier;',
    'entity User in [Group, Supplier] = { name: String, kind: String, disabled: Bool };',
    'entity Zone;',
    'entity AssetGroup;',
    'entity Asset in [Zone, AssetGroup] = { name: String, protocol: String, isolated: Bool };',
    `type RequestContext = ${CONTEXT};`,
    `action ${OP_KINDS.map((k) => `"${k}"`).join(', ')};`,
    `action ${OP_PROTOCOLS.map((p) => `"${p}"`).join(', ')};`,
    'action "connect" appliesTo { principal: User, resource: Asset, context: RequestContext };',
  ];
  for (const a of OPERATION_ACTIONS) {
    const [p, k] = a.split(':');
    lines.push(
      `action "${a}" in ["${k}", "${p}"] appliesTo { principal: User, resource: Asset, context: RequestContext };`,
    );
  }
  return lines.join('\n');
}

export const CEDAR_SCHEMA = build();
