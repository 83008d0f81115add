/**
 * S7comm tables. Siemens does not publish the S7 protocol; these facts follow the public
 * Wireshark S7comm dissector's tables (packet-s7comm.c / packet-s7comm.h: ROSCTR, function
 * codes, areas, transport sizes, syntax ids, userdata groups and subfunctions, block types)
 * and SIMATIC "System Software for S7-300/400 System and Standard Functions" (SZL / SSL
 * partial lists W#16#xy11 module identification and W#16#xy1C component identification).
 */
import type { OpKind } from '../../events/types.js';

export const PROTOCOL_ID = 0x32;

/** Header type (ROSCTR). */
export const Rosctr = { JOB: 1, ACK: 2, ACK_DATA: 3, USERDATA: 7 } as const;

/** Header length: 10 bytes, 12 with error class/code (Ack, Ack_Data). */
export const HEADER = 10;
export const HEADER_ACK = 12;

/** Job / Ack_Data parameter function codes. */
export const Func = {
  CPU_SERVICES: 0x00,
  MODE_TRANSITION: 0x01,
  READ_VAR: 0x04,
  WRITE_VAR: 0x05,
  REQUEST_DOWNLOAD: 0x1a,
  DOWNLOAD_BLOCK: 0x1b,
  DOWNLOAD_ENDED: 0x1c,
  START_UPLOAD: 0x1d,
  UPLOAD: 0x1e,
  END_UPLOAD: 0x1f,
  PI_SERVICE: 0x28,
  PLC_STOP: 0x29,
  SETUP_COMMUNICATION: 0xf0,
} as const;

/** Operation kind of each job function (anything else: other). */
export const FUNC_KIND: Readonly<Record<number, OpKind>> = {
  [Func.READ_VAR]: 'read',
  [Func.WRITE_VAR]: 'write',
  [Func.REQUEST_DOWNLOAD]: 'program',
  [Func.DOWNLOAD_BLOCK]: 'program',
  [Func.DOWNLOAD_ENDED]: 'program',
  [Func.START_UPLOAD]: 'program',
  [Func.UPLOAD]: 'program',
  [Func.END_UPLOAD]: 'program',
  [Func.PI_SERVICE]: 'control',
  [Func.PLC_STOP]: 'control',
};

/**
 * PI services (PLC control, function 0x28): block handling changes the program, P_PROGRAM
 * starts it (warm or, with argument "C", cold restart). Unknown services are program
 * invocations: control.
 */
export const PI_KIND: Readonly<Record<string, OpKind>> = {
  _INSE: 'program', // insert (activate) downloaded blocks
  _DELE: 'program', // delete blocks
  _GARB: 'program', // compress memory
  _MODU: 'program', // copy RAM to ROM
  _EXEC: 'program',
  P_PROGRAM: 'control',
};

/** Memory areas (S7ANY). */
export const Area = {
  P: 0x80,
  I: 0x81,
  Q: 0x82,
  M: 0x83,
  DB: 0x84,
  DI: 0x85,
  L: 0x86,
  V: 0x87,
  COUNTER: 0x1c,
  TIMER: 0x1d,
} as const;

export const AREA_PREFIX: Readonly<Record<number, string>> = {
  128: 'P',
  129: 'I',
  130: 'Q',
  131: 'M',
  132: 'DB',
  133: 'DI',
  134: 'L',
  135: 'V',
  28: 'C',
  29: 'T',
  30: 'C200_',
  31: 'T200_',
  1: 'RECORD',
  3: 'SI200_',
  5: 'SF200_',
  6: 'AI200_',
  7: 'AQ200_',
};

/** Item transport sizes: [width letter in an address, unit for a count]. */
export const TRANSPORT_SIZE: Readonly<Record<number, readonly [string, string]>> = {
  1: ['X', 'bits'],
  2: ['B', 'bytes'],
  3: ['B', 'chars'],
  4: ['W', 'words'],
  5: ['W', 'ints'],
  6: ['D', 'dwords'],
  7: ['D', 'dints'],
  8: ['D', 'reals'],
  9: ['W', 'dates'],
  10: ['D', 'times of day'],
  11: ['D', 'times'],
  12: ['W', 'S5 times'],
  15: ['B', 'date-and-times'],
  28: ['', 'counters'],
  29: ['', 'timers'],
  30: ['', 'IEC counters'],
  31: ['', 'IEC timers'],
  32: ['', 'HS counters'],
};

/** Item syntax ids. */
export const Syntax = { S7ANY: 0x10, DBREAD: 0xb0, SYM1200: 0xb2, NCK: 0x82, DRIVEESANY: 0xa2 } as const;
export const SYNTAX_NAMES: Readonly<Record<number, string>> = {
  16: 'S7ANY',
  17: 'ParameterShort',
  18: 'ParameterExtended',
  19: 'PBC-R_ID',
  21: 'ALARM_LOCKFREE',
  22: 'ALARM_IND',
  25: 'ALARM_ACK',
  26: 'ALARM_QUERYREQ',
  28: 'NOTIFY_IND',
  130: 'NCK',
  131: 'NCK_M',
  132: 'NCK_I',
  162: 'DRIVEESANY',
  176: 'DBREAD',
  178: '1200SYM',
};

/** Item return code of a successful item (read data / write result). */
export const ITEM_OK = 0xff;

/** Block types as two ASCII hex digits in file names (`_0A00001P` = DB1). */
export const BLOCK_TYPES: Readonly<Record<string, string>> = {
  '08': 'OB',
  '09': 'CMod',
  '0A': 'DB',
  '0B': 'SDB',
  '0C': 'FC',
  '0D': 'SFC',
  '0E': 'FB',
  '0F': 'SFB',
};

/** Userdata parameter head (3 bytes 0x00 0x01 0x12), method 0x11 request / 0x12 response. */
export const UD_HEAD = 0x000112;
/** Userdata type (high nibble of type/group): push (indication), request, response. */
export const UdType = { PUSH: 0x0, REQUEST: 0x4, RESPONSE: 0x8 } as const;

/** Userdata function groups. */
export const UdGroup = {
  MODE_TRANSITION: 0x0,
  PROGRAMMER: 0x1,
  CYCLIC: 0x2,
  BLOCK: 0x3,
  CPU: 0x4,
  SECURITY: 0x5,
  PBC: 0x6,
  TIME: 0x7,
  DRR: 0x20,
  NC_PROGRAMMING: 0x3f,
} as const;

/** Programmer commands (group 1, "TIS" test and installation functions). */
const TIS_KIND: Readonly<Record<number, OpKind>> = {
  2: 'read', // variable status (monitor)
  7: 'control', // force selection
  8: 'write', // modify variable
  9: 'control', // force
  10: 'control', // breakpoint
  11: 'control', // exit HOLD
  12: 'control', // memory reset
  22: 'other', // flash LED
};

/** CPU functions (group 4) other than Read SZL. */
const CPU_KIND: Readonly<Record<number, OpKind>> = {
  2: 'other', // message service (alarm subscription)
  7: 'write', // ALARM_8 lock
  8: 'write', // ALARM_8 unlock
  11: 'write', // ALARM ack
  19: 'diagnostic', // ALARM query
};

/** Subfunctions with their own meaning. */
export const Subfunc = { READ_SZL: 0x01, PASSWORD: 0x01, SET_CLOCK: 0x02, SET_CLOCK2: 0x04 } as const;

/** Operation kind of a userdata request (group, subfunction). */
export function userdataKind(group: number, subfunc: number): OpKind {
  switch (group) {
    case UdGroup.PROGRAMMER:
      return TIS_KIND[subfunc] ?? 'diagnostic';
    case UdGroup.CYCLIC:
    case UdGroup.BLOCK:
      return 'read';
    case UdGroup.CPU:
      return subfunc === Subfunc.READ_SZL ? 'diagnostic' : (CPU_KIND[subfunc] ?? 'other');
    case UdGroup.TIME:
      return subfunc === Subfunc.SET_CLOCK || subfunc === Subfunc.SET_CLOCK2 ? 'control' : 'read';
    case UdGroup.NC_PROGRAMMING:
      return 'program';
    default:
      return 'other';
  }
}

/**
 * SZL partial lists (low byte of the SZL id) that identify the module: 0x11 module
 * identification (order number, hardware and firmware versions), 0x1c component
 * identification (station and module names, serial number, copyright).
 */
export const SZL_MODULE_ID = 0x11;
export const SZL_COMPONENT_ID = 0x1c;

/** SZL 0xxy11 record indexes (SSL-ID W#16#xy11 §: index 1 module, 6 basic hardware, 7 basic firmware). */
export const ModuleIndex = { MODULE: 0x0001, BASIC_HARDWARE: 0x0006, BASIC_FIRMWARE: 0x0007 } as const;

/** SZL 0xxy1c record index → fact key (SSL-ID W#16#xy1C). */
export const COMPONENT_FACT: Readonly<Record<number, string>> = {
  1: 's7comm.plc_name',
  2: 's7comm.module_name',
  3: 's7comm.plant_id',
  4: 's7comm.copyright',
  5: 's7comm.serial',
  7: 's7comm.module_type',
  8: 's7comm.memory_card_serial',
  11: 's7comm.location',
};

/** Pending requests kept per flow and direction. */
export const MAX_PENDING = 64;
/** Bytes of a fragmented identity SZL response kept for reassembly. */
export const MAX_SZL = 4096;
/** Items named in an operation's target before "… (N items)". */
export const TARGET_ITEMS = 3;
