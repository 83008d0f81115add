/**
 * Turns the IEEE registry (prefix → "Organisation\naddress…") into the compact table the
 * lookup loads: organisation names once each, and "PREFIX:index" entries per prefix length.
 */
export interface OuiTable {
  /** Where the data came from and which version, for the inventory's provenance. */
  source: string;
  names: string[];
  /** Prefix length in hex digits (6 MA-L, 7 MA-M, 9 MA-S) → "PREFIX:nameIndex,…", sorted. */
  entries: Record<string, string>;
}

export function buildOuiTable(
  registry: Record<string, string>,
  source = 'IEEE OUI registry via oui-data',
): OuiTable {
  const names: string[] = [];
  const index = new Map<string, number>();
  const byLen: Record<string, string[]> = {};
  for (const prefix of Object.keys(registry).sort()) {
    if (!/^[0-9A-F]{6,9}$/.test(prefix)) continue;
    // First line is the organisation; some carry a stray trailing comma ("Siemens AG,").
    const name = registry[prefix]!.split('\n')[0]!
      .trim()
      .replace(/[\s,]+$/, '');
    if (!name) continue;
    let i = index.get(name);
    if (i === undefined) {
      i = names.length;
      names.push(name);
      index.set(name, i);
    }
    const list = byLen[prefix.length] ?? [];
    list.push(`${prefix}:${i.toString(36)}`);
    byLen[prefix.length] = list;
  }
  return {
    source,
    names,
    entries: Object.fromEntries(Object.entries(byLen).map(([k, v]) => [k, v.join(',')])),
  };
}
