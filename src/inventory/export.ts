/** The inventory as CSV (for spreadsheets and CMDBs) and as a text table (for the terminal). */
import type { Asset } from './types.js';

const CSV_COLUMNS = [
  'id',
  'role',
  'confidence',
  'purdue_level',
  'ips',
  'macs',
  'names',
  'vendor',
  'model',
  'firmware',
  'serial',
  'serves',
  'uses',
  'peers',
  'first_seen',
  'last_seen',
] as const;

/**
 * One CSV field: quoted when needed, and defused when a spreadsheet would run it as a
 * formula (a device can name itself "=HYPERLINK(…)": OWASP CSV injection).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function inventoryCsv(assets: readonly Asset[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const a of assets) {
    const cells = [
      a.id,
      a.role.role,
      a.role.confidence.toFixed(2),
      a.purdue.level === null ? '' : String(a.purdue.level),
      a.ips.join(' '),
      a.macs.join(' '),
      a.names.join(' | '),
      a.vendor ?? '',
      a.model ?? '',
      a.firmware ?? '',
      a.serial ?? '',
      a.protocols
        .filter((p) => p.server)
        .map((p) => (p.ports.length ? `${p.name}/${p.ports.join('+')}` : p.name))
        .join(' '),
      a.protocols
        .filter((p) => p.client)
        .map((p) => p.name)
        .join(' '),
      String(a.peers.length),
      new Date(a.first).toISOString(),
      new Date(a.last).toISOString(),
    ];
    rows.push(cells.map(csvField).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Role, IP, MAC, vendor, model, firmware, protocols, peers: the first `max` assets. */
export function inventoryTable(assets: readonly Asset[], max = 50): string {
  const rows = [['role', 'ip', 'mac', 'vendor', 'model', 'firmware', 'protocols', 'peers']];
  for (const a of assets.slice(0, max)) {
    rows.push([
      a.purdue.level === null ? a.role.role : `${a.role.role} (L${a.purdue.level})`,
      a.ips[0] ? a.ips[0] + (a.ips.length > 1 ? ` +${a.ips.length - 1}` : '') : '-',
      a.macs[0] ?? '-',
      clip(a.vendor ?? '-', 24),
      clip(a.model ?? '-', 24),
      clip(a.firmware ?? '-', 14),
      clip(a.protocols.map((p) => (p.server ? `${p.name}*` : p.name)).join(',') || '-', 40),
      String(a.peers.length),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map(
    (r) =>
      `  ${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
  );
  if (assets.length > max) lines.push(`  … ${assets.length - max} more (--inventory or --csv lists all)`);
  return lines.join('\n');
}
