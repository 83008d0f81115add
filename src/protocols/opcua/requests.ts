/**
 * OPC UA service requests: what each does (op kind) and to what (target), plus the identity
 * a request discloses (CreateSession's client description, ActivateSession's user token).
 *
 * Spec: OPC 10000-4 §5.4–§5.13 (service request parameters), §7.1 (ApplicationDescription),
 * §7.28 (RequestHeader), §7.36 (UserIdentityToken and its kinds); OPC 10000-6 §5.2 (encoding).
 * Targets name the first TARGET_ITEMS items (`i=2258 Value, ns=2;s=Line1.Temp Value (+3
 * more)`); services without an object (Publish, subscriptions) have none. Not decoded: filter
 * and query contents, history details, method arguments.
 */
import type { OpKind } from '../../events/types.js';
import { ATTRIBUTES, IDENTITY_TOKENS, SERVICE_KIND, Service, TARGET_ITEMS } from './consts.js';
import { reader, type UaReader } from './reader.js';

export interface AppDescription {
  applicationUri?: string;
  productUri?: string;
  applicationName?: string;
  /** Part 4 §7.1 ApplicationType (0 Server … 3 DiscoveryServer). */
  applicationType: number;
}

export interface UserToken {
  type: string;
  userName?: string;
  /** A UserName token whose password is not encrypted (EncryptionAlgorithm empty). */
  cleartextPassword: boolean;
}

export interface RequestInfo {
  service: number;
  kind: OpKind;
  target?: string;
  /** CreateSession: the client describing itself. */
  client?: AppDescription;
  /** ActivateSession: the user identity presented. */
  token?: UserToken;
  /** OpenSecureChannel (plaintext): MessageSecurityMode requested. */
  securityMode?: number;
  /** The body could not be decoded to its end of interest. */
  malformed: boolean;
}

/** Part 4 §7.28 RequestHeader. */
export function skipRequestHeader(r: UaReader): void {
  r.nodeId();
  r.skip(8 + 4 + 4);
  r.span();
  r.skip(4);
  r.extensionObject();
}

/** Part 4 §7.1 ApplicationDescription. */
export function appDescription(r: UaReader): AppDescription {
  const d: AppDescription = { applicationType: -1 };
  const uri = r.string();
  const product = r.string();
  const name = r.localizedText();
  d.applicationType = r.u32();
  r.span();
  r.span();
  r.skipStrings();
  if (uri) d.applicationUri = uri;
  if (product) d.productUri = product;
  if (name) d.applicationName = name;
  return d;
}

const attr = (id: number): string => ATTRIBUTES[id] || `attr ${id}`;

/** "a, b, c (+n more)" from the first items read by `one` out of `n`. */
function list(r: UaReader, n: number, one: (r: UaReader) => string): string | undefined {
  if (n === 0) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < Math.min(n, TARGET_ITEMS) && !r.bad; i++) parts.push(one(r));
  return parts.join(', ') + (n > TARGET_ITEMS ? ` (+${n - TARGET_ITEMS} more)` : '');
}

/** ReadValueId (Part 4 §7.29): NodeId, AttributeId, IndexRange, DataEncoding. */
function readValueId(r: UaReader): string {
  const node = r.nodeIdString();
  const a = r.u32();
  r.span();
  r.skip(2);
  r.span();
  return `${node} ${attr(a)}`;
}

/** Decode a request body from its TypeId onwards (`typeId` already read by the caller). */
export function decodeRequest(buf: Buffer, off: number, end: number, typeId: number): RequestInfo {
  const r = reader.reset(buf, off, end);
  r.expandedNodeId();
  const info: RequestInfo = { service: typeId, kind: SERVICE_KIND[typeId] ?? 'other', malformed: false };
  skipRequestHeader(r);
  let target: string | undefined;
  switch (typeId) {
    case Service.OPEN_SECURE_CHANNEL:
      r.skip(4);
      target = r.u32() === 1 ? 'renew' : 'issue';
      info.securityMode = r.u32();
      break;
    case Service.GET_ENDPOINTS:
    case Service.FIND_SERVERS:
      target = r.string();
      break;
    case Service.REGISTER_SERVER:
    case Service.REGISTER_SERVER2:
      target = r.string();
      break;
    case Service.CREATE_SESSION: {
      info.client = appDescription(r);
      r.span();
      r.span();
      const name = r.string();
      if (name !== undefined) target = `session ${JSON.stringify(name)}`;
      break;
    }
    case Service.ACTIVATE_SESSION:
      info.token = userToken(r);
      target =
        info.token.userName !== undefined
          ? `${info.token.type} ${JSON.stringify(info.token.userName)}`
          : info.token.type;
      break;
    case Service.READ:
      r.skip(8 + 4);
      target = list(r, r.count(), readValueId);
      break;
    case Service.HISTORY_READ:
      r.extensionObject();
      r.skip(4 + 1);
      target = list(r, r.count(), (x) => {
        const node = x.nodeIdString();
        x.span();
        x.skip(2);
        x.span();
        x.span();
        return node;
      });
      break;
    case Service.WRITE:
      target = list(r, r.count(), (x) => {
        const node = x.nodeIdString();
        const a = x.u32();
        x.span();
        x.skipDataValue();
        return `${node} ${attr(a)}`;
      });
      break;
    case Service.HISTORY_UPDATE:
      target = list(r, r.count(), (x) => {
        x.extensionObject();
        if (x.spanLen <= 0) return '?';
        // Every HistoryUpdateDetails body starts with the NodeId it updates.
        const bodyEnd = x.spanOff + x.spanLen;
        x.pos = x.spanOff;
        const node = x.nodeIdString();
        if (!x.bad) x.pos = bodyEnd;
        return node;
      });
      break;
    case Service.CALL:
      target = list(r, r.count(), (x) => {
        const object = x.nodeIdString();
        const method = x.nodeIdString();
        x.skipVariants();
        return `method ${method} on ${object}`;
      });
      break;
    case Service.BROWSE:
      r.nodeId();
      r.skip(8 + 4 + 4);
      target = list(r, r.count(), (x) => {
        const node = x.nodeIdString();
        x.skip(4);
        x.nodeId();
        x.skip(1 + 4 + 4);
        return node;
      });
      break;
    case Service.TRANSLATE_BROWSE_PATHS:
      target = list(r, r.count(), browsePath);
      break;
    case Service.REGISTER_NODES:
    case Service.UNREGISTER_NODES:
      target = list(r, r.count(), (x) => x.nodeIdString());
      break;
    case Service.CREATE_MONITORED_ITEMS:
      r.skip(4 + 4);
      target = list(r, r.count(), (x) => {
        const item = readValueId(x);
        x.skip(4 + 4 + 8);
        x.extensionObject();
        x.skip(4 + 1);
        return item;
      });
      break;
    case Service.ADD_NODES:
      target = list(r, r.count(), (x) => {
        const parent = x.expandedNodeIdString();
        x.nodeId();
        x.expandedNodeId();
        const name = x.qualifiedName();
        x.skip(4);
        x.extensionObject();
        x.expandedNodeId();
        return `${name} under ${parent}`;
      });
      break;
    case Service.DELETE_NODES:
      target = list(r, r.count(), (x) => {
        const node = x.nodeIdString();
        x.skip(1);
        return node;
      });
      break;
    case Service.ADD_REFERENCES:
    case Service.DELETE_REFERENCES: {
      const add = typeId === Service.ADD_REFERENCES;
      target = list(r, r.count(), (x) => {
        const source = x.nodeIdString();
        x.nodeId();
        x.skip(1);
        if (add) x.span();
        const dest = x.expandedNodeIdString();
        x.skip(add ? 4 : 1);
        return `${source} → ${dest}`;
      });
      break;
    }
  }
  if (target !== undefined && !r.bad) info.target = target;
  info.malformed = r.bad;
  return info;
}

/** BrowsePath (Part 4 §7.6): starting node, then the relative path's target names. */
function browsePath(r: UaReader): string {
  const start = r.nodeIdString();
  const n = r.count();
  const names: string[] = [];
  for (let i = 0; i < n && !r.bad; i++) {
    r.nodeId();
    r.skip(2);
    const name = r.qualifiedName();
    if (i < 8) names.push(name);
  }
  return [start, ...names].join('/');
}

/** ActivateSession up to its UserIdentityToken (Part 4 §5.6.3.2, §7.36). */
function userToken(r: UaReader): UserToken {
  r.span(); // ClientSignature.algorithm
  r.span(); // ClientSignature.signature
  const certs = r.count(8);
  for (let i = 0; i < certs && !r.bad; i++) {
    r.span();
    r.span();
  }
  r.skipStrings();
  const id = r.extensionObject();
  const type = IDENTITY_TOKENS[id] ?? (id < 0 ? 'none' : `token ${id}`);
  const t: UserToken = { type, cleartextPassword: false };
  if (type !== 'username' || r.spanLen <= 0 || r.bad) return t;
  // UserNameIdentityToken: PolicyId, UserName, Password, EncryptionAlgorithm.
  r.end = r.spanOff + r.spanLen;
  r.pos = r.spanOff;
  r.span();
  const user = r.string();
  const pw = r.span();
  const alg = r.string();
  if (user !== undefined) t.userName = user;
  t.cleartextPassword = !r.bad && pw > 0 && !alg;
  return t;
}
