/**
 * The reference bare read loop for the capture benchmark: one reused 1 MiB buffer filled with
 * fs.readSync, a walk over the 16-byte pcap record headers (no decoding), and a copy of only the
 * record that straddles the end of the buffer. It is what "reading a capture file" costs in Node
 * on this machine; `lineguard analyze` is measured against it.
 *
 * Prints one JSON line: {packets, bytes (captured), origBytes, fileBytes, seconds (the loop, from
 * open to close), maxRssKiB}. Self-contained (node built-ins only) so run.ts can compile it to
 * plain JavaScript and time it without a TypeScript loader.
 *
 * Usage: node bench/out/js/bare-read.js FILE.pcap   (or: node --import tsx bench/bare-read.ts FILE)
 */
import { closeSync, openSync, readSync } from 'node:fs';

const BUFFER_SIZE = 1024 * 1024;
const MAX_RECORD = BUFFER_SIZE - 16;

export type BareReadResult = {
  packets: number;
  bytes: number;
  origBytes: number;
  fileBytes: number;
  seconds: number;
  maxRssKiB: number;
};

export function bareRead(path: string): BareReadResult {
  const started = performance.now();
  const buf = Buffer.allocUnsafe(BUFFER_SIZE);
  const fd = openSync(path, 'r');
  let packets = 0;
  let bytes = 0;
  let origBytes = 0;
  let fileBytes = 0;
  try {
    if (readSync(fd, buf, 0, 24, null) !== 24) throw new Error(`${path}: shorter than a pcap file header`);
    const magic = buf.readUInt32LE(0);
    if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) {
      throw new Error(`${path}: not a classic little-endian pcap (magic 0x${magic.toString(16)})`);
    }
    fileBytes = 24;
    let have = 0; // valid bytes at the start of buf
    for (;;) {
      const n = readSync(fd, buf, have, BUFFER_SIZE - have, null);
      if (n === 0) break;
      fileBytes += n;
      have += n;
      let p = 0;
      while (p + 16 <= have) {
        const incl = buf.readUInt32LE(p + 8);
        if (incl > MAX_RECORD) {
          throw new Error(`${path}: record length ${incl} at offset ${fileBytes - have + p} is implausible`);
        }
        const next = p + 16 + incl;
        if (next > have) break;
        packets++;
        bytes += incl;
        origBytes += buf.readUInt32LE(p + 12);
        p = next;
      }
      if (p < have) buf.copy(buf, 0, p, have);
      have -= p;
    }
    if (have !== 0) throw new Error(`${path}: ${have} trailing bytes (truncated last record)`);
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - started) / 1000;
  return { packets, bytes, origBytes, fileBytes, seconds, maxRssKiB: process.resourceUsage().maxRSS };
}

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: bare-read FILE.pcap');
  process.exitCode = 2;
} else {
  console.log(JSON.stringify(bareRead(file)));
}
