/**
 * Hosts seen in a capture: every IP and MAC address, which MACs carried which IPs, and the
 * names analyzers reported for them. Updated per flow and per identity event, not per packet.
 * (The full asset inventory, with identity resolution across protocols, is `inventory/`.)
 */
import { ipv4ToString, macToString } from '../events/format.js';
import type { AssetObserved } from '../events/types.js';

export interface HostRecord {
  ip?: string;
  macs: string[];
  names: string[];
  /** A broadcast or multicast address: a destination, never a device. */
  group: boolean;
}

/**
 * Kept small (plain arrays, text made only for the summary): a long capture can hold many
 * thousands of hosts, and Sets and strings per host cost about a kilobyte each.
 */
class Host {
  macs: number[] = [];
  /** When each of `macs` was first seen with this address (µs): the order they are listed in. */
  macSeen: number[] = [];
  names: string[] | null = null;
  /** Seen behind a broadcast/multicast MAC: with no unicast MAC, a directed broadcast. */
  viaGroupMac = false;

  constructor(
    /** IPv4 as a number, IPv6 as text, undefined for a MAC-only host. */
    readonly ip: number | string | undefined,
    readonly group: boolean,
  ) {}

  get ipText(): string | undefined {
    return typeof this.ip === 'number' ? ipv4ToString(this.ip) : this.ip;
  }

  addMac(mac: number, tsUs: number): void {
    const i = this.macs.indexOf(mac);
    if (i >= 0) {
      if (tsUs < this.macSeen[i]!) this.macSeen[i] = tsUs;
    } else if (this.macs.length < MAX_MACS_PER_HOST) {
      this.macs.push(mac);
      this.macSeen.push(tsUs);
    }
  }

  /** MACs in the order first seen (ties by value), whatever order they were added in. */
  macsInOrder(): number[] {
    if (this.macs.length < 2) return this.macs;
    return this.macs
      .map((m, i) => [m, this.macSeen[i]!] as const)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .map(([m]) => m);
  }

  addName(name: string): void {
    this.names ??= [];
    if (this.names.length < MAX_NAMES_PER_HOST && !this.names.includes(name)) this.names.push(name);
  }
}

const MAX_NAMES_PER_HOST = 32;
/** A router or a spoofer can put many MACs behind one IP; the first ones tell enough. */
const MAX_MACS_PER_HOST = 64;
/** Hosts kept for the summary; past it they are counted, so memory stays bounded. */
const DEFAULT_MAX_HOSTS = 100_000;

function isGroupMac(mac: number): boolean {
  return mac >= 0 && (Math.floor(mac / 0x10000000000) & 1) === 1;
}

/** Multicast, limited broadcast, and the unspecified 0.0.0.0 (a DHCP client before its lease). */
function isGroupIp4(ip: number): boolean {
  return ip >>> 28 === 0xe || ip === 0xffffffff || ip === 0;
}

/** A host table in plain data, to merge into another table (parallel analysis). */
export interface HostsShare {
  /** Key (IPv4 number, IPv6 text or MAC number), MACs, when each was first seen, names, seen via a group MAC. */
  ip4: [number, number[], number[], string[] | null, boolean][];
  ip6: [string, number[], number[], string[] | null, boolean][];
  mac: [number, string[] | null][];
  omitted: number;
}

export class HostTable {
  private readonly byIp4 = new Map<number, Host>();
  private readonly byIp6 = new Map<string, Host>();
  private readonly byMac = new Map<number, Host>();
  /** Addresses seen after the table was full. */
  omitted = 0;

  constructor(private readonly maxHosts = DEFAULT_MAX_HOSTS) {}

  private full(): boolean {
    if (this.byIp4.size + this.byIp6.size + this.byMac.size < this.maxHosts) return false;
    this.omitted++;
    return true;
  }

  /** An IPv4 address, seen at `tsUs` with `mac` (-1: none). */
  ip4(ip: number, mac: number, tsUs: number): void {
    let h = this.byIp4.get(ip);
    if (!h) {
      if (this.full()) return;
      h = new Host(ip, isGroupIp4(ip));
      this.byIp4.set(ip, h);
    }
    this.attachMac(h, mac, tsUs);
  }

  ip6(ip: string, mac: number, tsUs: number): void {
    let h = this.byIp6.get(ip);
    if (!h) {
      if (this.full()) return;
      h = new Host(ip, ip.startsWith('ff'));
      this.byIp6.set(ip, h);
    }
    this.attachMac(h, mac, tsUs);
  }

  mac(mac: number): void {
    if (mac < 0 || this.byMac.has(mac) || this.full()) return;
    const h = new Host(undefined, isGroupMac(mac));
    h.macs.push(mac);
    this.byMac.set(mac, h);
  }

  /** Names from identity events go on the host they describe. */
  fact(e: AssetObserved): void {
    const name = e.facts.name;
    if (!name) return;
    let h: Host | undefined;
    if (e.at.ip) {
      h = e.at.ip.includes(':') ? this.byIp6.get(e.at.ip) : this.byIp4.get(ipv4Number(e.at.ip));
      if (!h) {
        if (e.at.ip.includes(':')) this.ip6(e.at.ip, -1, 0);
        else this.ip4(ipv4Number(e.at.ip), -1, 0);
        h = e.at.ip.includes(':') ? this.byIp6.get(e.at.ip) : this.byIp4.get(ipv4Number(e.at.ip));
      }
    } else if (e.at.mac) {
      const m = Number.parseInt(e.at.mac.replaceAll(':', ''), 16);
      this.mac(m);
      h = this.byMac.get(m);
    }
    h?.addName(name);
  }

  /**
   * IP hosts first (each with its MACs), then MACs never seen with an IP. Names learnt for a
   * MAC go on the one IP host with that MAC; a MAC behind several IPs (a router) keeps its own.
   */
  list(): HostRecord[] {
    const ipHosts = [...this.byIp4.entries()].sort((a, b) => a[0] - b[0]).map(([, h]) => h);
    ipHosts.push(...[...this.byIp6.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, h]) => h));
    const ipsByMac = new Map<number, Host[]>();
    const macsWithIp = new Set<number>();
    for (const h of ipHosts) {
      for (const m of h.macs) macsWithIp.add(m);
      if (h.group) continue;
      for (const m of h.macs) {
        const list = ipsByMac.get(m);
        if (list) list.push(h);
        else ipsByMac.set(m, [h]);
      }
    }
    const names = new Map<Host, string[]>();
    const macRows: HostRecord[] = [];
    for (const [m, h] of [...this.byMac.entries()].sort((a, b) => a[0] - b[0])) {
      const owners = ipsByMac.get(m);
      const macNames = h.names ?? [];
      if (owners?.length === 1) {
        const list = names.get(owners[0]!) ?? [...(owners[0]!.names ?? [])];
        for (const n of macNames) if (list.length < MAX_NAMES_PER_HOST && !list.includes(n)) list.push(n);
        names.set(owners[0]!, list);
        continue;
      }
      if (macsWithIp.has(m) && macNames.length === 0) continue;
      macRows.push({ macs: [macToString(m)], names: [...macNames].sort(), group: h.group });
    }
    const out: HostRecord[] = ipHosts.map((h) => ({
      ip: h.ipText!,
      macs: h.macsInOrder().map(macToString),
      // Sorted: the order names were learnt in depends on which flow told first.
      names: (names.get(h) ?? [...(h.names ?? [])]).sort(),
      // An address only ever sent to through a broadcast MAC is a subnet's broadcast address.
      group: h.group || (h.viaGroupMac && h.macs.length === 0),
    }));
    return out.concat(macRows);
  }

  share(): HostsShare {
    const row = <K>([k, h]: [K, Host]): [K, number[], number[], string[] | null, boolean] => [
      k,
      h.macs,
      h.macSeen,
      h.names,
      h.viaGroupMac,
    ];
    return {
      ip4: [...this.byIp4].map(row),
      ip6: [...this.byIp6].map(row),
      mac: [...this.byMac].map(([m, h]) => [m, h.names]),
      omitted: this.omitted,
    };
  }

  /** Adds the hosts another table saw in its share of the same capture. */
  absorb(other: HostsShare): void {
    this.omitted += other.omitted;
    const merge = (
      h: Host | undefined,
      macs: number[],
      seen: number[],
      names: string[] | null,
      via: boolean,
    ) => {
      if (!h) return;
      for (let i = 0; i < macs.length; i++) h.addMac(macs[i]!, seen[i]!);
      for (const n of names ?? []) h.addName(n);
      if (via) h.viaGroupMac = true;
    };
    for (const [ip, macs, seen, names, via] of other.ip4) {
      this.ip4(ip, -1, 0);
      merge(this.byIp4.get(ip), macs, seen, names, via);
    }
    for (const [ip, macs, seen, names, via] of other.ip6) {
      this.ip6(ip, -1, 0);
      merge(this.byIp6.get(ip), macs, seen, names, via);
    }
    for (const [m, names] of other.mac) {
      this.mac(m);
      merge(this.byMac.get(m), [], [], names, false);
    }
  }

  /** Every MAC seen, as source or destination. */
  macs(): string[] {
    const all = new Set<number>(this.byMac.keys());
    for (const h of this.byIp4.values()) for (const m of h.macs) all.add(m);
    for (const h of this.byIp6.values()) for (const m of h.macs) all.add(m);
    return [...all].sort((a, b) => a - b).map(macToString);
  }

  private attachMac(h: Host, mac: number, tsUs: number): void {
    if (mac < 0) return;
    // A unicast IP reached through a broadcast MAC says nothing about its own MAC.
    if (isGroupMac(mac) && !h.group) {
      h.viaGroupMac = true;
      this.mac(mac);
      return;
    }
    h.addMac(mac, tsUs);
  }
}

function ipv4Number(ip: string): number {
  const p = ip.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}
