/**
 * Audit export formats: JSON lines (one entry per line, with its chain fields, so a copy can
 * be verified elsewhere) and ArcSight CEF (Common Event Format rev. 25, the header and
 * extension escaping rules of its §"Character encoding"), optionally wrapped in an RFC 5424
 * syslog header for a collector that takes syslog.
 */
import type { AccessEventType, AuditEntry } from '../events.js';

export type ExportFormat = 'jsonl' | 'cef';

export function toJsonLine(e: AuditEntry): string {
  return JSON.stringify({
    seq: e.seq,
    ts: e.ts,
    time: new Date(e.ts).toISOString(),
    type: e.type,
    actor: e.actor,
    subject: e.subject,
    data: e.data,
    prev: e.prev,
    hash: e.hash,
  });
}

/** CEF severity 0–10 by event type: refusals and revocations above routine steps. */
const SEVERITY: Readonly<Record<string, number>> = {
  'access.approval.refused': 7,
  'access.connect.refused': 6,
  'access.policy.rejected': 5,
  'access.decision': 5,
  'access.revoke': 5,
  'access.cert.revoke': 5,
  'access.asset.isolate': 8,
  'access.deny': 4,
  'access.login.refused': 6,
  'access.key.remove': 5,
  'access.totp.remove': 5,
};

const NAMES: Readonly<Record<AccessEventType, string>> = {
  'access.request': 'Access requested',
  'access.grant': 'Access granted',
  'access.deny': 'Access request denied',
  'access.extend': 'Grant extended',
  'access.revoke': 'Grant revoked',
  'access.approval.refused': 'Approval refused',
  'access.decision': 'Operation denied',
  'access.session.start': 'Session started',
  'access.session.end': 'Session ended',
  'access.connect.refused': 'Connection refused',
  'access.policy.change': 'Policy changed',
  'access.policy.rejected': 'Policy rejected',
  'access.directory.change': 'Directory changed',
  'access.asset.isolate': 'Asset isolation changed',
  'access.cert.issue': 'Certificate issued',
  'access.cert.revoke': 'Certificate revoked',
  'access.ca.create': 'Certificate authority created',
  'access.login': 'Login',
  'access.login.refused': 'Login refused',
  'access.password.change': 'Password changed',
  'access.key.register': 'Security key registered',
  'access.key.remove': 'Security key removed',
  'access.totp.enrol': 'Authenticator app added',
  'access.totp.remove': 'Authenticator app removed',
};

/** A login by something weaker than a security key (a password alone, a code) stands out. */
export function weakLogin(e: { type: string; data: Record<string, unknown> }): boolean {
  return e.type === 'access.login' && e.data.phishingResistant === false;
}

function severity(e: AuditEntry): number {
  return weakLogin(e) ? 5 : (SEVERITY[e.type] ?? 3);
}

/** Header fields: backslash and pipe escaped; no line breaks. */
function header(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Extension values: backslash and equals escaped; line breaks as \n and \r. */
function ext(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function toCef(e: AuditEntry, version: string): string {
  const sev = severity(e);
  const name = weakLogin(e) ? 'Login, not phishing-resistant' : NAMES[e.type];
  const fields: [string, string][] = [
    ['rt', String(e.ts)],
    ['suser', e.actor],
    ['cs1Label', 'subject'],
    ['cs1', e.subject],
    ['cn1Label', 'seq'],
    ['cn1', String(e.seq)],
    ['cs2Label', 'hash'],
    ['cs2', e.hash],
    ['msg', JSON.stringify(e.data)],
  ];
  const extension = fields.map(([k, v]) => `${k}=${ext(v)}`).join(' ');
  return `CEF:0|Lineguard|lineguard-gateway|${header(version)}|${header(e.type)}|${header(name)}|${sev}|${extension}`;
}

/** RFC 5424 header (facility local4 = 20, severity from the CEF one) before a CEF message. */
export function toSyslogCef(e: AuditEntry, version: string, host: string): string {
  const cefSev = severity(e);
  const sev = cefSev >= 7 ? 3 : cefSev >= 5 ? 4 : 6;
  const pri = 20 * 8 + sev;
  const h = host.replace(/[^\x21-\x7e]/g, '-') || '-';
  return `<${pri}>1 ${new Date(e.ts).toISOString()} ${h} lineguard - ${e.type} - ${toCef(e, version)}`;
}
