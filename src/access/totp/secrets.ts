/**
 * TOTP secrets at rest. A code can only be checked with the secret itself (unlike a key's
 * public half), so each is sealed: AES-256-GCM under the gateway's TOTP key, the user id bound
 * in as associated data (a box copied to another user's row fails). The TOTP key is random,
 * made at the first start that allows codes, and kept sealed by the CA passphrase (keybox.ts),
 * so a copied database yields no secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { open, seal } from '../ca/keybox.js';
import type { AccessDb } from '../db/schema.js';
import { AccessError } from '../errors.js';

const KEY_META = 'totp_key_box';
const PURPOSE = 'lineguard-totp-key-v1';

/** The gateway's TOTP key, unsealed; made and stored sealed when there is none yet. */
export async function openTotpKey(db: Kysely<AccessDb>, passphrase: string): Promise<Buffer> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', KEY_META).executeTakeFirst();
  if (row !== undefined) {
    const key = await open(row.value, passphrase, PURPOSE);
    if (key.length !== 32)
      throw new AccessError('ACCESS_CA_LOCKED', 'the stored TOTP key has the wrong size');
    return key;
  }
  const key = randomBytes(32);
  const box = await seal(key, passphrase, PURPOSE);
  await db.insertInto('meta').values({ key: KEY_META, value: box }).execute();
  return key;
}

interface SecretBox {
  iv: string;
  tag: string;
  data: string;
}

function aad(user: string): Buffer {
  return Buffer.from(`totp:${user}`);
}

export function sealSecret(key: Buffer, user: string, secret: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad(user));
  const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  const box: SecretBox = {
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return JSON.stringify(box);
}

/** The secret, or an error when the box was altered, moved or sealed under another key. */
export function openSecret(key: Buffer, user: string, sealed: string): string {
  try {
    const box = JSON.parse(sealed) as SecretBox;
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'), {
      authTagLength: 16,
    });
    d.setAAD(aad(user));
    d.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(box.data, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw new AccessError('ACCESS_TOTP', `the stored authenticator secret of ${user} does not open`);
  }
}
