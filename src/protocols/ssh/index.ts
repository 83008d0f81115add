/**
 * SSH analyzer (tcp 22; recognised elsewhere by a first payload starting "SSH-"). Spec:
 * RFC 4253 §4.2. Each side's identification line becomes facts on that side's IP:
 * `ssh.banner` (the whole line), `ssh.software` ("OpenSSH_8.9p1"), `ssh.protocol` ("2.0").
 * No roleHint and no operations (an IT protocol; the session is encrypted). Reads at most
 * MAX_PREFACE bytes per direction, then nothing more. Not handled: key exchange algorithms
 * (HASSH), anything encrypted.
 */
import type { AssetFacts } from '../../events/types.js';
import type { AnalyzerDescriptor, Direction } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { MAX_PREFACE, SSH_PORT } from './consts.js';
import { parseBanner, startsSsh } from './parse.js';

export const ssh: AnalyzerDescriptor = {
  name: 'ssh',
  transport: 'tcp',
  ports: [SSH_PORT],
  probe: (buf, off, len) => (len < 4 ? 'more' : startsSsh(buf, off, len) ? 'yes' : 'no'),
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'ssh');
    const acc: [Buffer | null, Buffer | null] = [Buffer.alloc(0), Buffer.alloc(0)];
    return {
      data(dir: Direction, buf, off, len) {
        const have = acc[dir];
        if (have === null) return;
        const all =
          have.length === 0
            ? buf.subarray(off, off + len)
            : Buffer.concat([have, buf.subarray(off, off + len)]);
        const r = parseBanner(all, 0, all.length);
        if (!r.ok) {
          if (r.code === 'incomplete' && all.length < MAX_PREFACE) {
            acc[dir] = Buffer.from(all);
            return;
          }
          out.anomaly(r.code === 'incomplete' ? 'ssh.no_banner' : 'ssh.bad_banner', r.detail);
          acc[dir] = null;
          return;
        }
        acc[dir] = null;
        const ip = senderIp(ctx.packet);
        if (ip === undefined) return;
        const f: AssetFacts = {
          'ssh.banner': r.msg.banner,
          'ssh.software': r.msg.software,
          'ssh.protocol': r.msg.protocol,
        };
        out.asset({ ip }, f);
      },
      gap: (dir: Direction) => {
        acc[dir] = null;
      },
    };
  },
};
