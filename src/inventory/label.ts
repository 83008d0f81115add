/** What people call an asset: the same in the inventory's peers, the API and the console. */

/** An asset id without its kind: `mac:00:1b:1b:00:00:01` → `00:1b:1b:00:00:01`. */
export function assetIdText(id: string): string {
  const i = id.indexOf(':');
  return i > 0 && /^[a-z]+$/.test(id.slice(0, i)) ? id.slice(i + 1) : id;
}

/** Its name, else its IP, else its MAC, else its id. */
export function assetLabel(a: { id: string; names: string[]; ips: string[]; macs: string[] }): string {
  return a.names[0] ?? a.ips[0] ?? a.macs[0] ?? assetIdText(a.id);
}
