/**
 * The CA's private key at rest: AES-256-GCM under a key derived from the operator's passphrase
 * with scrypt (N = 2^15, r = 8, p = 1: about 0.1 s and 32 MiB per unlock), a fresh salt and IV
 * per sealing. A wrong passphrase or a changed box fails GCM's check; nothing is guessed.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AccessError } from '../errors.js';

/** What a box holds, bound into GCM's check: a box cannot be moved to another use. */
export type BoxPurpose = 'lineguard-ca-key-v1' | 'lineguard-totp-key-v1';

const WHAT: Record<BoxPurpose, string> = {
  'lineguard-ca-key-v1': 'CA key',
  'lineguard-totp-key-v1': 'TOTP key',
};
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const MIN_PASSPHRASE = 12;

interface Box {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

function derive(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { ...SCRYPT, N: p.N, r: p.r, p: p.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function seal(
  secret: Buffer,
  passphrase: string,
  purpose: BoxPurpose = 'lineguard-ca-key-v1',
): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await derive(passphrase, salt, SCRYPT);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(purpose));
  const data = Buffer.concat([c.update(secret), c.final()]);
  const box: Box = {
    v: 1,
    kdf: 'scrypt',
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return JSON.stringify(box);
}

export async function open(
  sealed: string,
  passphrase: string,
  purpose: BoxPurpose = 'lineguard-ca-key-v1',
): Promise<Buffer> {
  let box: Box;
  try {
    box = JSON.parse(sealed) as Box;
  } catch {
    throw new AccessError('ACCESS_CA_LOCKED', `the stored ${WHAT[purpose]} is not a key box`);
  }
  if (box.v !== 1 || box.kdf !== 'scrypt' || box.N > 2 ** 20 || box.r > 32 || box.p > 16)
    throw new AccessError('ACCESS_CA_LOCKED', `the stored ${WHAT[purpose]} box has an unknown format`);
  const key = await derive(passphrase, Buffer.from(box.salt, 'base64'), box);
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'), {
    authTagLength: 16,
  });
  d.setAAD(Buffer.from(purpose));
  try {
    d.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(box.data, 'base64')), d.final()]);
  } catch {
    throw new AccessError(
      'ACCESS_CA_LOCKED',
      `wrong CA passphrase, or the stored ${WHAT[purpose]} was altered`,
    );
  }
}

/**
 * The passphrase from `LINEGUARD_CA_PASSPHRASE`, or from the file `LINEGUARD_CA_PASSPHRASE_FILE`
 * names (its first line). Missing or short: the CA stays locked.
 */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  let p = env.LINEGUARD_CA_PASSPHRASE;
  const file = env.LINEGUARD_CA_PASSPHRASE_FILE;
  if (p === undefined && file !== undefined) {
    try {
      p = readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (e) {
      throw new AccessError(
        'ACCESS_CA_LOCKED',
        `LINEGUARD_CA_PASSPHRASE_FILE ${file}: ${(e as Error).message}`,
      );
    }
  }
  if (p === undefined)
    throw new AccessError(
      'ACCESS_CA_LOCKED',
      'set LINEGUARD_CA_PASSPHRASE or LINEGUARD_CA_PASSPHRASE_FILE to unlock the CA',
    );
  if (p.length < MIN_PASSPHRASE)
    throw new AccessError(
      'ACCESS_CA_LOCKED',
      `the CA passphrase has fewer than ${MIN_PASSPHRASE} characters`,
    );
  return p;
}
