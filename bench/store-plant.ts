/**
 * A large plant for the store benchmark, made from the sample plant's own events: each site
 * is the sample plant with its own addresses (MAC vendor prefixes kept), names and serials,
 * and its own evidence source; each minute repeats the site's traffic one minute later, as a
 * long capture would (the same polls, new flows, the same identities seen again).
 */
import { analyzeBytes } from '../src/capture/analyze.js';
import type { Endpoint, LineguardEvent } from '../src/events/types.js';
import { plantCapture } from '../src/sim/plant.js';

const MINUTE = 60_000;
const IDENTITY_KEYS = /name|serial|hostname|device_id/;

function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

function isGroupIp(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return first >= 224 || ip === '0.0.0.0' || ip.endsWith('.255');
}

class Site {
  private readonly ips = new Map<string, string>();
  private readonly macs = new Map<string, string>();

  constructor(private readonly n: number) {}

  ip(ip: string): string {
    if (isGroupIp(ip)) return ip;
    let out = this.ips.get(ip);
    if (!out) {
      const i = this.ips.size + 1;
      out = ip.includes(':')
        ? `fd00:${this.n.toString(16)}::${i.toString(16)}`
        : `10.${(this.n >> 8) & 255}.${this.n & 255}.${i}`;
      this.ips.set(ip, out);
    }
    return out;
  }

  mac(mac: string): string {
    if (isGroupMac(mac)) return mac;
    let out = this.macs.get(mac);
    if (!out) {
      const tail = ((this.n & 0xffff) << 8) | (this.macs.size + 1);
      const hex = tail.toString(16).padStart(6, '0');
      out = `${mac.slice(0, 8)}:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
      this.macs.set(mac, out);
    }
    return out;
  }

  at(e: Endpoint): Endpoint {
    const out: Endpoint = { ...e };
    if (e.ip) out.ip = this.ip(e.ip);
    if (e.mac) out.mac = this.mac(e.mac);
    return out;
  }

  value(key: string, v: string): string {
    return IDENTITY_KEYS.test(key) ? v.replace(/^([^.<]+)/, `$1-s${this.n}`) : v;
  }

  event(e: LineguardEvent, shift: number): LineguardEvent {
    const source = `site-${this.n}`;
    switch (e.kind) {
      case 'asset.observed': {
        const facts: Record<string, string> = {};
        for (const [k, v] of Object.entries(e.facts)) if (v !== undefined) facts[k] = this.value(k, v);
        return {
          ...e,
          at: this.at(e.at),
          facts,
          evidence: { ...e.evidence, source, ts: e.evidence.ts + shift },
        };
      }
      case 'flow.observed':
        return {
          ...e,
          client: this.at(e.client),
          server: this.at(e.server),
          first: e.first + shift,
          last: e.last + shift,
          source,
        };
      case 'op.observed': {
        const op = {
          ...e,
          client: this.at(e.client),
          server: this.at(e.server),
          evidence: { ...e.evidence, source, ts: e.evidence.ts + shift },
        };
        if (e.last !== undefined) op.last = e.last + shift;
        return op;
      }
      case 'anomaly.observed':
        return { ...e, evidence: { ...e.evidence, source, ts: e.evidence.ts + shift } };
    }
  }
}

/** The sample plant's events, analysed once. */
export async function plantEvents(): Promise<LineguardEvent[]> {
  return (await analyzeBytes(plantCapture(), { source: 'plant' })).events;
}

/** `sites` plants of `minutes` minutes each: sites × minutes × the sample plant's events. */
export function largePlant(
  base: readonly LineguardEvent[],
  sites: number,
  minutes: number,
): LineguardEvent[] {
  const out: LineguardEvent[] = [];
  for (let s = 1; s <= sites; s++) {
    const site = new Site(s);
    for (let m = 0; m < minutes; m++) for (const e of base) out.push(site.event(e, m * MINUTE));
  }
  return out;
}
