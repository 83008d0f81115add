/**
 * Protocol colours for the map and the charts, and which protocols are industrial. Known
 * protocols have fixed colours (the same protocol looks the same on every page and every
 * day); anything else gets a stable colour from its name.
 */

/** Industrial protocols get saturated colours, IT protocols muted ones. */
const KNOWN: Record<string, string> = {
  modbus: '#1f77b4',
  enip: '#d9480f',
  s7comm: '#2b8a3e',
  's7comm-plus': '#5c940d',
  cotp: '#66a80f',
  mms: '#0c8599',
  goose: '#1098ad',
  dnp3: '#862e9c',
  iec104: '#c2255c',
  bacnet: '#e67700',
  opcua: '#3b5bdb',
  profinet_dcp: '#099268',
  hart_ip: '#a61e4d',
  omron: '#5f3dc4',
  melsec: '#e8590c',
  synphasor: '#087f5b',
  ads: '#364fc7',
  fox: '#9c36b5',
  mqtt: '#f08c00',
  dns: '#9aa5b1',
  mdns: '#a7b1bc',
  llmnr: '#a7b1bc',
  nbns: '#a7b1bc',
  dhcp: '#8e9aa6',
  dhcpv6: '#8e9aa6',
  arp: '#b4bcc5',
  lldp: '#7f8c99',
  cdp: '#7f8c99',
  snmp: '#6f7d8a',
  http: '#8b8f6a',
  tls: '#6c7a89',
  ssh: '#5c6b7a',
};

const ICS = new Set([
  'modbus',
  'enip',
  's7comm',
  's7comm-plus',
  'cotp',
  'mms',
  'goose',
  'dnp3',
  'iec104',
  'bacnet',
  'opcua',
  'profinet_dcp',
  'hart_ip',
  'omron',
  'melsec',
  'synphasor',
  'ads',
  'fox',
]);

/** Muted tones for names we have no fixed colour for (e.g. `tcp/3389`). */
const FALLBACK = ['#7d8c6b', '#8c7b6b', '#6b7d8c', '#8c6b82', '#6b8c84', '#857f62'];

export function isIndustrial(protocol: string): boolean {
  return ICS.has(protocol);
}

export function protocolColour(protocol: string): string {
  const known = KNOWN[protocol];
  if (known) return known;
  let h = 0;
  for (let i = 0; i < protocol.length; i++) h = (h * 31 + protocol.charCodeAt(i)) >>> 0;
  return FALLBACK[h % FALLBACK.length]!;
}

/** The protocol an edge is drawn in: the first industrial one, else the first listed. */
export function mainProtocol(protocols: readonly string[]): string | undefined {
  return protocols.find(isIndustrial) ?? protocols[0];
}
