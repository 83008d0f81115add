/** Starts the hub on a port and stops it gracefully: what `serve` and `demo` share. */
import type { AddressInfo } from 'node:net';
import { buildHub, type HubOptions } from './app.js';
import type { Hub } from './context.js';

export interface ListenOptions extends HubOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningHub {
  app: Hub;
  /** Base URL for a browser on this machine, e.g. `http://127.0.0.1:8440`. */
  url: string;
  /** Stops taking requests, lets those in flight and running uploads finish, then closes. */
  close(): Promise<void>;
}

export async function startHub(opts: ListenOptions): Promise<RunningHub> {
  const app = await buildHub(opts);
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await app.close();
    throw e;
  }
  const addr = app.server.address() as AddressInfo;
  return { app, url: browserUrl(addr), close: () => app.close() };
}

/** A wildcard bind is reached through loopback; IPv6 addresses go in brackets. */
function browserUrl(addr: AddressInfo): string {
  const host =
    addr.address === '0.0.0.0'
      ? '127.0.0.1'
      : addr.address === '::'
        ? '[::1]'
        : addr.family === 'IPv6'
          ? `[${addr.address}]`
          : addr.address;
  return `http://${host}:${addr.port}`;
}
