/**
 * HTTP/1.x analyzer (tcp 80, 8000, 8008, 8080, 8081; recognised elsewhere by a request line or
 * status line opening the stream). Spec: RFC 9112, RFC 9110 (see consts.ts).
 *
 * Reads the first header block of each direction (at most MAX_HEADER bytes; bodies are never
 * parsed): request User-Agent → `http.user_agent` on the client; response Server →
 * `http.server` on the server with `vendor` for device vendors' embedded servers ("Siemens,
 * SIMATIC", "Schneider-WEB", ...); WWW-Authenticate realm → `http.realm` (it often names the
 * device model). No operations (an IT protocol). Not handled: later messages on a kept-alive
 * connection, HTTP/2, bodies.
 */
import type { AssetFacts } from '../../events/types.js';
import type { AnalyzerDescriptor, Direction } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { openingProbe, Preface } from '../preface.js';
import { HTTP_PORTS, MAX_HEADER, SERVER_VENDORS } from './consts.js';
import { headerEnd, parseHead, realmOf, startsHttp } from './parse.js';

const WANTED = ['user-agent', 'server', 'www-authenticate', 'host'] as const;

export const http: AnalyzerDescriptor = {
  name: 'http',
  transport: 'tcp',
  ports: [...HTTP_PORTS],
  probe: openingProbe(8, startsHttp),
  create: (ctx) => {
    const out = new FlowEmitter(ctx, 'http');
    const preface = new Preface();
    return {
      data(dir: Direction, buf, off, len) {
        const all = preface.join(dir, buf, off, len);
        if (all === null) return;
        if (all.length >= 8 && !startsHttp(all, 0, all.length)) {
          preface.done(dir);
          return;
        }
        const e = headerEnd(all, 0, Math.min(all.length, MAX_HEADER));
        if (e < 0) {
          if (all.length >= MAX_HEADER) {
            out.anomaly('http.header_too_large', `no end of headers in ${MAX_HEADER} bytes`);
            preface.done(dir);
          } else preface.keep(dir, all);
          return;
        }
        preface.done(dir);
        const r = parseHead(all, 0, e, WANTED);
        if (!r.ok) {
          out.anomaly(`http.${r.code}`, r.detail);
          return;
        }
        const ip = senderIp(ctx.packet);
        if (ip === undefined) return;
        const f = r.msg.fields;
        if (r.msg.request) {
          if (f['user-agent']) out.asset({ ip }, { 'http.user_agent': f['user-agent'] });
          return;
        }
        const facts: AssetFacts = {};
        const server = f.server;
        if (server) {
          facts['http.server'] = server;
          const v = SERVER_VENDORS.find(([re]) => re.test(server));
          if (v) facts.vendor = v[1];
        }
        const realm = f['www-authenticate'] ? realmOf(f['www-authenticate']) : undefined;
        if (realm) facts['http.realm'] = realm;
        if (Object.keys(facts).length > 0) out.asset({ ip }, facts);
      },
      gap: (dir: Direction) => preface.done(dir),
    };
  },
};
