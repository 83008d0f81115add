/**
 * Beckhoff ADS/AMS tables. Spec: Beckhoff Information System, "ADS specification" (TC3 ADS
 * protocol): AMS/TCP header (2 reserved bytes, 4-byte length), AMS header (target and source
 * AmsNetId + port, command id, state flags, data length, error code, invoke id; little-endian),
 * ADS command ids 1-9 and their request/response layouts; ADS index groups 0xF003-0xF082
 * (symbol handles and sum commands). The UDP service on 48899 (discovery, add route) follows
 * the layout Beckhoff's TwinCAT uses and Wireshark shows: magic 0x71146603, invoke id, service
 * id, AmsNetId + port, tag count, tags (id, length, value).
 */
import type { OpKind } from '../../events/types.js';

export const ADS_TCP_PORT = 48898;
export const ADS_UDP_PORT = 48899;

export const AMS_TCP_HEADER = 6;
export const AMS_HEADER = 32;
export const MAX_FRAME = 65_536;
export const MAX_PENDING = 64;

/** ADS command ids: [name, kind]. */
export const COMMANDS: Readonly<Record<number, readonly [string, OpKind]>> = {
  1: ['read device info', 'identify'],
  2: ['read', 'read'],
  3: ['write', 'write'],
  4: ['read state', 'diagnostic'],
  5: ['write control', 'control'],
  6: ['add device notification', 'read'],
  7: ['delete device notification', 'other'],
  8: ['device notification', 'other'],
  9: ['read write', 'write'],
};

/** State flag bits. */
export const StateFlag = { RESPONSE: 0x0001, ADS_COMMAND: 0x0004 } as const;

/** ReadWrite index groups that only look things up (symbol handles, info, sum read). */
export function readWriteKind(indexGroup: number): OpKind {
  if (indexGroup === 0xf081 || indexGroup === 0xf082) return 'write';
  if (indexGroup >= 0xf000 && indexGroup <= 0xf0ff) return 'read';
  return 'write';
}

/** UDP service. */
export const UDP_MAGIC = 0x71146603;
export const UdpService = { DISCOVER: 1, ADD_ROUTE: 6, RESPONSE: 0x80000000 } as const;
/** UDP tags. Tag 2 is the route password: skipped, never read. */
export const UdpTag = {
  STATUS: 1,
  PASSWORD: 2,
  VERSION: 3,
  OS: 4,
  HOST: 5,
  NET_ID: 7,
  ROUTE_NAME: 12,
  USER: 13,
} as const;
export const MAX_TAGS = 32;

export const AdsError = {
  TOO_SHORT: 'too_short',
  BAD_HEADER: 'bad_header',
  BAD_LENGTH: 'bad_length',
} as const;
export type AdsErrorCode = (typeof AdsError)[keyof typeof AdsError];
