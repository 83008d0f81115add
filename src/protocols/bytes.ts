/**
 * Byte helpers for the per-flow caches analyzers keep of repeated messages (polling repeats
 * the same requests): a hash to find an entry, and a comparison that confirms it, so a crafted
 * hash collision cannot relabel a message.
 */

/** FNV-1a over little-endian 32-bit words, then the tail bytes. */
export function hashBytes(buf: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  const words = off + (len & ~3);
  let i = off;
  // Index reads: much cheaper than Buffer#readInt32LE's checks in a loop.
  for (; i < words; i += 4) {
    h = Math.imul(h ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)), 0x01000193);
  }
  for (const end = off + len; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Whether `buf[off, off + ref.length)` holds the bytes of `ref`. A JS loop rather than
 * Buffer#compare: these are tens of bytes, where the native call's argument checks cost more
 * than the comparison (about 4 % of `lineguard analyze` on the benchmark capture).
 */
export function sameBytes(buf: Uint8Array, off: number, ref: Uint8Array): boolean {
  const n = ref.length;
  if (off + n > buf.length) return false;
  for (let i = 0; i < n; i++) if (buf[off + i] !== ref[i]) return false;
  return true;
}
