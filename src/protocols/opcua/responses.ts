/**
 * OPC UA service responses: the verdict (ServiceResult, and per-item results where a single
 * failed item means the operation failed) and the server identity a response discloses.
 *
 * Spec: OPC 10000-4 §7.29 (ResponseHeader), §7.10 (EndpointDescription), §7.41
 * (UserTokenPolicy), §5.4.2 (FindServers), §5.4.4 (GetEndpoints), §5.6.2 (CreateSession),
 * §5.10.4 (Write results), §5.11.2 (Call results), §7.36 ServiceFault; OPC 10000-6 §5.2.
 * Not decoded: Read values, Browse references, Publish notifications.
 */
import { isBad, Service } from './consts.js';
import { reader, type UaReader } from './reader.js';
import { type AppDescription, appDescription } from './requests.js';

export interface EndpointInfo {
  url?: string;
  server: AppDescription;
  securityMode: number;
  policyUri?: string;
  /** UserTokenType of each UserTokenPolicy offered. */
  tokenTypes: number[];
}

export interface ResponseInfo {
  service: number;
  /** ServiceResult (a ServiceFault's too). */
  status: number;
  ok: boolean;
  endpoints?: EndpointInfo[];
  /** FindServers: the servers listed, and how many the response declared. */
  servers?: AppDescription[];
  serverCount?: number;
  /** CreateSession: the server's certificate span (length -1 when absent). */
  certOff: number;
  certLen: number;
  malformed: boolean;
}

/** Endpoint and server lists decoded per response. */
const MAX_LISTED = 16;

/** Part 4 §7.29 ResponseHeader; returns the ServiceResult. */
function responseHeader(r: UaReader): number {
  r.skip(8 + 4);
  const status = r.u32();
  r.skipDiagnosticInfo();
  r.skipStrings();
  r.extensionObject();
  return status;
}

/** Part 4 §7.10 EndpointDescription. */
function endpoint(r: UaReader): EndpointInfo {
  const url = r.string();
  const server = appDescription(r);
  r.span();
  const e: EndpointInfo = { server, securityMode: r.u32(), tokenTypes: [] };
  const policy = r.string();
  const n = r.count(4);
  for (let i = 0; i < n && !r.bad; i++) {
    r.span();
    const t = r.u32();
    if (e.tokenTypes.length < 8 && !e.tokenTypes.includes(t)) e.tokenTypes.push(t);
    r.span();
    r.span();
    r.span();
  }
  r.span();
  r.skip(1);
  if (url !== undefined) e.url = url;
  if (policy !== undefined) e.policyUri = policy;
  return e;
}

function endpoints(r: UaReader): EndpointInfo[] {
  const n = r.count(4);
  const out: EndpointInfo[] = [];
  for (let i = 0; i < Math.min(n, MAX_LISTED); i++) {
    const e = endpoint(r);
    // Only whole entries: a list cut short (a reassembly cap, a bad length) keeps its head.
    if (r.bad) break;
    out.push(e);
  }
  return out;
}

/** Decode a response body from its TypeId onwards. */
export function decodeResponse(buf: Buffer, off: number, end: number, typeId: number): ResponseInfo {
  const r = reader.reset(buf, off, end);
  r.expandedNodeId();
  const status = responseHeader(r);
  const info: ResponseInfo = {
    service: typeId,
    status,
    ok: typeId !== Service.SERVICE_FAULT && !isBad(status),
    certOff: 0,
    certLen: -1,
    malformed: false,
  };
  if (!info.ok || r.bad) {
    info.malformed = r.bad;
    return info;
  }
  switch (typeId - 3) {
    case Service.GET_ENDPOINTS:
      info.endpoints = endpoints(r);
      break;
    case Service.FIND_SERVERS: {
      const n = r.count(4);
      info.serverCount = n;
      info.servers = [];
      for (let i = 0; i < Math.min(n, MAX_LISTED); i++) {
        const d = appDescription(r);
        if (r.bad) break;
        info.servers.push(d);
      }
      break;
    }
    case Service.CREATE_SESSION:
      r.nodeId();
      r.nodeId();
      r.skip(8);
      r.span();
      if (r.span() >= 0) {
        info.certOff = r.spanOff;
        info.certLen = r.spanLen;
      }
      info.endpoints = endpoints(r);
      break;
    case Service.WRITE: {
      const n = r.count(4);
      for (let i = 0; i < n && !r.bad; i++) if (isBad(r.u32())) info.ok = false;
      break;
    }
    case Service.CALL:
      // The first CallMethodResult's StatusCode: the method ran or it did not.
      if (r.count(4) > 0 && isBad(r.u32())) info.ok = false;
      break;
  }
  info.malformed = r.bad;
  return info;
}
