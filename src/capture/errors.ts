/** Errors a capture source raises: each names the input and the byte offset where it broke. */

export type CaptureErrorCode =
  | 'not-a-capture'
  | 'truncated'
  | 'bad-length'
  | 'bad-block'
  | 'unsupported'
  | 'io'
  | 'source';

export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    readonly input: string,
    /** Byte offset in the (decompressed) capture where the problem starts; -1 when unknown. */
    readonly offset: number,
    detail: string,
  ) {
    super(`${input}: ${detail}${offset >= 0 ? ` at byte ${offset}` : ''}`);
    this.name = 'CaptureError';
  }
}
