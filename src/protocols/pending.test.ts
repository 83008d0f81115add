/** The pending-request tables: order, displacement by a repeated key, overflow, draining. */
import { describe, expect, it } from 'vitest';
import { KeyedPending } from './pending.js';

function table(cap: number, requeue = false) {
  const given: [string, boolean][] = [];
  const t = new KeyedPending<string>(cap, (old, overflow) => given.push([old, overflow]), requeue);
  const order = () => {
    const out: string[] = [];
    t.drain((v) => out.push(v));
    return out;
  };
  return { t, given, order };
}

describe('KeyedPending', () => {
  it('matches responses by key, in any order, and forgets what it handed out', () => {
    const { t } = table(8);
    t.add(1, 'a');
    t.add(2, 'b');
    t.add(3, 'c');
    expect(t.take(2)).toBe('b');
    expect(t.take(2)).toBeUndefined();
    expect(t.get(3)).toBe('c');
    t.delete(1);
    expect(t.size).toBe(1);
    expect(t.take(3)).toBe('c');
    expect(t.size).toBe(0);
  });

  it('gives up the oldest to make room, as an overflow', () => {
    const { t, given, order } = table(2);
    t.add(1, 'a');
    t.add(2, 'b');
    t.add(3, 'c');
    expect(given).toEqual([['a', true]]);
    expect(order()).toEqual(['b', 'c']);
    expect(t.size).toBe(0);
  });

  it('a repeated key displaces the earlier request, which keeps its place or, with requeue, moves last', () => {
    const keep = table(8);
    keep.t.add(1, 'a');
    keep.t.add(2, 'b');
    keep.t.add(1, 'a2');
    expect(keep.given).toEqual([['a', false]]);
    expect(keep.order()).toEqual(['a2', 'b']);

    const requeue = table(8, true);
    requeue.t.add(1, 'a');
    requeue.t.add(2, 'b');
    requeue.t.add(1, 'a2');
    expect(requeue.given).toEqual([['a', false]]);
    expect(requeue.order()).toEqual(['b', 'a2']);
  });

  it('stays in order through a long run of adds and takes from the middle', () => {
    const { t, order } = table(64);
    const model: [number, string][] = [];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const key = seed % 50;
      if (seed % 3 === 0) {
        const at = model.findIndex(([k]) => k === key);
        const got = t.take(key);
        expect(got).toBe(at < 0 ? undefined : model[at]![1]);
        if (at >= 0) model.splice(at, 1);
      } else {
        const at = model.findIndex(([k]) => k === key);
        // Without requeue the new request takes the earlier one's place.
        if (at >= 0) model[at] = [key, String(i)];
        else model.push([key, String(i)]);
        t.add(key, String(i));
      }
    }
    expect(order()).toEqual(model.map(([, v]) => v));
  });
});
