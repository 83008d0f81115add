/**
 * MAC address → organisation, from the IEEE registries (MA-S 36-bit, MA-M 28-bit and MA-L
 * 24-bit prefixes, longest first). Locally administered and group addresses have no vendor.
 * The table loads on first use.
 */
import type { OuiTable } from './oui-build.js';

type Lookup = { names: string[]; byLen: [number, Map<number, number>][] };

let lookup: Lookup | null = null;
/** Registry answers that name no vendor: a block sub-assigned elsewhere, a private listing. */
const NO_VENDOR = new Set(['IEEE Registration Authority', 'Private']);

function build(table: OuiTable): Lookup {
  const byLen: [number, Map<number, number>][] = [];
  for (const len of [9, 7, 6]) {
    const map = new Map<number, number>();
    const list = table.entries[String(len)];
    if (list) {
      for (const entry of list.split(',')) {
        const colon = entry.indexOf(':');
        map.set(Number.parseInt(entry.slice(0, colon), 16), Number.parseInt(entry.slice(colon + 1), 36));
      }
    }
    byLen.push([len, map]);
  }
  return { names: table.names, byLen };
}

/** Load the registry (once). */
export async function loadOui(): Promise<void> {
  if (lookup) return;
  const { default: table } = await import('./oui-table.json', { with: { type: 'json' } });
  lookup = build(table as OuiTable);
}

/** The organisation for a MAC ("00:1b:1b:…"), or undefined; `loadOui()` first. */
export function macVendor(mac: string): string | undefined {
  if (!lookup) throw new Error('macVendor before loadOui()');
  const hex = mac.replaceAll(':', '').replaceAll('-', '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(hex)) return undefined;
  const first = Number.parseInt(hex.slice(0, 2), 16);
  // Bit 0: group address; bit 1: locally administered (random, virtual): no registry owner.
  if (first & 0x03) return undefined;
  for (const [len, map] of lookup.byLen) {
    const i = map.get(Number.parseInt(hex.slice(0, len), 16));
    if (i === undefined) continue;
    const name = lookup.names[i]!;
    return NO_VENDOR.has(name) ? undefined : name;
  }
  return undefined;
}
