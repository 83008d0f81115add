/**
 * Identity resolution: which addresses are one device. Rules, strongest first:
 * 1. An IP is the device behind its local MAC: the MAC ARP/DHCP bind it to, else the one MAC
 *    its frames carried — unless that MAC is a router's: it fronts several IPs, or the TTL
 *    shows a hop (merging routed hosts into their gateway would be wrong).
 * 2. The same serial number is the same device (re-addressed, or seen on two interfaces).
 * 3. A name disclosed at layer 2 (LLDP, CDP, PROFINET) and the same name for exactly one IP
 *    device (DNS, NetBIOS, DHCP) join the switch-port view to the IP view.
 * DHCP re-addressing keeps one device: the MAC binds each lease in turn.
 */
import type { Binding, Node, NodeKey, Observations } from './observations.js';

/** Group membership over node keys. */
class UnionFind {
  private readonly parent = new Map<NodeKey, NodeKey>();

  /** Every key seen, including MACs known only as an IP's local MAC. */
  keys(): IterableIterator<NodeKey> {
    return this.parent.keys();
  }

  find(k: NodeKey): NodeKey {
    if (!this.parent.has(k)) this.parent.set(k, k);
    let root = k;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    // Path compression.
    for (let cur = k; cur !== root; ) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }

  union(a: NodeKey, b: NodeKey): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // Keep a MAC as the root when there is one: ids stay stable across re-addressing.
    if (ra.startsWith('mac:') || !rb.startsWith('mac:')) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

export interface Resolution {
  /** Root key → the node keys of one device. */
  groups: Map<NodeKey, NodeKey[]>;
  /** MACs that front several IPs (routers, gateways, firewalls). */
  routerMacs: Set<string>;
  /** Addresses that are not devices (directed broadcasts and the like). */
  excluded: Set<NodeKey>;
}

const NAME_FACTS_L2 = ['lldp.system_name', 'cdp.device_id', 'profinet_dcp.name_of_station', 'name'];
const NAME_FACTS_IP = ['name', 'nbns.name', 'dhcp.hostname'];
const SERIAL_FACTS = ['serial'];

function isGroupIp(ip: string): boolean {
  if (ip.includes(':')) return ip.toLowerCase().startsWith('ff');
  const first = Number(ip.split('.')[0]);
  return (first >= 224 && first <= 239) || ip === '255.255.255.255' || ip === '0.0.0.0';
}

function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** "ENG-WS-01.plant.example" and "eng-ws-01<00>" both name `eng-ws-01`. */
export function normaliseName(name: string): string {
  return name
    .replace(/<[0-9a-f]{2}>.*$/i, '')
    .trim()
    .toLowerCase()
    .split('.')[0]!
    .trim();
}

function factValues(n: Node, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const k of keys) {
    const f = n.facts.get(k);
    if (f) out.push(...f.values.keys());
  }
  return out;
}

export function resolve(obs: Observations): Resolution {
  const uf = new UnionFind();
  const excluded = new Set<NodeKey>();
  const boundByMac = new Map<string, Set<string>>();
  for (const b of obs.bindings.values()) {
    const set = boundByMac.get(b.mac) ?? new Set();
    set.add(b.ip);
    boundByMac.set(b.mac, set);
  }
  const boundIps = (mac: string) => boundByMac.get(mac) ?? new Set<string>();

  // Which IPs each MAC carried, and which MACs front more than one IP.
  const ipsByMac = new Map<string, Set<string>>();
  for (const n of obs.nodes.values()) {
    if (!n.key.startsWith('ip:')) continue;
    const ip = n.key.slice(3);
    if (isGroupIp(ip)) {
      excluded.add(n.key);
      continue;
    }
    const unicast = [...n.macs.keys()].filter((m) => !isGroupMac(m));
    // Only ever reached through a broadcast MAC, and silent: a subnet's broadcast address.
    if (unicast.length === 0 && n.macs.size > 0 && !n.active) {
      excluded.add(n.key);
      continue;
    }
    for (const m of unicast) {
      const set = ipsByMac.get(m) ?? new Set();
      set.add(ip);
      ipsByMac.set(m, set);
    }
  }
  const routerMacs = new Set<string>();
  for (const [mac, ips] of ipsByMac) {
    const bound = boundIps(mac);
    // Several IPs behind one MAC, not all of them bound to it by ARP/DHCP: it routes.
    if (ips.size >= 2 && [...ips].some((ip) => !bound.has(ip))) routerMacs.add(mac);
  }
  for (const n of obs.nodes.values()) {
    if (n.key.startsWith('ip:')) {
      // A MAC that carried an IP's packets after a router decremented their TTL is a router's.
      for (const [mac, s] of n.macs) if (s.hops > 0 && !isGroupMac(mac)) routerMacs.add(mac);
      continue;
    }
    const hint = n.facts.get('roleHint');
    if (hint && (hint.values.has('router') || hint.values.has('firewall'))) routerMacs.add(n.key.slice(4));
  }
  const bindingsByIp = new Map<string, Binding[]>();
  for (const b of obs.bindings.values()) {
    const list = bindingsByIp.get(b.ip) ?? [];
    list.push(b);
    bindingsByIp.set(b.ip, list);
  }

  // Rule 1: an IP and its local MAC — bound by ARP/DHCP, else the one non-router MAC its
  // frames carried (seen at zero hops when it sent anything).
  for (const n of obs.nodes.values()) {
    if (!n.key.startsWith('ip:') || excluded.has(n.key)) continue;
    uf.find(n.key);
    const bound = (bindingsByIp.get(n.key.slice(3)) ?? []).sort((a, b) => b.last - a.last);
    let local: string | undefined = bound[0]?.mac;
    if (!local) {
      const own = [...n.macs].filter(([m, s]) => !isGroupMac(m) && !routerMacs.has(m) && s.hops <= 0);
      if (own.length === 1) local = own[0]![0];
    }
    if (local) uf.union(`mac:${local}`, n.key);
  }
  for (const n of obs.nodes.values()) {
    if (n.key.startsWith('mac:') && isGroupMac(n.key.slice(4))) excluded.add(n.key);
    else if (!excluded.has(n.key)) uf.find(n.key);
  }
  // A router is a device too, even when only its MAC on routed frames shows it.
  for (const mac of routerMacs) uf.find(`mac:${mac}`);

  // Rule 2: the same serial number.
  const bySerial = new Map<string, NodeKey>();
  for (const n of obs.nodes.values()) {
    if (excluded.has(n.key)) continue;
    for (const serial of factValues(n, SERIAL_FACTS)) {
      const s = serial.trim().toLowerCase();
      if (s.length < 4 || /^0+$/.test(s)) continue;
      const seen = bySerial.get(s);
      if (seen) uf.union(seen, n.key);
      else bySerial.set(s, n.key);
    }
  }

  // Rule 3: a layer-2 name and the one IP device of that name.
  const ipRootsByName = new Map<string, Set<NodeKey>>();
  for (const n of obs.nodes.values()) {
    if (excluded.has(n.key) || !n.key.startsWith('ip:')) continue;
    for (const name of factValues(n, NAME_FACTS_IP)) {
      const k = normaliseName(name);
      if (!k) continue;
      const set = ipRootsByName.get(k) ?? new Set();
      set.add(uf.find(n.key));
      ipRootsByName.set(k, set);
    }
  }
  for (const n of obs.nodes.values()) {
    if (excluded.has(n.key) || !n.key.startsWith('mac:')) continue;
    const root = uf.find(n.key);
    for (const name of factValues(n, NAME_FACTS_L2)) {
      const roots = ipRootsByName.get(normaliseName(name));
      if (roots?.size === 1) uf.union(root, [...roots][0]!);
    }
  }

  const groups = new Map<NodeKey, NodeKey[]>();
  for (const key of [...uf.keys()]) {
    if (excluded.has(key)) continue;
    const root = uf.find(key);
    const list = groups.get(root) ?? [];
    list.push(key);
    groups.set(root, list);
  }
  return { groups, routerMacs, excluded };
}
