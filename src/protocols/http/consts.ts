/**
 * HTTP/1.x tables. Spec: RFC 9112 §2-§5 (message format: start line, header fields), RFC 9110
 * §9 (methods), §10.2.4 (Server), §10.1.5 (User-Agent), §11.6.1 (WWW-Authenticate, realm).
 */

export const HTTP_PORTS = [80, 8000, 8008, 8080, 8081] as const;
/** Header block read per direction (the rest of a longer block is not looked at). */
export const MAX_HEADER = 8192;
export const MAX_VALUE = 256;

export const METHODS: readonly string[] = [
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
];

/** Server header patterns of device vendors' embedded web servers. */
export const SERVER_VENDORS: readonly [RegExp, string][] = [
  [/\b(siemens|simatic)\b/i, 'Siemens'],
  [/\bschneider/i, 'Schneider Electric'],
  [/\bmoxa/i, 'Moxa'],
  [/\bwago\b/i, 'WAGO'],
  [/\b(allen-bradley|rockwell)\b/i, 'Rockwell Automation'],
  [/\bhirschmann\b/i, 'Hirschmann'],
  [/\bphoenix ?contact\b/i, 'Phoenix Contact'],
  [/\bbeckhoff\b/i, 'Beckhoff'],
];
