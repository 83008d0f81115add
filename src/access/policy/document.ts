/**
 * A policy document: the operator's Cedar text, split into named policies, checked against
 * the schema and the reason vocabulary, joined with the gateway's own system policies, and
 * parsed into wasm. A document that fails any check is refused whole with every problem
 * named; the one in force stays.
 */
import { annotationsOf, preparse, splitPolicies, validatePolicies } from './cedar.js';
import { isReason, type Reason } from './reasons.js';

export interface NamedPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  reason?: Reason;
  system: boolean;
  text: string;
}

export interface PolicyProblem {
  /** The policy's id, when the problem is inside one. */
  policy?: string;
  message: string;
}

export interface CompiledPolicies {
  /** wasm's id of the parsed set. */
  setId: string;
  policies: ReadonlyMap<string, NamedPolicy>;
  text: string;
}

/** Policies every document carries: fixed states that refuse whatever the operator allows. */
export const SYSTEM_POLICIES = `
@id("system:user-disabled")
@reason("user-disabled")
forbid (principal, action, resource) when { principal.disabled };

@id("system:asset-isolated")
@reason("asset-isolated")
forbid (principal, action, resource) when { resource.isolated };
`;

/** The document a new gateway starts with: grants open access; every session needs a fresh MFA. */
export const DEFAULT_POLICY = `// An approved grant, inside its window, permits what it names.
@id("grant-permits")
@reason("grant-active")
permit (principal, action, resource)
when { context.grant.active };

// Every request needs a phishing-resistant login less than 8 hours old.
@id("mfa-fresh")
@reason("mfa-stale")
forbid (principal, action, resource)
unless { context.mfa.present && context.mfa.phishingResistant && context.mfa.ageMinutes < 480 };
`;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

function named(text: string, system: boolean, problems: PolicyProblem[]): NamedPolicy[] {
  const split = splitPolicies(text);
  if (!split.ok) {
    for (const e of split.errors) problems.push({ message: cedarMessage(e.message, e.help) });
    return [];
  }
  const out: NamedPolicy[] = [];
  split.policies.forEach((p, i) => {
    const a = annotationsOf(p);
    if (!a.ok) {
      for (const e of a.errors) problems.push({ message: cedarMessage(e.message, e.help) });
      return;
    }
    const id = a.annotations.id ?? `policy${i}`;
    if (!ID_RE.test(id))
      problems.push({ policy: id, message: `@id "${id}": letters, digits and . _ : - only` });
    else if (!system && id.startsWith('system:'))
      problems.push({
        policy: id,
        message: `@id "${id}": ids starting with "system:" are the gateway's own`,
      });
    const reason = a.annotations.reason;
    if (reason !== undefined && !isReason(reason))
      problems.push({ policy: id, message: `@reason "${reason}" is not one of the gateway's reasons` });
    out.push({
      id,
      effect: a.effect,
      ...(reason !== undefined && isReason(reason) ? { reason } : {}),
      system,
      text: p,
    });
  });
  return out;
}

function cedarMessage(message: string, help: string | null): string {
  return help ? `${message} (${help})` : message;
}

export function compilePolicies(
  text: string,
): { ok: true; compiled: CompiledPolicies } | { ok: false; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const all = [...named(SYSTEM_POLICIES, true, problems), ...named(text, false, problems)];
  const byId = new Map<string, NamedPolicy>();
  for (const p of all) {
    if (byId.has(p.id)) problems.push({ policy: p.id, message: `two policies have the id "${p.id}"` });
    byId.set(p.id, p);
  }
  if (problems.length > 0) return { ok: false, problems };
  const record = Object.fromEntries([...byId].map(([id, p]) => [id, p.text]));
  for (const v of validatePolicies(record)) {
    // Cedar repeats a type error once per action the policy applies to: say it once.
    const msg = cedarMessage(v.error.message.replace(/ for Action::"[^"]*"/g, ''), v.error.help);
    if (!problems.some((p) => p.policy === v.policy && p.message === msg))
      problems.push({ ...(v.policy !== undefined ? { policy: v.policy } : {}), message: msg });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, compiled: { setId: preparse(record), policies: byId, text } };
}
