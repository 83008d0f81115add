/**
 * Modbus/TCP tables. Specs: Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3 (MBAP
 * header: transaction id, protocol id 0, length = unit id + PDU); Modbus Application Protocol
 * Specification v1.1b3 §4.1 (PDU at most 253 bytes), §5.1 (public function codes), §6.1–§6.21
 * (requests and responses), §6.8.1 (diagnostics sub-functions), §7 (exception codes), Annex A
 * (MEI types 13 and 14). UMAS (Schneider Electric's function 90) is proprietary: its sub-function
 * codes follow the public reverse-engineering write-ups and Wireshark's UMAS dissector.
 */
import type { OpKind } from '../../events/types.js';

export const MODBUS_PORT = 502;

/** MBAP header: transaction 2, protocol 2, length 2, unit 1. */
export const MBAP_HEADER = 7;
/** §4.1: a PDU is at most 253 bytes, so the MBAP length (unit + PDU) at most 254. */
export const MAX_MBAP_LENGTH = 254;
/**
 * Longest MBAP length we still follow: UMAS sessions negotiate their own frame size (the
 * public modicon capture carries 255), so a slightly long ADU is an anomaly, not a lost stream.
 */
export const MAX_FOLLOWED_LENGTH = 1024;

/** §5.1 public function codes (and the proprietary ones we classify). */
export const Fc = {
  READ_COILS: 1,
  READ_DISCRETE_INPUTS: 2,
  READ_HOLDING_REGISTERS: 3,
  READ_INPUT_REGISTERS: 4,
  WRITE_SINGLE_COIL: 5,
  WRITE_SINGLE_REGISTER: 6,
  READ_EXCEPTION_STATUS: 7,
  DIAGNOSTICS: 8,
  GET_COMM_EVENT_COUNTER: 11,
  GET_COMM_EVENT_LOG: 12,
  WRITE_MULTIPLE_COILS: 15,
  WRITE_MULTIPLE_REGISTERS: 16,
  REPORT_SERVER_ID: 17,
  READ_FILE_RECORD: 20,
  WRITE_FILE_RECORD: 21,
  MASK_WRITE_REGISTER: 22,
  READ_WRITE_MULTIPLE_REGISTERS: 23,
  READ_FIFO_QUEUE: 24,
  ENCAPSULATED_INTERFACE: 43,
  /** Schneider Electric UMAS (Unity): proprietary, on the reserved code 90. */
  UMAS: 90,
  /** Modicon 984 / Concept programming in legacy stacks (reserved codes). */
  MODICON_PROGRAM_125: 125,
  MODICON_PROGRAM_126: 126,
} as const;

/** Set on the function code of an exception response (§7). */
export const EXCEPTION_BIT = 0x80;

/** §7 exception codes. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** §6.8.1 diagnostics sub-function codes that matter for the op kind. */
export const Diag = {
  RETURN_QUERY_DATA: 0,
  RESTART_COMMUNICATIONS: 1,
  FORCE_LISTEN_ONLY: 4,
  CLEAR_COUNTERS: 10,
} as const;

/** Annex A MEI types. */
export const Mei = { CANOPEN_REFERENCE: 13, READ_DEVICE_ID: 14 } as const;

/** §6.21 Read Device Identification object ids → our fact keys (generic key, protocol key). */
export const DEVICE_ID_OBJECTS: Readonly<
  Record<number, readonly [generic: string | undefined, key: string]>
> = {
  0: ['vendor', 'modbus.vendor_name'],
  1: ['model', 'modbus.product_code'],
  2: ['firmware', 'modbus.revision'],
  3: [undefined, 'modbus.vendor_url'],
  4: [undefined, 'modbus.product_name'],
  5: [undefined, 'modbus.model_name'],
  6: [undefined, 'modbus.user_application_name'],
};

/** Op kinds of the function codes whose kind does not depend on the request's contents. */
export const FC_KIND: Readonly<Record<number, OpKind>> = {
  1: 'read',
  2: 'read',
  3: 'read',
  4: 'read',
  5: 'write',
  6: 'write',
  7: 'diagnostic',
  11: 'diagnostic',
  12: 'diagnostic',
  15: 'write',
  16: 'write',
  17: 'identify',
  20: 'read',
  21: 'write',
  22: 'write',
  // Read/write multiple registers: the write part is what matters.
  23: 'write',
  24: 'read',
};

/** Target words per data table (human-readable targets: "unit 1 holding 0-9"). */
export const TABLE: Readonly<Record<number, string>> = {
  1: 'coils',
  2: 'discrete inputs',
  3: 'holding',
  4: 'input registers',
  5: 'coil',
  6: 'holding',
  15: 'coils',
  16: 'holding',
  22: 'holding',
  24: 'fifo',
};

/** UMAS sub-function codes (request byte 3 of the PDU: 0x5a, session key, code, data). */
export const Umas = {
  INIT_COMM: 0x01,
  READ_ID: 0x02,
  READ_PROJECT_INFO: 0x03,
  READ_PLC_INFO: 0x04,
  READ_CARD_INFO: 0x06,
  REPEAT: 0x0a,
  TAKE_PLC_RESERVATION: 0x10,
  RELEASE_PLC_RESERVATION: 0x11,
  KEEP_ALIVE: 0x12,
  READ_MEMORY_BLOCK: 0x20,
  READ_VARIABLES: 0x22,
  WRITE_VARIABLES: 0x23,
  READ_COILS_REGISTERS: 0x24,
  WRITE_COILS_REGISTERS: 0x25,
  DATA_DICTIONARY: 0x26,
  INITIALIZE_UPLOAD: 0x30,
  UPLOAD_BLOCK: 0x31,
  END_STRATEGY_UPLOAD: 0x32,
  INITIALIZE_DOWNLOAD: 0x33,
  DOWNLOAD_BLOCK: 0x34,
  END_STRATEGY_DOWNLOAD: 0x35,
  READ_ETH_MASTER_DATA: 0x39,
  START_PLC: 0x40,
  STOP_PLC: 0x41,
  MONITOR_PLC: 0x50,
  CHECK_PLC: 0x58,
  READ_IO_OBJECT: 0x70,
  WRITE_IO_OBJECT: 0x71,
  GET_STATUS_MODULE: 0x73,
  RESPONSE_OK: 0xfe,
  RESPONSE_ERROR: 0xfd,
} as const;

/** UMAS sub-function → op kind and a short name for targets. Unknown codes are `other`. */
export const UMAS_OPS: Readonly<Record<number, readonly [OpKind, string]>> = {
  [Umas.INIT_COMM]: ['other', 'init comm'],
  [Umas.READ_ID]: ['identify', 'read id'],
  [Umas.READ_PROJECT_INFO]: ['diagnostic', 'read project info'],
  [Umas.READ_PLC_INFO]: ['diagnostic', 'read plc info'],
  [Umas.READ_CARD_INFO]: ['diagnostic', 'read card info'],
  [Umas.REPEAT]: ['other', 'repeat'],
  [Umas.TAKE_PLC_RESERVATION]: ['other', 'take reservation'],
  [Umas.RELEASE_PLC_RESERVATION]: ['other', 'release reservation'],
  [Umas.KEEP_ALIVE]: ['other', 'keep alive'],
  [Umas.READ_MEMORY_BLOCK]: ['read', 'read memory block'],
  [Umas.READ_VARIABLES]: ['read', 'read variables'],
  [Umas.WRITE_VARIABLES]: ['write', 'write variables'],
  [Umas.READ_COILS_REGISTERS]: ['read', 'read coils/registers'],
  [Umas.WRITE_COILS_REGISTERS]: ['write', 'write coils/registers'],
  [Umas.DATA_DICTIONARY]: ['read', 'data dictionary'],
  [Umas.INITIALIZE_UPLOAD]: ['program', 'initialize upload'],
  [Umas.UPLOAD_BLOCK]: ['program', 'upload block'],
  [Umas.END_STRATEGY_UPLOAD]: ['program', 'end upload'],
  [Umas.INITIALIZE_DOWNLOAD]: ['program', 'initialize download'],
  [Umas.DOWNLOAD_BLOCK]: ['program', 'download block'],
  [Umas.END_STRATEGY_DOWNLOAD]: ['program', 'end download'],
  [Umas.READ_ETH_MASTER_DATA]: ['diagnostic', 'read ethernet master data'],
  [Umas.START_PLC]: ['control', 'start plc'],
  [Umas.STOP_PLC]: ['control', 'stop plc'],
  [Umas.MONITOR_PLC]: ['read', 'monitor plc'],
  [Umas.CHECK_PLC]: ['diagnostic', 'check plc'],
  [Umas.READ_IO_OBJECT]: ['read', 'read io object'],
  [Umas.WRITE_IO_OBJECT]: ['write', 'write io object'],
  [Umas.GET_STATUS_MODULE]: ['diagnostic', 'get status module'],
};

/**
 * UMAS READ_ID response (after 0x5a, session, 0xfe): the PLC's model name is a length-prefixed
 * string. Quantum CPUs put its length at data offset 22 (the public modicon capture, frame 6:
 * "140 CPU 311 10"; Nmap's modicon-info reads the same byte); Wireshark's UMAS dissector reads
 * offset 20 (M340/M580). Both are tried; the text must be printable.
 */
export const UMAS_READ_ID_NAME_OFFSETS = [22, 20] as const;

/** Per-flow cap on requests awaiting a response. */
export const MAX_PENDING = 64;
