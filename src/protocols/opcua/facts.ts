/**
 * OPC UA identity facts: what an ApplicationDescription or an EndpointDescription says about
 * the application that sent it.
 *
 * Spec: OPC 10000-4 §7.1 (ApplicationDescription: applicationUri, productUri,
 * applicationName, applicationType), §7.10 (EndpointDescription: endpointUrl, securityMode,
 * securityPolicyUri, userIdentityTokens). Keys: `opcua.application_uri` and
 * `opcua.product_uri` as tshark's truth files name them, plus `opcua.application_name`,
 * `opcua.application_type`, `opcua.endpoint_url`, `opcua.security_mode` (None / Sign /
 * SignAndEncrypt), `opcua.security_policy` (the policy URI's name after `#`) and
 * `opcua.user_tokens` (token types an endpoint accepts). One host can run several UA
 * applications and endpoints, so the analyzer emits these as multi facts.
 */
import type { AssetFacts } from '../../events/types.js';
import { APPLICATION_TYPES, SECURITY_MODES, SECURITY_POLICY_PREFIX, USER_TOKEN_TYPES } from './consts.js';
import type { AppDescription } from './requests.js';
import type { EndpointInfo } from './responses.js';

/** Facts of an application description; `server`: described by a server about itself. */
export function appFacts(d: AppDescription, server: boolean): AssetFacts {
  const f: AssetFacts = {};
  if (d.applicationUri) f['opcua.application_uri'] = d.applicationUri;
  if (d.productUri) f['opcua.product_uri'] = d.productUri;
  if (d.applicationName) f['opcua.application_name'] = d.applicationName;
  const type = APPLICATION_TYPES[d.applicationType];
  if (type) f['opcua.application_type'] = type;
  if (server && d.applicationType !== 1) f.roleHint = 'opc-server';
  return f;
}

export function endpointFacts(e: EndpointInfo): AssetFacts {
  const f: AssetFacts = {};
  if (e.url) f['opcua.endpoint_url'] = e.url;
  const mode = SECURITY_MODES[e.securityMode];
  if (mode) f['opcua.security_mode'] = mode;
  if (e.policyUri)
    f['opcua.security_policy'] = e.policyUri.startsWith(SECURITY_POLICY_PREFIX)
      ? e.policyUri.slice(SECURITY_POLICY_PREFIX.length)
      : e.policyUri;
  const tokens = e.tokenTypes.map((t) => USER_TOKEN_TYPES[t] ?? `type ${t}`);
  if (tokens.length > 0) f['opcua.user_tokens'] = tokens.join(',');
  return f;
}
