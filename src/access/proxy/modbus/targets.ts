/**
 * What a Modbus request touches, as policies see it: the unit, the data space and the first
 * and last address (Modbus Application Protocol v1.1b3 §6: 1/5/15 coils, 2 discrete inputs,
 * 3/6/16/22/23 holding registers, 4 input registers, 20/21 file records, 24 FIFO queue).
 */
import { Fc } from '../../../protocols/modbus/consts.js';
import type { RequestFields } from '../../../protocols/modbus/parse.js';
import type { Target } from '../../policy/decision.js';

const SPACE: Readonly<Record<number, string>> = {
  [Fc.READ_COILS]: 'coils',
  [Fc.WRITE_SINGLE_COIL]: 'coils',
  [Fc.WRITE_MULTIPLE_COILS]: 'coils',
  [Fc.READ_DISCRETE_INPUTS]: 'discrete-inputs',
  [Fc.READ_HOLDING_REGISTERS]: 'holding',
  [Fc.WRITE_SINGLE_REGISTER]: 'holding',
  [Fc.WRITE_MULTIPLE_REGISTERS]: 'holding',
  [Fc.MASK_WRITE_REGISTER]: 'holding',
  [Fc.READ_WRITE_MULTIPLE_REGISTERS]: 'holding',
  [Fc.READ_INPUT_REGISTERS]: 'input',
  [Fc.READ_FILE_RECORD]: 'file',
  [Fc.WRITE_FILE_RECORD]: 'file',
  [Fc.READ_FIFO_QUEUE]: 'fifo',
};

/**
 * The target of a request (for 23, read/write multiple registers, the written range: the read
 * range is checked as a read of its own). File records: the file number as space suffix and
 * the record range.
 */
export function requestTarget(unit: number, f: RequestFields): Target {
  const space = SPACE[f.fc];
  if (space === undefined) return { unit, space: '', start: -1, end: -1 };
  switch (f.fc) {
    case Fc.READ_WRITE_MULTIPLE_REGISTERS:
      return { unit, space, start: f.a2, end: f.a2 + Math.max(1, f.q2) - 1 };
    case Fc.READ_FILE_RECORD:
    case Fc.WRITE_FILE_RECORD:
      return { unit, space: `file-${f.a}`, start: f.a2, end: f.a2 + Math.max(1, f.q2) - 1 };
    default:
      return { unit, space, start: f.a, end: f.a < 0 ? -1 : f.a + Math.max(1, f.q) - 1 };
  }
}

/** The read half of function 23. */
export function readHalfTarget(unit: number, f: RequestFields): Target {
  return { unit, space: 'holding', start: f.a, end: f.a + Math.max(1, f.q) - 1 };
}
