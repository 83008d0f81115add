/**
 * Niagara Fox analyzer (tcp 1911; tcp 4911 is Fox over TLS, recognised by port only): Tridium
 * Niagara stations (JACE building controllers, Supervisor servers) and Workbench clients.
 * Spec: none public; the text hello described in consts.ts.
 *
 * Reads the first message of each direction (bounded to MAX_MESSAGE bytes): a hello's keys
 * become facts on its sender (server hello → server IP, client hello → client IP):
 * `fox.host_name`, `fox.host_address`, `fox.app_name`, `fox.app_version` (also `firmware` for
 * a station), `fox.vm_name`, `fox.vm_version`, `fox.os_name`, `fox.os_version`,
 * `fox.station_name` (also `name`), `fox.brand_id` with `vendor` (Tridium for its own brands,
 * else the brand id); roleHint 'bms-controller' for a station on an embedded OS (QNX, VxWorks:
 * a JACE), 'bms-server' for a station elsewhere, 'engineering-workstation' for Workbench.
 * Operation: the hello exchange as one `identify` (code "hello"), ok when the server answers.
 * Not handled: the binary Fox after authentication, challenges and logins (nothing but their
 * existence is kept), Fox over TLS content.
 */
import type { AssetFacts, Evidence } from '../../events/types.js';
import type { AnalyzerDescriptor, Direction } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { openingProbe, Preface } from '../preface.js';
import { EMBEDDED_OS, FOX_PORT, FOX_TLS_PORT, HELLO_FACTS, MAX_MESSAGE, TRIDIUM_BRANDS } from './consts.js';
import { type FoxMessage, messageEnd, parseFox, startsFox } from './parse.js';

export const fox: AnalyzerDescriptor = {
  name: 'fox',
  transport: 'tcp',
  ports: [FOX_PORT, FOX_TLS_PORT],
  probe: openingProbe(4, startsFox),
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'fox');
    /** Per direction: bytes of the first message so far, until it is done with. */
    const preface = new Preface();
    let hello: Evidence | undefined;

    const message = (dir: Direction, m: FoxMessage): void => {
      if (m.command === 'hello') {
        if (dir === 0) hello = ctx.evidence();
        else if (hello) {
          out.op('identify', 'hello', undefined, true, hello);
          hello = undefined;
        }
      }
      const ip = senderIp(ctx.packet);
      if (ip === undefined || Object.keys(m.values).length === 0) return;
      out.asset({ ip }, facts(m.values));
    };

    return {
      data(dir: Direction, buf, off, len) {
        const all = preface.join(dir, buf, off, len);
        if (all === null) return;
        // Fox over TLS (4911) or anything else that is not Fox text: stop reading this direction
        // (judged on a first delivery, when `all` is these bytes alone).
        if (all.length === len && !startsFox(buf, off, len) && len >= 4) {
          preface.done(dir);
          return;
        }
        const e = messageEnd(all, 0, all.length);
        if (e < 0) {
          if (all.length > MAX_MESSAGE) {
            out.anomaly('fox.too_large', `no end of message in ${all.length} bytes`);
            preface.done(dir);
          } else preface.keep(dir, all);
          return;
        }
        preface.done(dir);
        const r = parseFox(all, 0, e);
        if (!r.ok) out.anomaly(`fox.${r.code}`, r.detail);
        else message(dir, r.msg);
      },
      gap: (dir: Direction) => preface.done(dir),
      end: () => {
        if (hello) out.op('identify', 'hello', undefined, undefined, hello);
        hello = undefined;
      },
    };
  },
};

function facts(v: Record<string, string>): AssetFacts {
  const f: AssetFacts = {};
  for (const [k, value] of Object.entries(v)) f[HELLO_FACTS[k]!] = value;
  const app = v['app.name']?.toLowerCase();
  if (app === 'station') {
    const brand = v.brandId;
    f.vendor = brand === undefined || TRIDIUM_BRANDS.has(brand.toLowerCase()) ? 'Tridium' : brand;
    if (v['app.version']) f.firmware = v['app.version'];
    const os = (v['os.name'] ?? '').toLowerCase();
    f.roleHint = EMBEDDED_OS.some((e) => os.includes(e)) ? 'bms-controller' : 'bms-server';
  } else if (app === 'workbench') f.roleHint = 'engineering-workstation';
  if (v['station.name']) f.name = v['station.name'];
  return f;
}
