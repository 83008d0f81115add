/** Frames placed in time: exchanges are written in any order and come out sorted. */
import type { TimedFrame } from './pcap-writer.js';

export class Timeline {
  private readonly frames: (TimedFrame & { seq: number })[] = [];
  private seq = 0;

  /** Place frames starting at `tsUs`, `stepUs` apart (a request and its answer, say). */
  at(tsUs: number, frames: readonly Buffer[], stepUs = 180): this {
    frames.forEach((frame, i) => {
      this.frames.push({ tsUs: tsUs + i * stepUs, frame, seq: this.seq++ });
    });
    return this;
  }

  /** All frames by time (stable: equal times keep the order they were placed in). */
  sorted(): TimedFrame[] {
    return this.frames
      .slice()
      .sort((a, b) => a.tsUs - b.tsUs || a.seq - b.seq)
      .map(({ tsUs, frame }) => ({ tsUs, frame }));
  }
}
