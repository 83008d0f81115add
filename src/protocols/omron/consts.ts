/**
 * Omron FINS tables. Spec: Omron W227 (FINS Commands Reference Manual) §3 (FINS header: ICF,
 * RSV, GCT, DNA/DA1/DA2, SNA/SA1/SA2, SID), §5 (command codes MRC/SRC and end codes), §5-3-2
 * (memory area codes); W421/W342 (FINS/TCP: "FINS" magic, length, command, error code).
 */
import type { OpKind } from '../../events/types.js';

export const FINS_PORT = 9600;

/** "FINS" */
export const FINS_TCP_MAGIC = 0x46494e53;
export const FINS_TCP_HEADER = 16;
/** FINS/TCP commands (W421 §7-4). */
export const TcpCmd = {
  NODE_ADDRESS_CLIENT: 0,
  NODE_ADDRESS_SERVER: 1,
  FRAME_SEND: 2,
  FRAME_SEND_ERROR: 3,
  CONFIRMATION: 6,
} as const;

export const FINS_HEADER = 10;
/** Largest FINS frame (W227 §3: 2,012 bytes of data; FINS/TCP allows a little more). */
export const MAX_FRAME = 4096;

/** ICF bits (W227 §3-1). */
export const Icf = { GATEWAY: 0x80, RESPONSE: 0x40, NO_RESPONSE: 0x01 } as const;

/** Command codes (MRC << 8 | SRC) and their operation kinds (W227 §5-1). */
export const COMMANDS: Readonly<Record<number, readonly [string, OpKind]>> = {
  257: ['memory area read', 'read'],
  258: ['memory area write', 'write'],
  259: ['memory area fill', 'write'],
  260: ['multiple memory area read', 'read'],
  261: ['memory area transfer', 'write'],
  513: ['parameter area read', 'read'],
  514: ['parameter area write', 'program'],
  515: ['parameter area clear', 'program'],
  544: ['data link table read', 'read'],
  545: ['data link table write', 'program'],
  772: ['program area protect', 'program'],
  773: ['program area protect clear', 'program'],
  774: ['program area read', 'program'],
  775: ['program area write', 'program'],
  776: ['program area clear', 'program'],
  1025: ['run', 'control'],
  1026: ['stop', 'control'],
  1027: ['reset', 'control'],
  1281: ['controller data read', 'identify'],
  1282: ['connection data read', 'identify'],
  1537: ['controller status read', 'diagnostic'],
  1538: ['network status read', 'diagnostic'],
  1539: ['data link status read', 'diagnostic'],
  1568: ['cycle time read', 'diagnostic'],
  1793: ['clock read', 'read'],
  1794: ['clock write', 'control'],
  2049: ['loop-back test', 'diagnostic'],
  2050: ['broadcast test results read', 'diagnostic'],
  2051: ['broadcast test data send', 'diagnostic'],
  2336: ['message read / clear', 'diagnostic'],
  3073: ['access right acquire', 'other'],
  3074: ['access right forced acquire', 'other'],
  3075: ['access right release', 'other'],
  8449: ['error clear', 'control'],
  8450: ['error log read', 'diagnostic'],
  8451: ['error log clear', 'control'],
  8512: ['FINS write access log read', 'diagnostic'],
  8513: ['FINS write access log clear', 'control'],
  8705: ['file name read', 'program'],
  8706: ['single file read', 'program'],
  8707: ['single file write', 'program'],
  8708: ['file memory format', 'program'],
  8709: ['file delete', 'program'],
  8710: ['volume label create / delete', 'program'],
  8711: ['file copy', 'program'],
  8712: ['file name change', 'program'],
  8713: ['file data check', 'program'],
  8714: ['memory area file transfer', 'program'],
  8715: ['parameter area file transfer', 'program'],
  8716: ['program area file transfer', 'program'],
  8725: ['directory create / delete', 'program'],
  8736: ['memory cassette transfer', 'program'],
  8961: ['forced set / reset', 'control'],
  8962: ['forced set / reset cancel', 'control'],
};

/** Memory area codes (W227 §5-3-2), CS/CJ series. */
export const AREAS: Readonly<Record<number, readonly [string, boolean]>> = {
  48: ['CIO', true],
  49: ['W', true],
  50: ['H', true],
  51: ['A', true],
  176: ['CIO', false],
  177: ['W', false],
  178: ['H', false],
  179: ['A', false],
  2: ['D', true],
  130: ['D', false],
  9: ['T/C flag', true],
  137: ['T/C PV', false],
  152: ['E', false],
  188: ['DR', false],
  220: ['IR', false],
};

export const MAX_PENDING = 64;

export const FinsError = {
  TOO_SHORT: 'too_short',
  BAD_HEADER: 'bad_header',
  BAD_TCP_HEADER: 'bad_tcp_header',
} as const;
export type FinsErrorCode = (typeof FinsError)[keyof typeof FinsError];
