/**
 * Where a real EtherNet/IP client library can reach a gateway listener in tests. st-ethernet-ip
 * dials TCP 44818 and no other port, so each test takes a loopback address of its own
 * (127.x.y.z: on Linux all of 127/8 reaches this host) where 44818 is free. There either the
 * gateway listens itself, or a front carries each connection on over TLS to an mTLS listener —
 * the library speaks no TLS, and a local TLS wrapper is how such a client reaches one.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { trackedServer } from './asset-server.js';

export const ENIP_PORT = 44818;

function randomLoopback(): string {
  const b = () => 1 + Math.floor(Math.random() * 254);
  return `127.${b()}.${b()}.${b()}`;
}

/** `server` listening on 44818 of a loopback address nobody uses it on; that address. */
async function listenOnFreeLoopback(server: Server): Promise<string> {
  for (let tries = 0; ; tries++) {
    const host = randomLoopback();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(ENIP_PORT, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return host;
    } catch (e) {
      if (tries >= 20) throw e;
    }
  }
}

/** A loopback address where TCP 44818 is free right now (for a listener the test starts next). */
export async function freeEnipHost(): Promise<string> {
  const probe = createServer();
  const host = await listenOnFreeLoopback(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return host;
}

export interface TlsFront {
  /** Where the library connects (port 44818). */
  host: string;
  close(): Promise<void>;
}

/**
 * A plain TCP front on `host`:44818 that carries each connection on through `open()` (a TLS
 * connection to the gateway): either side closing closes the other.
 */
export async function tlsFront(open: () => Promise<Socket>): Promise<TlsFront> {
  const { server, close } = trackedServer((client) => {
    client.pause();
    open().then(
      (up) => {
        if (client.destroyed) return void up.destroy();
        up.on('error', () => up.destroy());
        up.once('close', () => client.destroy());
        client.once('close', () => up.destroy());
        client.pipe(up);
        up.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  return { host: await listenOnFreeLoopback(server), close };
}
