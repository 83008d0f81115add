/** Writes classic pcap and pcapng files from frames (our own traces; never on the read path). */

export type TimedFrame = { tsUs: number; frame: Buffer; linktype?: number };

export const LINKTYPE_ETHERNET = 1;

export function writePcap(
  frames: readonly (Buffer | TimedFrame)[],
  o: { linktype?: number; nanos?: boolean; bigEndian?: boolean; snaplen?: number; startUs?: number } = {},
): Buffer {
  const be = o.bigEndian ?? false;
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  const u32 = (b: Buffer, v: number, off: number) =>
    be ? b.writeUInt32BE(v >>> 0, off) : b.writeUInt32LE(v >>> 0, off);
  const u16 = (b: Buffer, v: number, off: number) => (be ? b.writeUInt16BE(v, off) : b.writeUInt16LE(v, off));
  u32(gh, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(gh, 2, 4);
  u16(gh, 4, 6);
  u32(gh, o.snaplen ?? 262144, 16);
  u32(gh, o.linktype ?? LINKTYPE_ETHERNET, 20);
  parts.push(gh);
  let t = o.startUs ?? 1_700_000_000_000_000;
  for (const f of frames) {
    t += 1000;
    const tf: TimedFrame = Buffer.isBuffer(f) ? { tsUs: t, frame: f } : f;
    const rh = Buffer.alloc(16);
    const sec = Math.floor(tf.tsUs / 1e6);
    const frac = tf.tsUs - sec * 1e6;
    u32(rh, sec, 0);
    u32(rh, o.nanos ? frac * 1000 : frac, 4);
    u32(rh, tf.frame.length, 8);
    u32(rh, tf.frame.length, 12);
    parts.push(rh, tf.frame);
  }
  return Buffer.concat(parts);
}
