/**
 * The access epoch: one counter bumped by every change that can alter a decision (policy,
 * grant, user, certificate, asset state, a grant window opening or closing). Cached decisions
 * belong to one epoch; live sessions re-check themselves when it moves.
 */

export type EpochCause = 'policy' | 'grant' | 'grant-window' | 'user' | 'asset' | 'directory' | 'certificate';

export type EpochListener = (epoch: number, cause: EpochCause) => void;

export class Epoch {
  private current = 0;
  private readonly listeners = new Set<EpochListener>();

  get value(): number {
    return this.current;
  }

  bump(cause: EpochCause): number {
    this.current++;
    for (const l of this.listeners) l(this.current, cause);
    return this.current;
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: EpochListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
