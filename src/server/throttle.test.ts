import { describe, expect, it } from 'vitest';
import { NameThrottle } from './throttle.js';

describe('failed sign-ins per user name', () => {
  it('blocks a name after its failures until the window has passed', () => {
    let now = 1_000_000;
    const t = new NameThrottle({ failures: 3, windowMs: 60_000, maxNames: 100 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfter('Alice')).toBe(0);
      t.fail('alice');
      now += 1000;
    }
    expect(t.retryAfter('ALICE')).toBe(60_000 - 3000);
    expect(t.retryAfter('bob')).toBe(0);
    now += 57_000;
    expect(t.retryAfter('alice')).toBe(0);
  });

  it('forgets a name after a successful sign-in', () => {
    const t = new NameThrottle({ failures: 2, windowMs: 60_000, maxNames: 100 });
    t.fail('carol');
    t.fail('carol');
    expect(t.retryAfter('carol')).toBeGreaterThan(0);
    t.succeed('carol');
    expect(t.retryAfter('carol')).toBe(0);
  });

  it('tracks a bounded number of names, forgetting the oldest', () => {
    const t = new NameThrottle({ failures: 1, windowMs: 60_000, maxNames: 2 });
    t.fail('a');
    t.fail('b');
    t.fail('c');
    expect(t.retryAfter('a')).toBe(0);
    expect(t.retryAfter('b')).toBeGreaterThan(0);
    expect(t.retryAfter('c')).toBeGreaterThan(0);
  });
});
