/** The progress bar on a terminal: bytes and packets read, rate and ETA. Silent elsewhere. */
import type { Progress } from '../capture/analyze.js';

export interface ProgressView {
  update(p: Progress): void;
  stop(): void;
}

const NONE: ProgressView = { update() {}, stop() {} };

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** A bar on `stream` when it is a terminal; nothing otherwise (or when `stream` is null). */
export async function progressView(stream: NodeJS.WriteStream | null): Promise<ProgressView> {
  if (!stream?.isTTY) return NONE;
  // Loaded only for a terminal: scripts and pipes do not pay for it at start-up.
  const { default: cliProgress } = await import('cli-progress');
  // Rates are per input: each file restarts the byte count.
  let started = performance.now();
  let input = '';
  let packetsAtStart = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      fps: 8,
      hideCursor: true,
      clearOnComplete: true,
      format: (_opts, params, payload: { packets: number; input: string; unknownSize: boolean }) => {
        const secs = Math.max(0.001, (performance.now() - started) / 1000);
        const rate = `${((payload.packets - packetsAtStart) / secs / 1e6).toFixed(2)} Mpkt/s, ${mb(params.value / secs)}/s`;
        if (payload.unknownSize) {
          return `${payload.input}  ${mb(params.value)}  ${payload.packets.toLocaleString()} packets  ${rate}`;
        }
        const pct = Math.floor(params.progress * 100);
        const width = 30;
        const full = Math.round(params.progress * width);
        const eta = params.eta > 0 && Number.isFinite(params.eta) ? `ETA ${params.eta}s` : '';
        return `${payload.input} [${'█'.repeat(full)}${'░'.repeat(width - full)}] ${pct}%  ${mb(params.value)} / ${mb(params.total)}  ${payload.packets.toLocaleString()} packets  ${rate}  ${eta}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  let startedBar = false;
  return {
    update(p) {
      const unknownSize = p.size <= 0;
      const payload = { packets: p.packets, input: p.input, unknownSize };
      if (p.input !== input) {
        input = p.input;
        started = performance.now();
        packetsAtStart = p.packets;
      }
      if (!startedBar) {
        bar.start(unknownSize ? 0 : p.size, p.consumed, payload);
        startedBar = true;
      } else {
        if (!unknownSize) bar.setTotal(p.size);
        bar.update(p.consumed, payload);
      }
    },
    stop() {
      if (startedBar) bar.stop();
    },
  };
}
