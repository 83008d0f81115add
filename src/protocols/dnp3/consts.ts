/**
 * DNP3 tables. Spec: IEEE 1815-2012 §9.2 (data link frame: start octets, LEN, CONTROL with
 * DIR/PRM/FCB/FCV, addresses, CRC-16/DNP over the header and every 16-octet data block),
 * §8.2 (transport header FIN/FIR/SEQ), §4.2.2 (application header: control FIR/FIN/CON/UNS/SEQ,
 * function codes Table 4-2, IIN bits §4.2.2.7), §4.2.2.7 and Table 4-4 (object header:
 * qualifier prefix and range codes), Annex A (object library: group/variation sizes),
 * §A.1 (g0 device attributes), §A.36 (g70 file-control objects).
 */
import type { OpKind } from '../../events/types.js';

export const Port = { DNP3: 20000 } as const;

/** §9.2.4.1: every frame starts with 0x05 0x64. */
export const START0 = 0x05;
export const START1 = 0x64;
/** Header: start(2) LEN(1) CONTROL(1) DEST(2) SRC(2) CRC(2). */
export const HEADER_LEN = 10;
/** LEN counts CONTROL, DEST and SRC (5 octets) plus the user data, at most 250 octets of it. */
export const MIN_LEN_FIELD = 5;
export const MAX_USER_DATA = 250;
/** The largest frame: 10 + 250 + 16 block CRCs of 2 octets. */
export const MAX_FRAME = HEADER_LEN + MAX_USER_DATA + 2 * 16;
export const BLOCK = 16;

/** CONTROL octet bits (§9.2.4.1.3). */
export const Ctl = {
  DIR: 0x80,
  PRM: 0x40,
  FCB: 0x20,
  FCV: 0x10,
  FUNC: 0x0f,
} as const;

/** Primary (PRM=1) link function codes (§9.2.4.1.3.5). */
export const LinkPri = {
  RESET_LINK_STATES: 0,
  TEST_LINK_STATES: 2,
  CONFIRMED_USER_DATA: 3,
  UNCONFIRMED_USER_DATA: 4,
  REQUEST_LINK_STATUS: 9,
} as const;

/** Addresses 0xFFF0–0xFFFB are reserved, 0xFFFC self-address, 0xFFFD–0xFFFF broadcast (§9.2.5). */
export const ADDR_RESERVED = 0xfff0;
export const ADDR_BROADCAST_MIN = 0xfffd;

/** Transport header (§8.2.1). */
export const Tp = { FIN: 0x80, FIR: 0x40, SEQ: 0x3f } as const;

/** Application control (§4.2.2.4). */
export const Ac = { FIR: 0x80, FIN: 0x40, CON: 0x20, UNS: 0x10, SEQ: 0x0f } as const;

/** Function codes (Table 4-2). */
export const Fc = {
  CONFIRM: 0,
  READ: 1,
  WRITE: 2,
  SELECT: 3,
  OPERATE: 4,
  DIRECT_OPERATE: 5,
  DIRECT_OPERATE_NR: 6,
  IMMED_FREEZE: 7,
  IMMED_FREEZE_NR: 8,
  FREEZE_CLEAR: 9,
  FREEZE_CLEAR_NR: 10,
  FREEZE_AT_TIME: 11,
  FREEZE_AT_TIME_NR: 12,
  COLD_RESTART: 13,
  WARM_RESTART: 14,
  INITIALIZE_DATA: 15,
  INITIALIZE_APPL: 16,
  START_APPL: 17,
  STOP_APPL: 18,
  SAVE_CONFIG: 19,
  ENABLE_UNSOLICITED: 20,
  DISABLE_UNSOLICITED: 21,
  ASSIGN_CLASS: 22,
  DELAY_MEASURE: 23,
  RECORD_CURRENT_TIME: 24,
  OPEN_FILE: 25,
  CLOSE_FILE: 26,
  DELETE_FILE: 27,
  GET_FILE_INFO: 28,
  AUTHENTICATE_FILE: 29,
  ABORT_FILE: 30,
  ACTIVATE_CONFIG: 31,
  AUTHENTICATE_REQ: 32,
  AUTH_REQ_NO_ACK: 33,
  RESPONSE: 129,
  UNSOLICITED_RESPONSE: 130,
  AUTHENTICATE_RESP: 131,
} as const;

/**
 * Operation kind of each request function code. File functions are refined by the file's
 * open mode in the analyzer (read vs program); writes of g50 (time) are control and of g70
 * (file data) program.
 */
export const FC_KIND: readonly (OpKind | undefined)[] = (() => {
  const k: (OpKind | undefined)[] = new Array(34).fill(undefined);
  k[Fc.CONFIRM] = 'other';
  k[Fc.READ] = 'read';
  k[Fc.WRITE] = 'write';
  for (let f = Fc.SELECT; f <= Fc.WARM_RESTART; f++) k[f] = 'control';
  k[Fc.INITIALIZE_DATA] = 'control';
  k[Fc.INITIALIZE_APPL] = 'control';
  k[Fc.START_APPL] = 'control';
  k[Fc.STOP_APPL] = 'control';
  k[Fc.SAVE_CONFIG] = 'program';
  k[Fc.ENABLE_UNSOLICITED] = 'control';
  k[Fc.DISABLE_UNSOLICITED] = 'control';
  k[Fc.ASSIGN_CLASS] = 'write';
  k[Fc.DELAY_MEASURE] = 'diagnostic';
  k[Fc.RECORD_CURRENT_TIME] = 'control';
  k[Fc.OPEN_FILE] = 'read';
  k[Fc.CLOSE_FILE] = 'read';
  k[Fc.DELETE_FILE] = 'program';
  k[Fc.GET_FILE_INFO] = 'read';
  k[Fc.AUTHENTICATE_FILE] = 'other';
  k[Fc.ABORT_FILE] = 'read';
  k[Fc.ACTIVATE_CONFIG] = 'program';
  k[Fc.AUTHENTICATE_REQ] = 'other';
  k[Fc.AUTH_REQ_NO_ACK] = 'other';
  return k;
})();

/** Requests the outstation never answers (the "no ack" variants, §4.4). */
export function noResponseExpected(fc: number): boolean {
  return (
    fc === Fc.CONFIRM ||
    fc === Fc.DIRECT_OPERATE_NR ||
    fc === Fc.IMMED_FREEZE_NR ||
    fc === Fc.FREEZE_CLEAR_NR ||
    fc === Fc.FREEZE_AT_TIME_NR ||
    fc === Fc.AUTH_REQ_NO_ACK
  );
}

/** Requests that carry object data after their headers (others carry headers only, §4.4). */
export function requestCarriesData(fc: number): boolean {
  return (
    fc === Fc.WRITE ||
    (fc >= Fc.SELECT && fc <= Fc.DIRECT_OPERATE_NR) ||
    fc === Fc.FREEZE_AT_TIME ||
    fc === Fc.FREEZE_AT_TIME_NR ||
    (fc >= Fc.OPEN_FILE && fc <= Fc.AUTH_REQ_NO_ACK)
  );
}

/** IIN1 (first octet) and IIN2 (second octet) bits, §4.2.2.7.1–2. */
export const Iin1 = {
  BROADCAST: 0x01,
  CLASS_1: 0x02,
  CLASS_2: 0x04,
  CLASS_3: 0x08,
  NEED_TIME: 0x10,
  LOCAL_CONTROL: 0x20,
  DEVICE_TROUBLE: 0x40,
  DEVICE_RESTART: 0x80,
} as const;
export const Iin2 = {
  NO_FUNC_CODE_SUPPORT: 0x01,
  OBJECT_UNKNOWN: 0x02,
  PARAMETER_ERROR: 0x04,
  EVENT_BUFFER_OVERFLOW: 0x08,
  ALREADY_EXECUTING: 0x10,
  CONFIG_CORRUPT: 0x20,
} as const;
/** IIN2 bits that say the request was not carried out. */
export const IIN2_FAILED =
  Iin2.NO_FUNC_CODE_SUPPORT | Iin2.OBJECT_UNKNOWN | Iin2.PARAMETER_ERROR | Iin2.ALREADY_EXECUTING;

/** IIN bits (IIN1 << 8 | IIN2) reported as anomalies when they rise; the code suffix of each. */
export const IIN_ANOMALIES: readonly (readonly [number, string, string])[] = [
  [Iin1.DEVICE_RESTART << 8, 'device_restart', 'IIN1.7 device restart'],
  [Iin1.DEVICE_TROUBLE << 8, 'device_trouble', 'IIN1.6 device trouble'],
  [Iin2.CONFIG_CORRUPT, 'config_corrupt', 'IIN2.5 configuration corrupt'],
  [Iin2.EVENT_BUFFER_OVERFLOW, 'event_buffer_overflow', 'IIN2.3 event buffer overflow'],
];

/** Qualifier prefix codes (bits 6–4) and range codes (bits 3–0), Table 4-4 / 4-5. */
export const Prefix = { NONE: 0, INDEX1: 1, INDEX2: 2, INDEX4: 3, SIZE1: 4, SIZE2: 5, SIZE4: 6 } as const;
export const Range = {
  START_STOP1: 0,
  START_STOP2: 1,
  START_STOP4: 2,
  VIRT_START_STOP1: 3,
  VIRT_START_STOP2: 4,
  VIRT_START_STOP4: 5,
  ALL: 6,
  COUNT1: 7,
  COUNT2: 8,
  COUNT4: 9,
  FREE_FORMAT: 0x0b,
} as const;

/** Group names for targets (Annex A). */
export const GROUP_NAME: Readonly<Record<number, string>> = {
  0: 'device attribute',
  1: 'binary input',
  2: 'binary input event',
  3: 'double-bit input',
  4: 'double-bit input event',
  10: 'binary output',
  11: 'binary output event',
  12: 'CROB',
  13: 'binary output command event',
  20: 'counter',
  21: 'frozen counter',
  22: 'counter event',
  23: 'frozen counter event',
  30: 'analog input',
  31: 'frozen analog input',
  32: 'analog input event',
  33: 'frozen analog input event',
  34: 'analog input deadband',
  40: 'analog output status',
  41: 'analog output',
  42: 'analog output event',
  43: 'analog output command event',
  50: 'time',
  51: 'CTO',
  52: 'time delay',
  60: 'class',
  70: 'file',
  80: 'IIN',
  81: 'storage',
  82: 'device profile',
  83: 'data set registration',
  85: 'data set prototype',
  86: 'data set descriptor',
  87: 'data set',
  88: 'data set event',
  90: 'application',
  91: 'activate config status',
  101: 'BCD',
  102: 'unsigned integer',
  110: 'octet string',
  111: 'octet string event',
  112: 'virtual terminal output',
  113: 'virtual terminal event',
  120: 'authentication',
  121: 'security statistic',
  122: 'security statistic event',
};

/** g12 variations 2 and 3 (§A.12). */
export const G12_NAME: Readonly<Record<number, string>> = { 1: 'CROB', 2: 'PCB', 3: 'pattern mask' };

/** g70 variations (§A.36). */
export const G70_NAME: Readonly<Record<number, string>> = {
  2: 'file authentication',
  3: 'file command',
  4: 'file command status',
  5: 'file transport',
  6: 'file transport status',
  7: 'file descriptor',
  8: 'file specification',
};

/** CROB control code operation type (bits 3–0) and trip-close code (bits 7–6), §A.12.1. */
export const CROB_OP: readonly string[] = ['nul', 'pulse on', 'pulse off', 'latch on', 'latch off'];
export const CROB_TCC: readonly string[] = ['', 'close', 'trip', ''];

/** g70v3 file command: operational mode (§A.36.3). */
export const FileMode = { NULL: 0, READ: 1, WRITE: 2, APPEND: 3 } as const;
export const FILE_MODE_NAME: readonly string[] = ['null', 'read', 'write', 'append'];
/** g70v3 layout: offsets of mode and name inside the object. */
export const G70V3_MODE = 20;
export const G70V3_NAME = 26;
/** g70v4 status octet offset. */
export const G70V4_STATUS = 12;

/** g0 device attributes carrying identity (§A.1, Table A-1) → fact keys. */
export const ATTRIBUTE_FACT: Readonly<Record<number, string>> = {
  242: 'firmware',
  243: 'dnp3.hardware_version',
  245: 'dnp3.location',
  246: 'dnp3.user_id',
  247: 'name',
  248: 'serial',
  250: 'model',
  252: 'vendor',
};
/** g0 attribute data types (§A.1.1): visible string. */
export const ATTR_VSTR = 1;

/** Per-flow limits. */
export const MAX_PENDING = 64;
/** Reassembled application fragments larger than this are dropped (devices use 2048 by default). */
export const MAX_FRAGMENT = 8192;
/** Object headers named in a target. */
export const MAX_TARGET_HEADERS = 4;
/** Object headers walked in one fragment. */
export const MAX_HEADERS = 64;
/** Longest text copied from the wire into a fact or target. */
export const MAX_TEXT = 128;

/** Anomaly codes (prefixed `dnp3.`). */
export const Dnp3Error = {
  TRUNCATED: 'truncated',
  BAD_START: 'bad_start',
  BAD_LENGTH: 'bad_length',
  CRC_MISMATCH: 'crc_mismatch',
  BAD_APDU: 'bad_apdu',
  BAD_OBJECT: 'bad_object',
} as const;
export type Dnp3ErrorCode = (typeof Dnp3Error)[keyof typeof Dnp3Error];
