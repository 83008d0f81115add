/**
 * Live capture from a network interface.
 *
 * Why a `tcpdump` child writing pcap to a pipe rather than a libpcap binding (`cap`): the
 * capture privilege (CAP_NET_RAW) stays in tcpdump, which drops it after opening the device,
 * so Lineguard itself runs unprivileged; nothing native has to compile on the sensor; a crash
 * in libpcap cannot take the analyzer down; BPF filters are compiled by the tool made for it;
 * and the pipe carries plain pcap, so live traffic goes through the very reader and tests
 * that files do. The price is one copy through a pipe (GB/s — far above a sensor port's rate).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CaptureError } from './errors.js';
import { type ByteSource, rawStream } from './source.js';

export interface LiveOptions {
  iface: string;
  /** A BPF filter expression. */
  filter?: string;
  /** Stop after this many packets. */
  count?: number;
  snaplen?: number;
  /** The tcpdump binary (tests may point at another path). */
  tcpdump?: string;
}

export interface LiveCapture {
  source: ByteSource;
  /** Ask tcpdump to stop; the source then ends after the last buffered packet. */
  stop(): void;
  /** Resolves when tcpdump has exited; rejects with its error when it failed to start. */
  exited: Promise<void>;
}

const IFACE_RE = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function startLiveCapture(o: LiveOptions): LiveCapture {
  // The interface name goes to argv (never a shell), but refuse anything that is not a name.
  if (!IFACE_RE.test(o.iface)) throw new CaptureError('source', o.iface, -1, 'not a valid interface name');
  const args = ['-i', o.iface, '-U', '-w', '-', '-s', String(o.snaplen ?? 262144), '--immediate-mode', '-n'];
  if (o.count !== undefined) args.push('-c', String(o.count));
  if (o.filter) args.push(o.filter);
  const name = `interface ${o.iface}`;
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(o.tcpdump ?? 'tcpdump', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new CaptureError('source', name, -1, `cannot start tcpdump: ${(e as Error).message}`);
  }
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    // Keep the tail only: tcpdump reports its own errors here.
    stderr = (stderr + d).slice(-4096);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CaptureError(
          'source',
          name,
          -1,
          e.code === 'ENOENT'
            ? 'tcpdump is not installed (apt-get install tcpdump)'
            : `tcpdump failed: ${e.message}`,
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGTERM' || signal === 'SIGINT') resolve();
      else {
        const why =
          stderr
            .split('\n')
            .filter((l) => l.includes('tcpdump:'))
            .pop() ?? stderr.trim();
        reject(new CaptureError('source', name, -1, `tcpdump exited with ${code ?? signal}: ${why}`));
      }
    });
  });
  // Never gzip: no sniffing, so a quiet interface does not hold up the start.
  const source = rawStream(name, child.stdout);
  exited.catch(() => {}); // observed by the caller; avoid an unhandled rejection meanwhile
  return {
    source,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    exited,
  };
}
