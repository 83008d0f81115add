/**
 * Decisions: preconditions the gateway knows without Cedar (who, what), the grant that covers
 * the request, then Cedar over the user and asset entities and the request's context, behind
 * the decision cache. `explain` runs the same path without the cache and returns what Cedar
 * was given.
 */
import { isIP } from 'node:net';
import type { Asset, Directory, User } from '../directory/directory.js';
import type { ActionId } from './actions.js';
import type { DecisionCache, Entry } from './cache.js';
import { authorize, type CedarContext, type CedarEntity } from './cedar.js';
import { type AccessRequest, type Decision, NO_TARGET, type Target } from './decision.js';
import type { CompiledPolicies, NamedPolicy } from './document.js';
import type { Reason } from './reasons.js';

export type GrantCoverage =
  | { status: 'active'; id: string }
  | { status: 'outside-window' | 'operation-not-permitted' | 'missing' };

export interface GrantLookup {
  covering(user: string, asset: Asset, action: ActionId, at: number): GrantCoverage;
}

export interface Explanation {
  decision: Decision;
  request: AccessRequest;
  at: number;
  context: CedarContext;
  /** The determining policies with their text. */
  determining: NamedPolicy[];
}

/** "No MFA" as an age: older than any policy's limit. */
const NO_MFA_AGE = 1_000_000_000;

const MINUTE = 60_000;

export class Decider {
  constructor(
    private readonly directory: Directory,
    private readonly grants: GrantLookup,
    private readonly policies: () => CompiledPolicies,
    readonly cache: DecisionCache,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A decision through the cache. */
  decide(req: AccessRequest, at = this.clock()): Decision {
    return this.decideKeyed(fixedKey(req), req, req.action, req.target ?? NO_TARGET, at);
  }

  /**
   * The proxies' path: `prefix` is `fixedKey` of the session's fixed part (user, asset,
   * source, certificate, MFA), computed once per session.
   */
  decideKeyed(
    prefix: string,
    fixed: AccessRequest,
    action: ActionId,
    t: Target,
    at = this.clock(),
  ): Decision {
    return this.entryKeyed(prefix, fixed, action, t, at).decision;
  }

  /** `decideKeyed` with the time the decision stays valid until. */
  entryKeyed(prefix: string, fixed: AccessRequest, action: ActionId, t: Target, at: number): Entry {
    const key = `${prefix}${action}\u0001${t.unit}\u0001${t.space}\u0001${t.start}\u0001${t.end}`;
    const hit = this.cache.entry(key, at);
    if (hit !== undefined) return hit;
    const req: AccessRequest = { ...fixed, action, target: t };
    const d = this.evaluate(req, at).decision;
    return this.cache.set(key, d, validUntil(req, at));
  }

  /** The decisions of one session (its fixed part keyed once, a memo in front of the cache). */
  session(fixed: AccessRequest): SessionDecisions {
    return new SessionDecisions(this, fixed);
  }

  get clockNow(): () => number {
    return this.clock;
  }

  explain(req: AccessRequest, at = this.clock()): Explanation {
    const { decision, context } = this.evaluate(req, at, true);
    const set = this.policies().policies;
    return {
      decision,
      request: req,
      at,
      context,
      determining: decision.policies
        .map((id) => set.get(id))
        .filter((p): p is NamedPolicy => p !== undefined),
    };
  }

  private evaluate(
    req: AccessRequest,
    at: number,
    validate = false,
  ): { decision: Decision; context: CedarContext } {
    const context = contextOf(req, at, { active: false, id: '' });
    if (isIP(plainIp(req.source)) === 0) return { decision: deny(['malformed-request']), context };
    const user = this.directory.user(req.user);
    if (user === undefined) return { decision: deny(['principal-unknown']), context };
    const asset = this.directory.asset(req.asset);
    if (asset === undefined) return { decision: deny(['resource-unknown']), context };
    if (req.certificate !== undefined && at >= req.certificate.notAfter)
      return { decision: deny(['certificate-expired']), context };
    const coverage = this.grants.covering(user.id, asset, req.action, at);
    const grant =
      coverage.status === 'active' ? { active: true, id: coverage.id } : { active: false, id: '' };
    context.grant = grant;
    const compiled = this.policies();
    const answer = authorize(
      compiled.setId,
      {
        principal: user.id,
        action: req.action,
        resource: asset.id,
        context,
        entities: entitiesOf(user, asset),
      },
      validate,
    );
    if (!answer.ok)
      return {
        decision: { ...deny(['policy-error']), errors: [{ policy: '', message: answer.message }] },
        context,
      };
    const reasonOf = (id: string, fallback: Reason): Reason => compiled.policies.get(id)?.reason ?? fallback;
    let reasons: Reason[];
    if (answer.allow) reasons = unique(answer.determining.map((id) => reasonOf(id, 'permitted')));
    else if (answer.determining.length > 0)
      reasons = unique(answer.determining.map((id) => reasonOf(id, 'forbidden-by-policy')));
    else {
      reasons = [coverage.status === 'active' ? 'no-matching-policy' : grantReason(coverage.status)];
      if (answer.errors.length > 0) reasons.push('policy-error');
    }
    return {
      decision: {
        allow: answer.allow,
        reasons,
        policies: answer.determining,
        ...(grant.active ? { grant: grant.id } : {}),
        errors: answer.errors,
      },
      context,
    };
  }
}

function grantReason(s: 'outside-window' | 'operation-not-permitted' | 'missing'): Reason {
  return s === 'missing' ? 'grant-missing' : s;
}

function deny(reasons: Reason[]): Decision {
  return { allow: false, reasons, policies: [], errors: [] };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** The part of the cache key that a session holds fixed. */
export function fixedKey(req: AccessRequest): string {
  const c = req.certificate;
  const m = req.mfa;
  return `${req.user}\u0001${req.asset}\u0001${req.source}\u0001${c ? `${c.fingerprint}/${c.device}/${c.notAfter}` : ''}\u0001${m ? `${m.at}/${m.phishingResistant ? 1 : 0}` : ''}\u0001`;
}

/** The first moment a time-derived input of `req` changes after `at`. */
function validUntil(req: AccessRequest, at: number): number {
  let until = (Math.floor(at / MINUTE) + 1) * MINUTE;
  if (req.mfa !== undefined) {
    const age = Math.max(0, at - req.mfa.at);
    until = Math.min(until, req.mfa.at + (Math.floor(age / MINUTE) + 1) * MINUTE);
  }
  if (req.certificate !== undefined) until = Math.min(until, req.certificate.notAfter);
  return until;
}

function isoMinute(at: number): string {
  return `${new Date(Math.floor(at / MINUTE) * MINUTE).toISOString().slice(0, 19)}Z`;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, as Node reports IPv4 peers on dual-stack sockets) as IPv4. */
export function plainIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function contextOf(
  req: AccessRequest,
  at: number,
  grant: { active: boolean; id: string },
): CedarContext {
  const t: Target = req.target ?? NO_TARGET;
  const source = plainIp(req.source);
  return {
    now: { __extn: { fn: 'datetime', arg: isoMinute(at) } },
    grant,
    mfa:
      req.mfa === undefined
        ? { present: false, ageMinutes: NO_MFA_AGE, phishingResistant: false }
        : {
            present: true,
            ageMinutes: Math.floor(Math.max(0, at - req.mfa.at) / MINUTE),
            phishingResistant: req.mfa.phishingResistant,
          },
    certificate:
      req.certificate === undefined
        ? { present: false, fingerprint: '', device: '' }
        : { present: true, fingerprint: req.certificate.fingerprint, device: req.certificate.device },
    source: { __extn: { fn: 'ip', arg: isIP(source) !== 0 ? source : '0.0.0.0' } },
    target: { unit: t.unit, space: t.space, start: t.start, end: t.end },
  };
}

/** The two entities a decision needs: the user with their groups and supplier, the asset with its zone and groups. */
export function entitiesOf(user: User, asset: Asset): CedarEntity[] {
  const parents = user.groups.map((id) => ({ type: 'Group', id }));
  if (user.supplier !== undefined) parents.push({ type: 'Supplier', id: user.supplier });
  const assetParents = asset.groups.map((id) => ({ type: 'AssetGroup', id }));
  if (asset.zone !== undefined) assetParents.push({ type: 'Zone', id: asset.zone });
  return [
    {
      uid: { type: 'User', id: user.id },
      attrs: { name: user.name, kind: user.kind, disabled: user.disabled },
      parents,
    },
    {
      uid: { type: 'Asset', id: asset.id },
      attrs: { name: asset.name, protocol: asset.protocol, isolated: asset.isolated },
      parents: assetParents,
    },
  ];
}

/** Memo slots per session: a poller repeats a handful of requests. */
const MEMO = 64;

/**
 * One session's decisions: a small direct-mapped memo of its recent requests in front of the
 * shared cache, valid while the cache has not been cleared (the epoch has not moved) and the
 * decision's time has not run out. A repeat costs a few comparisons instead of building a key.
 */
export class SessionDecisions {
  private readonly prefix: string;
  private readonly actions: (ActionId | undefined)[] = new Array(MEMO);
  private readonly nums = new Float64Array(MEMO * 3);
  private readonly spaces: string[] = new Array<string>(MEMO).fill('');
  private readonly entries: (Entry | undefined)[] = new Array(MEMO);
  private generation = -1;

  constructor(
    private readonly decider: Decider,
    readonly fixed: AccessRequest,
  ) {
    this.prefix = fixedKey(fixed);
  }

  check(action: ActionId, t: Target, at = this.decider.clockNow()): Decision {
    const gen = this.decider.cache.generation;
    if (gen !== this.generation) {
      this.entries.fill(undefined);
      this.generation = gen;
    }
    const i =
      (Math.imul(t.start + 1, 0x9e3779b1) ^ Math.imul(t.end + 3, 0x85ebca6b) ^ (t.unit + action.length * 7)) &
      (MEMO - 1);
    const e = this.entries[i];
    const n = i * 3;
    if (
      e !== undefined &&
      at < e.until &&
      this.actions[i] === action &&
      this.nums[n] === t.unit &&
      this.nums[n + 1] === t.start &&
      this.nums[n + 2] === t.end &&
      this.spaces[i] === t.space
    ) {
      this.decider.cache.hits++;
      return e.decision;
    }
    const fresh = this.decider.entryKeyed(this.prefix, this.fixed, action, t, at);
    // A miss may have cleared nothing but filled the cache: the memo belongs to this generation.
    this.actions[i] = action;
    this.nums[n] = t.unit;
    this.nums[n + 1] = t.start;
    this.nums[n + 2] = t.end;
    this.spaces[i] = t.space;
    this.entries[i] = fresh;
    return fresh.decision;
  }
}
