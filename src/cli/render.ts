/** The human-readable summary `lineguard analyze` prints. */
import type { Summary } from '../capture/summary.js';

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function bytes(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)} GB`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} MB`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} kB`;
  return `${x} B`;
}

/** A rate as people read it: 1.23 M, 45.6 k or 789 (a small capture is not "0.00 M"). */
export function perSecond(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}

function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

export function renderSummary(s: Summary, maxHosts = 50): string {
  const out: string[] = [];
  const on = s.threads > 1 ? ` on ${s.threads} threads` : '';
  const rate = s.elapsedSec > 0 ? `  (${perSecond(s.packets / s.elapsedSec)} packets/s${on})` : '';
  out.push(`Capture: ${s.inputs.map((i) => i.input).join(', ')}`);
  out.push(`  packets   ${n(s.packets)}${rate}`);
  out.push(`  bytes     ${bytes(s.bytes)} on the wire, ${bytes(s.captureBytes)} of capture`);
  out.push(`  time      ${s.first ?? '-'} → ${s.last ?? '-'}  (${s.durationSec.toFixed(3)} s)`);
  const f = s.flows;
  out.push(
    `  flows     ${n(f.total)}  (tcp ${n(f.tcp)}, udp ${n(f.udp)}, icmp ${n(f.icmp)}, l2 ${n(f.l2)}, other ${n(f.ip)})`,
  );
  if (s.protocols.length > 0) {
    out.push('', 'Protocols:');
    out.push(
      table([
        ['name', 'packets', 'bytes', 'flows'],
        ...s.protocols.slice(0, 30).map((p) => [p.name, n(p.packets), bytes(p.bytes), n(p.flows)]),
      ]),
    );
    if (s.protocols.length > 30) out.push(`  … ${s.protocols.length - 30} more (--json lists all)`);
  }
  const hosts = s.hosts.filter((h) => !h.group);
  out.push(
    '',
    `Hosts: ${n(hosts.length)}${s.hosts.length > hosts.length ? ` (+${s.hosts.length - hosts.length} broadcast/multicast)` : ''}`,
  );
  if (hosts.length > 0) {
    out.push(
      table([
        ['ip', 'mac', 'names'],
        ...hosts.slice(0, maxHosts).map((h) => [h.ip ?? '-', h.macs.join(' ') || '-', h.names.join(', ')]),
      ]),
    );
    if (hosts.length > maxHosts) out.push(`  … ${hosts.length - maxHosts} more (--json lists all)`);
  }
  const sk = s.skipped;
  const skippedParts = [
    ...Object.entries(sk.linktypes).map(([k, v]) => `linktype ${k}: ${n(v)}`),
    ...Object.entries(sk.ethertypes).map(([k, v]) => `ethertype ${k}: ${n(v)}`),
    sk.truncated ? `truncated frames: ${n(sk.truncated)}` : '',
    sk.malformed ? `malformed frames: ${n(sk.malformed)}` : '',
    sk.fragmentsDropped ? `fragments dropped: ${n(sk.fragmentsDropped)}` : '',
    s.tcp.gapBytes ? `TCP bytes lost to capture gaps: ${n(s.tcp.gapBytes)}` : '',
  ].filter(Boolean);
  if (skippedParts.length > 0) out.push('', 'Not decoded:', ...skippedParts.map((x) => `  ${x}`));
  const anomalies = Object.entries(s.anomalies);
  if (anomalies.length > 0) {
    out.push('', 'Anomalies:', ...anomalies.sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${k}: ${n(v)}`));
  }
  return out.join('\n');
}
