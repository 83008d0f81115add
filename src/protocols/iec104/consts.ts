/**
 * IEC 60870-5-104 tables. Specs: IEC 60870-5-104:2006 §5 (APCI: start 0x68, length of the
 * APDU after it, 4 control octets; I, S and U formats §5.1–§5.3, U functions STARTDT / STOPDT /
 * TESTFR act and con), §9.6 (t1/t2/t3 and k/w, not checked here), §7 (the 104 ASDU: 2-octet
 * cause of transmission with originator address, 2-octet common address, 3-octet information
 * object address); IEC 60870-5-101:2003 §7.2.1 (type identification, Table 8–14), §7.2.2
 * (variable structure qualifier), §7.2.3 (cause of transmission), §7.3 (information elements
 * and their sizes).
 */
import type { OpKind } from '../../events/types.js';

export const IEC104_PORT = 2404;
export const START = 0x68;
/** §5: the length octet counts the 4 control octets and the ASDU; at most 253. */
export const MIN_APDU_LENGTH = 4;
export const MAX_APDU_LENGTH = 253;
/** Type id, VSQ, COT (2), common address (2). */
export const ASDU_HEADER = 6;
export const IOA_SIZE = 3;
/** Sequence numbers are 15 bits. */
export const SEQ_MODULO = 0x8000;

/** §5.3 U-format functions (control octet 1). */
export const UFunction = {
  STARTDT_ACT: 0x07,
  STARTDT_CON: 0x0b,
  STOPDT_ACT: 0x13,
  STOPDT_CON: 0x23,
  TESTFR_ACT: 0x43,
  TESTFR_CON: 0x83,
} as const;

export const U_NAMES: Readonly<Record<number, string>> = {
  [UFunction.STARTDT_ACT]: 'STARTDT act',
  [UFunction.STARTDT_CON]: 'STARTDT con',
  [UFunction.STOPDT_ACT]: 'STOPDT act',
  [UFunction.STOPDT_CON]: 'STOPDT con',
  [UFunction.TESTFR_ACT]: 'TESTFR act',
  [UFunction.TESTFR_CON]: 'TESTFR con',
};

/** IEC 60870-5-101 §7.2.3 causes of transmission (6 bits). */
export const Cot = {
  PERIODIC: 1,
  BACKGROUND: 2,
  SPONTANEOUS: 3,
  INITIALISED: 4,
  REQUEST: 5,
  ACTIVATION: 6,
  ACTIVATION_CON: 7,
  DEACTIVATION: 8,
  DEACTIVATION_CON: 9,
  ACTIVATION_TERM: 10,
  FILE_TRANSFER: 13,
  UNKNOWN_TYPE: 44,
  UNKNOWN_CAUSE: 45,
  UNKNOWN_COMMON_ADDRESS: 46,
  UNKNOWN_IOA: 47,
} as const;

/** COT octet: bit 7 test, bit 6 negative confirm (P/N), bits 0–5 the cause. */
export const COT_TEST = 0x80;
export const COT_NEGATIVE = 0x40;
export const COT_CAUSE = 0x3f;

/**
 * Per type id: its 101/104 name, the size of one information element after the IOA (-1:
 * variable), and the op kind. Monitoring types (1–40) are data the outstation reports: `read`.
 * Commands (45–64): single, double and regulating step commands are `control`, set-points
 * and bitstrings `write`. System commands (100–107), parameters (110–113, `write`) and file
 * transfer (120–127, `program`). Sizes: IEC 60870-5-101 §7.3 (SIQ/DIQ/QDS 1, VTI 1, BSI 4,
 * NVA/SVA 2, R32 4, BCR 5, CP16 2, CP24 3, CP56 7, SCO/DCO/RCO/QOS/QOI/QCC/QRP/QPA/COI 1).
 */
export const TYPES: Readonly<Record<number, readonly [name: string, size: number, kind: OpKind]>> = {
  1: ['M_SP_NA_1', 1, 'read'],
  2: ['M_SP_TA_1', 4, 'read'],
  3: ['M_DP_NA_1', 1, 'read'],
  4: ['M_DP_TA_1', 4, 'read'],
  5: ['M_ST_NA_1', 2, 'read'],
  6: ['M_ST_TA_1', 5, 'read'],
  7: ['M_BO_NA_1', 5, 'read'],
  8: ['M_BO_TA_1', 8, 'read'],
  9: ['M_ME_NA_1', 3, 'read'],
  10: ['M_ME_TA_1', 6, 'read'],
  11: ['M_ME_NB_1', 3, 'read'],
  12: ['M_ME_TB_1', 6, 'read'],
  13: ['M_ME_NC_1', 5, 'read'],
  14: ['M_ME_TC_1', 8, 'read'],
  15: ['M_IT_NA_1', 5, 'read'],
  16: ['M_IT_TA_1', 8, 'read'],
  17: ['M_EP_TA_1', 6, 'read'],
  18: ['M_EP_TB_1', 7, 'read'],
  19: ['M_EP_TC_1', 7, 'read'],
  20: ['M_PS_NA_1', 5, 'read'],
  21: ['M_ME_ND_1', 2, 'read'],
  30: ['M_SP_TB_1', 8, 'read'],
  31: ['M_DP_TB_1', 8, 'read'],
  32: ['M_ST_TB_1', 9, 'read'],
  33: ['M_BO_TB_1', 12, 'read'],
  34: ['M_ME_TD_1', 10, 'read'],
  35: ['M_ME_TE_1', 10, 'read'],
  36: ['M_ME_TF_1', 12, 'read'],
  37: ['M_IT_TB_1', 12, 'read'],
  38: ['M_EP_TD_1', 10, 'read'],
  39: ['M_EP_TE_1', 11, 'read'],
  40: ['M_EP_TF_1', 11, 'read'],
  45: ['C_SC_NA_1', 1, 'control'],
  46: ['C_DC_NA_1', 1, 'control'],
  47: ['C_RC_NA_1', 1, 'control'],
  48: ['C_SE_NA_1', 3, 'write'],
  49: ['C_SE_NB_1', 3, 'write'],
  50: ['C_SE_NC_1', 5, 'write'],
  51: ['C_BO_NA_1', 4, 'write'],
  58: ['C_SC_TA_1', 8, 'control'],
  59: ['C_DC_TA_1', 8, 'control'],
  60: ['C_RC_TA_1', 8, 'control'],
  61: ['C_SE_TA_1', 10, 'write'],
  62: ['C_SE_TB_1', 10, 'write'],
  63: ['C_SE_TC_1', 12, 'write'],
  64: ['C_BO_TA_1', 11, 'write'],
  70: ['M_EI_NA_1', 1, 'diagnostic'],
  100: ['C_IC_NA_1', 1, 'read'],
  101: ['C_CI_NA_1', 1, 'read'],
  102: ['C_RD_NA_1', 0, 'read'],
  103: ['C_CS_NA_1', 7, 'control'],
  104: ['C_TS_NA_1', 2, 'diagnostic'],
  105: ['C_RP_NA_1', 1, 'control'],
  106: ['C_CD_NA_1', 2, 'other'],
  107: ['C_TS_TA_1', 9, 'diagnostic'],
  110: ['P_ME_NA_1', 3, 'write'],
  111: ['P_ME_NB_1', 3, 'write'],
  112: ['P_ME_NC_1', 5, 'write'],
  113: ['P_AC_NA_1', 1, 'write'],
  120: ['F_FR_NA_1', 6, 'program'],
  121: ['F_SR_NA_1', 7, 'program'],
  122: ['F_SC_NA_1', 4, 'program'],
  123: ['F_LS_NA_1', 5, 'program'],
  124: ['F_AF_NA_1', 4, 'program'],
  125: ['F_SG_NA_1', -1, 'program'],
  126: ['F_DR_TA_1', 13, 'program'],
  127: ['F_SC_NB_1', 16, 'program'],
};

export const Type = {
  C_RD_NA_1: 102,
  F_SG_NA_1: 125,
} as const;

/** Monitoring types (IEC 60870-5-101 Table 8): data reported by the outstation. */
export function isMonitorType(t: number): boolean {
  return (t >= 1 && t <= 40) || t === 70;
}

/** Command, system command and parameter types: confirmed by the outstation (act → actcon). */
export function isCommandType(t: number): boolean {
  return (t >= 45 && t <= 69) || (t >= 100 && t <= 119);
}

export function isFileType(t: number): boolean {
  return t >= 120 && t <= 127;
}

/**
 * Offset of the qualifier octet carrying the select/execute bit (bit 7) in the element of
 * command types (SCO, DCO, RCO, QOS), or -1 (bitstring commands have none).
 */
export const SELECT_OCTET: Readonly<Record<number, number>> = {
  45: 0,
  46: 0,
  47: 0,
  48: 2,
  49: 2,
  50: 4,
  58: 0,
  59: 0,
  60: 0,
  61: 2,
  62: 2,
  63: 4,
};

/** Per-flow cap on commands awaiting their confirmation. */
export const MAX_PENDING = 64;
