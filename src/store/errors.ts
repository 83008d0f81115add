/** What the store refuses, with the field it concerns: the server maps `code` to its catalogue. */
export type StoreErrorCode =
  /** A value the store cannot use (a malformed CIDR, an unknown URL scheme). */
  | 'invalid'
  /** A unique value already taken (a user name, case-insensitively). */
  | 'conflict'
  /** The database could not be opened or migrated. */
  | 'unavailable';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    /** The option, filter or field at fault. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
