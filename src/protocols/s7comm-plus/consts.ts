/**
 * S7comm-plus tables. Siemens publishes no specification; these facts follow the public
 * S7comm-plus Wireshark plugin (packet-s7comm_plus.c by Thomas Wiens: protocol versions,
 * opcodes, function codes, data types, element ids, return value layout, integrity part)
 * and the open S7CommPlusDriver (object and attribute ids of the CPU execution unit and the
 * server session).
 */
import type { OpKind } from '../../events/types.js';

export const PROTOCOL_ID = 0x72;
export const HEADER = 4;
export const TRAILER = 4;

/** Protocol version byte: V1 (connection setup), V2, V3 (integrity part first), keep-alives. */
export const Version = { V1: 0x01, V2: 0x02, V3: 0x03, KEEPALIVE_EXT: 0xfe, KEEPALIVE: 0xff } as const;

/** V3 integrity part at the start of the data: digest length (32) then the digest. */
export const DIGEST_LEN = 32;

export const Opcode = { REQUEST: 0x31, RESPONSE: 0x32, NOTIFICATION: 0x33, RESPONSE2: 0x02 } as const;

/**
 * Function codes. 0x0586 is GetVarSubStreamed (a read, e.g. of a block's attributes), not
 * Invoke: Invoke is 0x056b. The S7-1200 captures show 0x0586 requests answered with data.
 */
export const Fn = {
  ERROR: 0x04b1,
  EXPLORE: 0x04bb,
  CREATE_OBJECT: 0x04ca,
  DELETE_OBJECT: 0x04d4,
  SET_VARIABLE: 0x04f2,
  GET_VARIABLE: 0x04fc,
  ADD_LINK: 0x0506,
  REMOVE_LINK: 0x051a,
  GET_LINK: 0x0524,
  SET_MULTI_VARIABLES: 0x0542,
  GET_MULTI_VARIABLES: 0x054c,
  BEGIN_SEQUENCE: 0x0556,
  END_SEQUENCE: 0x0560,
  INVOKE: 0x056b,
  SET_VAR_SUBSTREAMED: 0x057c,
  GET_VAR_SUBSTREAMED: 0x0586,
  GET_VARIABLES_ADDRESS: 0x0590,
  ABORT: 0x059a,
} as const;

/**
 * Default operation kind per function. Object creation, deletion and variable writes inside a
 * BeginSequence/EndSequence transaction are a download (program); SetVariable on the CPU's
 * operating-state attribute is control; session setup is other (session.ts decides those).
 */
export const FN_KIND: Readonly<Record<number, OpKind>> = {
  [Fn.EXPLORE]: 'read',
  [Fn.CREATE_OBJECT]: 'other',
  [Fn.DELETE_OBJECT]: 'other',
  [Fn.SET_VARIABLE]: 'write',
  [Fn.GET_VARIABLE]: 'read',
  [Fn.GET_LINK]: 'read',
  [Fn.SET_MULTI_VARIABLES]: 'write',
  [Fn.GET_MULTI_VARIABLES]: 'read',
  [Fn.BEGIN_SEQUENCE]: 'program',
  [Fn.END_SEQUENCE]: 'program',
  [Fn.INVOKE]: 'control',
  [Fn.SET_VAR_SUBSTREAMED]: 'write',
  [Fn.GET_VAR_SUBSTREAMED]: 'read',
  [Fn.GET_VARIABLES_ADDRESS]: 'read',
};

/** Functions that change the PLC when run inside a sequence (a download transaction). */
export const CHANGES = new Set<number>([
  Fn.CREATE_OBJECT,
  Fn.DELETE_OBJECT,
  Fn.SET_VARIABLE,
  Fn.SET_MULTI_VARIABLES,
  Fn.SET_VAR_SUBSTREAMED,
]);

/** Object and attribute ids. */
export const Id = {
  /** Object the connect-time CreateObject is addressed to (ObjectServerSessionContainer). */
  SERVER_SESSION_CONTAINER: 288,
  /** NativeObjects.theCPUexecUnit_Rid and its CPUexecUnit.operatingStateREQ attribute. */
  CPU_EXEC_UNIT: 52,
  OPERATING_STATE_REQ: 2167,
  /** "Set CPU clock". */
  SET_CPU_CLOCK: 2421,
  /** ServerSessionVersion struct (306) and its member 319: "<n>;<order number>;<version>". */
  SERVER_SESSION_VERSION: 306,
  SERVER_VERSION_STRING: 319,
} as const;

/** Requested operating states (S7CommPlusDriver; the PLC web API numbers them alike). */
export const OPERATING_STATE: Readonly<Record<number, string>> = { 1: 'STOP', 2: 'STARTUP', 3: 'RUN' };

/** Item value data types used here. */
export const DataType = { UDINT: 0x04, DINT: 0x08, WSTRING: 0x15 } as const;

/** Variable address areas (GetMultiVariables / SetMultiVariables by symbol CRC and LIDs). */
export const AREA_DB = 0x8a0e;
export const AREA_IQMCT: Readonly<Record<number, string>> = { 80: 'I', 81: 'Q', 82: 'M', 83: 'C', 84: 'T' };

/** Client kind by the PLC service its connection calls (called TSAP). */
export const TSAP_ROLE: Readonly<Record<string, string>> = {
  'SIMATIC-ROOT-ES': 'engineering-workstation',
  'SIMATIC-ROOT-HMI': 'hmi',
};

export const MAX_PENDING = 64;
/** Bytes of a CreateObject response searched for the server's version string. */
export const MAX_SCAN = 2048;
