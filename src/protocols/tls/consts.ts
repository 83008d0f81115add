/**
 * TLS tables. Specs: RFC 8446 §5.1 (record layer), §4 (handshake header, ClientHello §4.1.2,
 * ServerHello §4.1.3, Certificate §4.4.2), §4.2.1 (supported_versions); RFC 5246 §7.4 (TLS 1.2
 * handshake); RFC 6066 §3 (server_name); RFC 7301 §3.1 (ALPN); RFC 5280 §4.1 (certificate:
 * tbsCertificate, issuer and subject Names, validity), X.520 / RFC 4519 attribute OIDs.
 */

export const TLS_PORTS = [443, 8443, 465, 636, 853, 993, 995] as const;

export const ContentType = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
} as const;
export const Handshake = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  CERTIFICATE: 11,
  SERVER_HELLO_DONE: 14,
} as const;
export const Ext = { SERVER_NAME: 0, ALPN: 16, SUPPORTED_VERSIONS: 43 } as const;

/** Record payload limit (RFC 8446 §5.2: 2^14 + 256 for protected records). */
export const MAX_RECORD = 16_384 + 2048;
/** Handshake bytes buffered per direction (a certificate chain fits). */
export const MAX_HANDSHAKE = 65_536;
export const MAX_TEXT = 256;

export const VERSIONS: Readonly<Record<number, string>> = {
  768: 'SSL 3.0',
  769: 'TLS 1.0',
  770: 'TLS 1.1',
  771: 'TLS 1.2',
  772: 'TLS 1.3',
};

/** Name attributes kept (X.520): OID content bytes (hex) → short name. */
export const NAME_ATTRS: Readonly<Record<string, string>> = {
  '550403': 'CN',
  '55040a': 'O',
  '55040b': 'OU',
  '550406': 'C',
};
