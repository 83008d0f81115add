import { describe, expect, it } from 'vitest';
import type { LineguardEvent } from '../events/types.js';
import { EventQueue } from './event-queue.js';

function ev(i: number): LineguardEvent {
  return { kind: 'anomaly.observed', protocol: 'test', code: `e${i}`, evidence: { source: 't', ts: i } };
}

function ts(e: LineguardEvent): number {
  return e.kind === 'anomaly.observed' ? e.evidence.ts : -1;
}

async function drain(q: EventQueue): Promise<number[]> {
  const out: number[] = [];
  for await (const e of q) out.push(ts(e));
  return out;
}

describe('EventQueue', () => {
  it('hands over every event in order, then ends', async () => {
    const q = new EventQueue(4);
    const consumer = drain(q);
    for (let i = 0; i < 100; i++) {
      await q.room();
      q.push(ev(i));
    }
    q.end();
    expect(await consumer).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('holds the producer back above the high-water mark until the consumer takes some', async () => {
    const q = new EventQueue(3);
    for (let i = 0; i < 3; i++) q.push(ev(i));
    let roomy = false;
    const waiting = q.room().then(() => {
      roomy = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(roomy).toBe(false);
    const it = q[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    await waiting;
    expect(roomy).toBe(true);
  });

  it('throws the producer error to the consumer after the queued events', async () => {
    const q = new EventQueue();
    q.push(ev(1));
    q.end(new Error('capture cut short'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const e of q) seen.push(ts(e));
      })(),
    ).rejects.toThrow('capture cut short');
    expect(seen).toEqual([1]);
  });

  it('releases a waiting producer when it ends', async () => {
    const q = new EventQueue(1);
    q.push(ev(0));
    const waiting = q.room();
    q.end();
    await expect(waiting).resolves.toBeUndefined();
  });
});
