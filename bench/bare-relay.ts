/**
 * The reference for the access benchmark: the cheapest Modbus/TCP relay Node can be, in the same
 * thread as the gateway and with the same I/O as its Modbus proxy — the client's bytes as stream
 * events, the asset's read into a buffer of the session's own, one write per leg, no delay on
 * either socket — but no framing, no policy and no recording. What it costs is what Node and the
 * kernel charge for standing in the middle; the proxy is measured against it.
 */
import { connect, createServer, type Server } from 'node:net';

export async function bareRelay(asset: { host: string; port: number }): Promise<Server> {
  const server = createServer((client) => {
    client.setNoDelay(true);
    client.pause();
    let buf = Buffer.allocUnsafe(16 * 1024);
    const up = connect({
      ...asset,
      noDelay: true,
      onread: {
        buffer: () => buf,
        callback: (n: number) => {
          client.write(buf.subarray(0, n));
          // A write the kernel did not take at once still holds the buffer.
          if (client.writableLength > 0) buf = Buffer.allocUnsafe(16 * 1024);
          return true;
        },
      },
    });
    up.once('connect', () => client.resume());
    client.on('data', (c: Buffer) => up.write(c));
    for (const s of [client, up]) {
      s.on('error', () => s.destroy());
      s.on('close', () => {
        client.destroy();
        up.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
