/**
 * The one door to Cedar (wasm). Import path and traps per access-libraries.md: the `nodejs`
 * entry, the schema always passed (else `action in` groups never match), `validate` answering
 * `success` with errors inside, policy ids only when policies are passed as a record.
 */
import { setFlagsFromString } from 'node:v8';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { CEDAR_SCHEMA } from './schema.js';

// Node 20's V8 aborts the process ("Fatal error: unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a JS→wasm call is
// deoptimized lazily on return from wasm, which happens here: Cedar's wasm builds its answer
// through JS imports, and the new object shapes invalidate the caller's optimized code. Seen in
// the proxy tests under CPU load, 1 run in 2 to 6. Not inlining JS→wasm calls avoids that frame
// kind; the call costs the same within noise (bench:access). Set before any such call is hot.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export type CedarContext = cedar.Context;
export type CedarEntity = cedar.EntityJson;
export type CedarError = cedar.DetailedError;

export const SCHEMA_NAME = 'lineguard-access';

let schemaReady = false;

/** Parse the schema into wasm's cache once per process. */
function ensureSchema(): void {
  if (schemaReady) return;
  const r = cedar.preparseSchema(SCHEMA_NAME, CEDAR_SCHEMA);
  if (r.type !== 'success')
    throw new Error(`access schema does not parse: ${r.errors.map((e) => e.message).join('; ')}`);
  schemaReady = true;
}

export function splitPolicies(
  text: string,
): { ok: true; policies: string[] } | { ok: false; errors: CedarError[] } {
  const r = cedar.policySetTextToParts(text);
  if (r.type !== 'success') return { ok: false, errors: r.errors };
  if (r.policy_templates.length > 0)
    return {
      ok: false,
      errors: [
        {
          message: 'policy templates are not supported: write static policies',
          help: null,
          code: null,
          url: null,
          severity: null,
        },
      ],
    };
  return { ok: true, policies: r.policies };
}

export function annotationsOf(
  policy: string,
):
  | { ok: true; effect: 'permit' | 'forbid'; annotations: Record<string, string> }
  | { ok: false; errors: CedarError[] } {
  const r = cedar.policyToJson(policy);
  if (r.type !== 'success') return { ok: false, errors: r.errors };
  return { ok: true, effect: r.json.effect, annotations: r.json.annotations ?? {} };
}

/** Validation problems of a policy record against the schema (strict mode); empty when it holds. */
export function validatePolicies(policies: Record<string, string>): { policy?: string; error: CedarError }[] {
  const r = cedar.validate({ schema: CEDAR_SCHEMA, policies: { staticPolicies: policies } });
  if (r.type !== 'success') return r.errors.map((error) => ({ error }));
  return r.validationErrors.map((e) => ({ policy: e.policyId, error: e.error }));
}

let nextSet = 0;

/** Parse a validated policy record into wasm's cache; returns its id for `authorize`. */
export function preparse(policies: Record<string, string>): string {
  ensureSchema();
  const id = `lineguard-policies-${++nextSet}`;
  const r = cedar.preparsePolicySet(id, { staticPolicies: policies });
  if (r.type !== 'success')
    throw new Error(`validated policies do not parse: ${r.errors.map((e) => e.message).join('; ')}`);
  return id;
}

export interface CedarRequest {
  principal: string;
  action: string;
  resource: string;
  context: CedarContext;
  entities: CedarEntity[];
}

export type CedarAnswer =
  | { ok: true; allow: boolean; determining: string[]; errors: { policy: string; message: string }[] }
  | { ok: false; message: string };

export function authorize(setId: string, req: CedarRequest, validateRequest = false): CedarAnswer {
  ensureSchema();
  const r = cedar.statefulIsAuthorized({
    principal: { type: 'User', id: req.principal },
    action: { type: 'Action', id: req.action },
    resource: { type: 'Asset', id: req.resource },
    context: req.context,
    entities: req.entities,
    preparsedSchemaName: SCHEMA_NAME,
    preparsedPolicySetId: setId,
    validateRequest,
  });
  if (r.type !== 'success') return { ok: false, message: r.errors.map((e) => e.message).join('; ') };
  return {
    ok: true,
    allow: r.response.decision === 'allow',
    determining: r.response.diagnostics.reason,
    errors: r.response.diagnostics.errors.map((e) => ({ policy: e.policyId, message: e.error.message })),
  };
}
