import { describe, expect, it } from 'vitest';
import { hashPassword, verifyDummy, verifyPassword } from './password.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterz', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
  });

  it('reads the cost from the stored hash', async () => {
    const cheap = await hashPassword('low-cost password', { log2N: 10, r: 8, p: 1 });
    expect(cheap.startsWith('scrypt$10$8$1$')).toBe(true);
    expect(await verifyPassword('low-cost password', cheap)).toBe(true);
  });

  it('refuses unreadable or outrageous stored hashes instead of computing them', async () => {
    const good = await hashPassword('pw-for-tamper-test', { log2N: 10, r: 8, p: 1 });
    const [, , , , salt, key] = good.split('$');
    for (const bad of [
      '',
      'plain text',
      `scrypt$30$8$1$${salt}$${key}`, // 2^30: gigabytes
      `scrypt$10$99$1$${salt}$${key}`,
      `scrypt$10$8$1$${salt}`,
      `bcrypt$10$8$1$${salt}$${key}`,
    ]) {
      expect(await verifyPassword('pw-for-tamper-test', bad)).toBe(false);
    }
  });

  it('spends a verification on unknown users and always says no', async () => {
    expect(await verifyDummy('anything')).toBe(false);
  });
});
