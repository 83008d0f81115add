/**
 * Assets in a canonical order, for comparing inventories built along different paths: the
 * order of peers, their protocol and code lists, and facts of one key seen at one instant
 * follows the order events arrived in, which a replay does not promise to keep.
 */
import type { Asset } from '../../inventory/types.js';

const by =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function normaliseAsset(a: Asset): Asset {
  return {
    ...a,
    peers: a.peers
      .map((p) => ({ ...p, protocols: [...p.protocols].sort(), codes: [...p.codes].sort() }))
      .sort(by((p) => p.asset)),
    facts: [...a.facts].sort(by((f) => `${f.key}\n${f.value}\n${f.evidence.protocol}\n${f.evidence.source}`)),
  };
}

export function normaliseAssets(assets: readonly Asset[]): Asset[] {
  return assets.map(normaliseAsset).sort(by((a) => a.id));
}
