/**
 * HART-IP tables. Spec: HCF_SPEC-085 (HART-IP) §10.2 (header: version, message type, message
 * id, status, sequence number, byte count), Table 3 (message types), Table 4 (message ids);
 * HCF_SPEC-081 (token-passing data link) §5 (delimiter, address, command, byte count, check
 * byte); HCF_SPEC-127 (universal commands) and HCF_SPEC-151 (common practice commands) for
 * the command numbers and the command 0 response layout.
 */
import type { OpKind } from '../../events/types.js';

export const HART_IP_PORT = 5094;

/** HCF_SPEC-085 header: 8 bytes, big-endian; the byte count includes the header. */
export const HEADER_LEN = 8;
/** Largest message followed: a token-passing PDU is at most ~300 bytes; audit logs more. */
export const MAX_MESSAGE = 8192;

/** Table 3 message types. */
export const MsgType = { REQUEST: 0, RESPONSE: 1, PUBLISH: 2, ERROR: 3, NAK: 15 } as const;

/** Table 4 message ids. */
export const MsgId = {
  SESSION_INITIATE: 0,
  SESSION_CLOSE: 1,
  KEEP_ALIVE: 2,
  TOKEN_PASSING_PDU: 3,
  DIRECT_PDU: 4,
  READ_AUDIT_LOG: 128,
} as const;

export const MSG_ID_NAMES: Readonly<Record<number, string>> = {
  0: 'session initiate',
  1: 'session close',
  2: 'keep alive',
  3: 'token-passing PDU',
  4: 'direct PDU',
  128: 'read audit log',
};

/** HCF_SPEC-081 §5.1 delimiter: frame type in bits 0-2, expansion bytes in 5-6, long address in 7. */
export const FrameType = { BACK: 1, STX: 2, ACK: 6 } as const;

/** Command numbers given a name here (HCF_SPEC-127 universal, HCF_SPEC-151 common practice). */
export const Cmd = {
  READ_UNIQUE_ID: 0,
  READ_PV: 1,
  READ_LOOP_CURRENT: 2,
  READ_DYNAMIC_VARS: 3,
  WRITE_POLLING_ADDRESS: 6,
  READ_UNIQUE_ID_BY_TAG: 11,
  READ_TAG_DESCRIPTOR_DATE: 13,
  READ_LONG_TAG: 20,
  READ_UNIQUE_ID_BY_LONG_TAG: 21,
  EXTENDED: 31,
  RESET_CONFIG_CHANGED: 38,
  DEVICE_RESET: 42,
  READ_ADDITIONAL_STATUS: 48,
} as const;

/** Command kinds that differ from their range's default (see `commandKind`). */
const KIND: Readonly<Record<number, OpKind>> = {
  0: 'identify',
  11: 'identify',
  21: 'identify',
  6: 'write',
  17: 'write', // write message
  18: 'write', // write tag, descriptor, date
  19: 'write', // write final assembly number
  22: 'write', // write long tag
  31: 'other', // extended command: the 16-bit number follows in the data
  // Common practice (HCF_SPEC-151): range and unit writes, trims, output forcing, resets.
  34: 'write', // write PV damping
  35: 'write', // write PV range values
  36: 'write', // set PV upper range value
  37: 'write', // set PV lower range value
  38: 'control', // reset configuration changed flag
  39: 'control', // EEPROM control
  40: 'control', // enter/exit fixed current mode (forces the loop)
  41: 'diagnostic', // perform self test
  42: 'control', // perform device reset
  43: 'write', // set PV zero
  44: 'write', // write PV units
  45: 'write', // trim loop current zero
  46: 'write', // trim loop current gain
  47: 'write', // write PV transfer function
  48: 'diagnostic', // read additional device status
  49: 'write',
  50: 'read', // read dynamic variable assignments
  51: 'write',
  52: 'write',
  53: 'write',
  54: 'read', // read device variable information
  55: 'write',
  59: 'write',
};

/**
 * Universal commands (0-30) read unless named above; common practice commands (32-121) and
 * device-specific ones (128-253) are `other` unless named: their meaning varies by device.
 */
export function commandKind(cmd: number): OpKind {
  const k = KIND[cmd];
  if (k !== undefined) return k;
  if (cmd <= 30) return 'read';
  return 'other';
}

/** HART manufacturer identification codes (HCF_SPEC-183 Table 8), only the ones named here. */
export const MANUFACTURER: Readonly<Record<number, string>> = {
  17: 'Endress+Hauser',
  38: 'Rosemount',
};

/** Response codes that are warnings, not errors, for most commands (HCF_SPEC-307 §7). */
export const WARNING_CODES: ReadonlySet<number> = new Set([8]);

/** Pending requests per flow before the oldest is given up as unanswered. */
export const MAX_PENDING = 64;

export const HartError = {
  TOO_SHORT: 'too_short',
  BAD_HEADER: 'bad_header',
  BAD_LENGTH: 'bad_length',
  BAD_PDU: 'bad_pdu',
  BAD_CHECKSUM: 'bad_checksum',
} as const;
export type HartErrorCode = (typeof HartError)[keyof typeof HartError];
