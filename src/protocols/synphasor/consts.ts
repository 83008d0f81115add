/**
 * IEEE C37.118 synchrophasor tables. Spec: IEEE Std C37.118.2-2011 §6.2 (common frame: SYNC
 * 0xAA + frame type bits 6-4 + version bits 3-0, FRAMESIZE, IDCODE, SOC, FRACSEC, CHK),
 * Table 2 (frame types), §6.4 (CFG-1/2 layout: TIME_BASE, NUM_PMU, STN 16 chars, IDCODE,
 * FORMAT, PHNMR, ANNMR, DGNMR, names, units, FNOM, CFGCNT; DATA_RATE), §6.5 (CFG-3), §6.6
 * (command frame, Table 15 command codes), Annex B (CRC-CCITT, 0x1021, initial 0xFFFF).
 */
import type { OpKind } from '../../events/types.js';

export const TCP_PORT = 4712;
export const UDP_PORT = 4713;

export const SYNC = 0xaa;
export const HEADER_LEN = 14;
export const MIN_FRAME = 16;
export const MAX_FRAME = 65_535;

/** Table 2. */
export const FrameType = { DATA: 0, HEADER: 1, CFG1: 2, CFG2: 3, COMMAND: 4, CFG3: 5 } as const;

/** Table 15 commands: [name, kind]. */
export const COMMANDS: Readonly<Record<number, readonly [string, OpKind]>> = {
  1: ['turn off transmission', 'control'],
  2: ['turn on transmission', 'control'],
  3: ['send HDR frame', 'read'],
  4: ['send CFG-1 frame', 'read'],
  5: ['send CFG-2 frame', 'read'],
  6: ['send CFG-3 frame', 'read'],
  8: ['extended frame', 'other'],
};

/** The frame type that answers a command (3 → header, 4 → CFG-1, ...). */
export const ANSWER: Readonly<Record<number, number>> = { 3: 1, 4: 2, 5: 3, 6: 5 };

/** Station names read from one configuration frame. */
export const MAX_STATIONS = 16;
export const MAX_PENDING = 16;

export const SynError = {
  TOO_SHORT: 'too_short',
  BAD_SYNC: 'bad_sync',
  BAD_LENGTH: 'bad_length',
  CRC_MISMATCH: 'crc_mismatch',
  BAD_CONFIG: 'bad_config',
} as const;
export type SynErrorCode = (typeof SynError)[keyof typeof SynError];
