/**
 * Test helper: a TCP server on a free loopback port standing in for an asset (an echo server
 * for a workstation's service, a PLC that never answers…), entered in the directory in the
 * test plant's zone `cell1`.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { AssetInput } from '../directory/directory.js';
import type { AccessGateway } from '../gateway.js';

export interface AssetServer {
  port: number;
  close(): Promise<void>;
}

/** A TCP server for `serve`; its `close` also ends the connections it has open. */
export function trackedServer(serve: (s: Socket) => void): { server: Server; close(): Promise<void> } {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    s.on('error', () => s.destroy());
    serve(s);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
      }),
  };
}

export async function assetServer(
  gw: AccessGateway,
  asset: Pick<AssetInput, 'id' | 'name' | 'protocol'>,
  serve: (s: Socket) => void,
): Promise<AssetServer> {
  const { server, close } = trackedServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await gw.directory.addAsset({ ...asset, host: '127.0.0.1', port, zone: 'cell1' }, 'setup');
  return { port, close };
}
