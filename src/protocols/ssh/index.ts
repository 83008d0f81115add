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
import { openingProbe, Preface } from '../preface.js';
import { MAX_PREFACE, SSH_PORT } from './consts.js';
import { parseBanner, startsSsh } from './parse.js';

export const ssh: AnalyzerDescriptor = {
  name: 'ssh',
  transport: 'tcp',
  ports: [SSH_PORT],
  probe: openingProbe(4, startsSsh),
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'ssh');
    const preface = new Preface();
    return {
      data(dir: Direction, buf, off, len) {
        const all = preface.join(dir, buf, off, len);
        if (all === null) return;
        const r = parseBanner(all, 0, all.length);
        if (!r.ok) {
          if (r.code === 'incomplete' && all.length < MAX_PREFACE) {
            preface.keep(dir, all);
            return;
          }
          out.anomaly(r.code === 'incomplete' ? 'ssh.no_banner' : 'ssh.bad_banner', r.detail);
          preface.done(dir);
          return;
        }
        preface.done(dir);
        const ip = senderIp(ctx.packet);
        if (ip === undefined) return;
        const f: AssetFacts = {
          'ssh.banner': r.msg.banner,
          'ssh.software': r.msg.software,
          'ssh.protocol': r.msg.protocol,
        };
        out.asset({ ip }, f);
      },
      gap: (dir: Direction) => preface.done(dir),
    };
  },
};
