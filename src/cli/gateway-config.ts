/**
 * `--gateway-config FILE`: the Modbus, S7, EtherNet/IP and TCP listeners `lineguard serve` opens
 * in front of the plant's assets. The file is read and checked whole before anything starts; each
 * listener maps onto the gateway's own `listenModbus`/`listenS7`/`listenEnip`/`listenTcp`, its upstream onto the
 * asset's record in the gateway's directory (added when the asset is new).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { AccessGateway } from '../access/gateway.js';
import { idSchema } from '../access/ids.js';
import type { GatewayListener } from '../access/proxy/listener.js';
import { UsageError } from './analyze-command.js';

const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[\w.:-]+$/, 'must be a host name or an IP address');

/** An address or a CIDR block, as the plain listener's allow list reads it. */
function isSource(s: string): boolean {
  const [addr = '', bits, extra] = s.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d{1,3}$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}

const security = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('mtls') }),
  z.strictObject({
    mode: z.literal('plain'),
    allow: z
      .array(
        z.strictObject({
          source: z.string().refine(isSource, 'must be an IP address or a CIDR block (10.1.0.0/24)'),
          user: idSchema,
        }),
      )
      .min(1, 'a plain listener needs at least one allowed source'),
  }),
]);

const listener = z.strictObject({
  protocol: z.enum(['modbus', 's7', 'enip', 'tcp']),
  asset: idSchema,
  listen: z.strictObject({ host, port: z.number().int().min(0).max(65535) }),
  upstream: z.strictObject({ host, port: z.number().int().min(1).max(65535) }),
  security,
  onDeny: z.enum(['exception', 'drop']).optional(),
});

const gatewayConfig = z.strictObject({ listeners: z.array(listener).max(256) }).superRefine((cfg, ctx) => {
  const seen = new Map<string, { upstream: string; protocol: string }>();
  const bound = new Set<string>();
  cfg.listeners.forEach((l, i) => {
    if (l.onDeny !== undefined && l.protocol === 'tcp')
      ctx.addIssue({
        code: 'custom',
        path: ['listeners', i, 'onDeny'],
        message: 'a tcp relay decides at connect only; onDeny is for modbus, s7 and enip',
      });
    const upstream = `${l.upstream.host}:${l.upstream.port}`;
    const before = seen.get(l.asset);
    if (before && (before.upstream !== upstream || before.protocol !== l.protocol))
      ctx.addIssue({
        code: 'custom',
        path: ['listeners', i, 'upstream'],
        message: `asset ${l.asset} is listed already as ${before.protocol} at ${before.upstream}`,
      });
    seen.set(l.asset, { upstream, protocol: l.protocol });
    const at = `${l.listen.host}:${l.listen.port}`;
    if (l.listen.port !== 0 && bound.has(at))
      ctx.addIssue({
        code: 'custom',
        path: ['listeners', i, 'listen'],
        message: `${at} is taken by another listener in this file`,
      });
    bound.add(at);
  });
});

export type GatewayConfig = z.infer<typeof gatewayConfig>;
export type ListenerEntry = GatewayConfig['listeners'][number];

/** `--gateway-config`, then LINEGUARD_GATEWAY_CONFIG; an empty variable means none. */
export function gatewayConfigPath(flag: string | undefined): string | undefined {
  const given = flag ?? process.env.LINEGUARD_GATEWAY_CONFIG;
  return given === undefined || given === '' ? undefined : given;
}

function where(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** The file, read and validated whole: a bad one is a usage error naming the file and the field. */
export function readGatewayConfig(file: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `gateway config ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`gateway config ${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = gatewayConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues
      .slice(0, 5)
      .map((i) => `  ${where(i.path) || '(top level)'}: ${i.message}`);
    throw new UsageError(`gateway config ${file}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The asset a listener fronts: added with its upstream when new, refused when the directory says otherwise. */
async function ensureAsset(gw: AccessGateway, l: ListenerEntry, i: number, file: string): Promise<void> {
  const known = gw.directory.asset(l.asset);
  if (known === undefined) {
    await gw.directory.addAsset(
      { id: l.asset, name: l.asset, host: l.upstream.host, port: l.upstream.port, protocol: l.protocol },
      'system',
    );
    return;
  }
  if (known.host !== l.upstream.host || known.port !== l.upstream.port || known.protocol !== l.protocol)
    throw new UsageError(
      `gateway config ${file}: listeners[${i}].upstream: the gateway knows asset ${l.asset} as ${known.protocol} at ${known.host}:${known.port}`,
    );
}

function start(gw: AccessGateway, l: ListenerEntry): Promise<GatewayListener> {
  const base = { asset: l.asset, host: l.listen.host, port: l.listen.port, security: l.security };
  const onDeny = l.onDeny !== undefined ? { onDeny: l.onDeny } : {};
  if (l.protocol === 'modbus') return gw.listenModbus({ ...base, ...onDeny });
  if (l.protocol === 's7') return gw.listenS7({ ...base, ...onDeny });
  if (l.protocol === 'enip') return gw.listenEnip({ ...base, ...onDeny });
  return gw.listenTcp(base);
}

export interface StartedListener {
  entry: ListenerEntry;
  listener: GatewayListener;
}

/**
 * Opens every listener of the file, in order. The gateway owns them once started (its close
 * closes them), so a failure part-way leaves the caller to close the gateway.
 */
export async function startGatewayListeners(
  gw: AccessGateway,
  cfg: GatewayConfig,
  file: string,
): Promise<StartedListener[]> {
  const out: StartedListener[] = [];
  for (const [i, entry] of cfg.listeners.entries()) {
    await ensureAsset(gw, entry, i, file);
    try {
      out.push({ entry, listener: await start(gw, entry) });
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new UsageError(
        `gateway config ${file}: listeners[${i}].listen: cannot listen on ${entry.listen.host}:${entry.listen.port} (${why})`,
      );
    }
  }
  return out;
}

export function describeListener({ entry, listener }: StartedListener): string {
  const at = listener.address();
  const mode = entry.security.mode === 'mtls' ? 'mTLS' : 'plain TCP from listed sources';
  return `Gateway ${entry.protocol} listener for ${entry.asset} on ${at.host}:${at.port} → ${entry.upstream.host}:${entry.upstream.port} (${mode})`;
}
