/**
 * Test support (excluded from the build) for the protocols on ISO transport: the TSDUs of a
 * public capture (read at test time, never copied into the repository), reassembled from the
 * engine's TCP streams with the COTP parser, for parser tests on real frames; and identity
 * recall against a truth file's `identity` map.
 */
import { readFileSync } from 'node:fs';
import { analyzeBytes } from '../../../capture/analyze.js';
import type { AssetObserved, LineguardEvent } from '../../../events/types.js';
import type { AnalyzerDescriptor, Direction } from '../../analyzer.js';
import { StreamFramer } from '../../framer.js';
import { PCAPS } from '../../testing/captures.js';
import { measureTpkt, parseTpkt } from '../parse.js';

export interface Tsdu {
  dir: Direction;
  /** Frame of the TPKT that completed it. */
  frame: number;
  data: Buffer;
}

/** Every reassembled TSDU on port 102 in `PCAPS/<path>`, in delivery order, and the TPKTs that did not parse. */
export async function publicTsdus(path: string): Promise<{ tsdus: Tsdu[]; malformed: number }> {
  const out: Tsdu[] = [];
  let malformed = 0;
  const recorder: AnalyzerDescriptor = {
    name: 'tsdu-recorder',
    transport: 'tcp',
    ports: [102],
    create(ctx) {
      const frag: Buffer[][] = [[], []];
      const framer = (dir: Direction) =>
        new StreamFramer(
          measureTpkt,
          (buf, off, len) => {
            const r = parseTpkt(buf, off, len);
            if (!r.ok) malformed++;
            if (!r.ok || (r.tpdu.type !== 'DT' && r.tpdu.type !== 'ED')) return;
            frag[dir]!.push(Buffer.from(buf.subarray(r.tpdu.dataOff, r.tpdu.dataOff + r.tpdu.dataLen)));
            if (r.tpdu.type === 'ED' || r.tpdu.eot) {
              out.push({ dir, frame: ctx.packet.frame, data: Buffer.concat(frag[dir]!) });
              frag[dir] = [];
            }
          },
          () => {},
        );
      const framers = [framer(0), framer(1)] as const;
      return {
        data: (dir, buf, off, len) => framers[dir].push(buf, off, len),
        gap: (dir) => {
          framers[dir].gap();
          frag[dir] = [];
        },
      };
    },
  };
  await analyzeBytes(readFileSync(`${PCAPS}${path}`), { analyzers: [recorder] });
  return { tsdus: out, malformed };
}

interface Truth {
  identity: Record<string, Record<string, string[]>>;
}

/**
 * Truth identity facts whose key starts with `prefix` that no asset event states on the same
 * subject (IP or MAC) with the same value, as `subject key=value` lines (empty: full recall).
 */
export function missingIdentity(events: LineguardEvent[], truthPath: string, prefix: string): string[] {
  const truth = JSON.parse(readFileSync(`${PCAPS}${truthPath}`, 'utf8')) as Truth;
  const assets = events.filter((e): e is AssetObserved => e.kind === 'asset.observed');
  const missing: string[] = [];
  for (const [subject, facts] of Object.entries(truth.identity)) {
    for (const [key, values] of Object.entries(facts)) {
      if (!key.startsWith(prefix)) continue;
      for (const v of values) {
        const found = assets.some((a) => (a.at.ip === subject || a.at.mac === subject) && a.facts[key] === v);
        if (!found) missing.push(`${subject} ${key}=${v}`);
      }
    }
  }
  return missing;
}

/** How many truth identity facts with `prefix` a capture's truth file holds. */
export function truthFacts(truthPath: string, prefix: string): number {
  const truth = JSON.parse(readFileSync(`${PCAPS}${truthPath}`, 'utf8')) as Truth;
  let n = 0;
  for (const facts of Object.values(truth.identity))
    for (const [key, values] of Object.entries(facts)) if (key.startsWith(prefix)) n += values.length;
  return n;
}
