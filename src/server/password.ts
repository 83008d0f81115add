/**
 * Console passwords: scrypt (memory-hard, built into Node, no native dependency). The stored
 * form carries its parameters, `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64url), so the
 * cost can rise later without invalidating old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB per hash, about 0.1 s on one core. */
export const DEFAULT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds on stored parameters: a tampered row must not make us allocate gigabytes. */
const MAX_LOG2N = 20;
const MAX_R = 16;
const MAX_P = 4;

function derive(password: string, salt: Buffer, c: ScryptCost): Promise<Buffer> {
  const N = 2 ** c.log2N;
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N, r: c.r, p: c.p, maxmem: 256 * N * c.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.log2N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d)\$([\w-]{16,64})\$([\w-]{32,128})$/.exec(stored);
  if (!m) return null;
  const cost = { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.log2N < 10 || cost.log2N > MAX_LOG2N || cost.r < 1 || cost.r > MAX_R) return null;
  if (cost.p < 1 || cost.p > MAX_P) return null;
  return { cost, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

/** True when `password` matches `stored`; false for a mismatch or an unreadable hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return false;
  const key = await derive(password, p.salt, { ...p.cost });
  return key.length === p.key.length && timingSafeEqual(key, p.key);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification on nothing: an unknown user name answers as slowly as
 * a wrong password, so timing does not tell which names exist.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}
