/**
 * The one list of analyzers. Adding a protocol = one folder + one line here.
 */
import { adsTcp, adsUdp } from './ads/index.js';
import type { AnalyzerDescriptor } from './analyzer.js';
import { arp } from './arp/index.js';
import { bacnet } from './bacnet/index.js';
import { cdp } from './cdp/index.js';
import { cotp } from './cotp/index.js';
import { dhcp, dhcpv6 } from './dhcp/index.js';
import { dnp3Tcp, dnp3Udp } from './dnp3/index.js';
import { dnsTcp, dnsUdp, llmnr, mdns } from './dns/index.js';
import { enipTcp, enipUdp } from './enip/index.js';
import { fox } from './fox/index.js';
import { goose, rgoose } from './goose/index.js';
import { hartIpTcp, hartIpUdp } from './hart_ip/index.js';
import { http } from './http/index.js';
import { iec104 } from './iec104/index.js';
import { lldp } from './lldp/index.js';
import { melsecTcp, melsecUdp } from './melsec/index.js';
import { modbus } from './modbus/index.js';
import { mqtt } from './mqtt/index.js';
import { nbns } from './nbns/index.js';
import { omronTcp, omronUdp } from './omron/index.js';
import { opcua } from './opcua/index.js';
import { profinetDcp } from './profinet_dcp/index.js';
import { snmp } from './snmp/index.js';
import { ssh } from './ssh/index.js';
import { synphasorTcp, synphasorUdp } from './synphasor/index.js';
import { tls } from './tls/index.js';

export const analyzers: readonly AnalyzerDescriptor[] = [
  arp,
  dhcp,
  dhcpv6,
  dnsUdp,
  dnsTcp,
  mdns,
  llmnr,
  nbns,
  lldp,
  cdp,
  cotp,
  hartIpTcp,
  hartIpUdp,
  goose,
  rgoose,
  omronTcp,
  omronUdp,
  modbus,
  iec104,
  fox,
  enipTcp,
  enipUdp,
  profinetDcp,
  melsecTcp,
  melsecUdp,
  dnp3Tcp,
  dnp3Udp,
  synphasorTcp,
  synphasorUdp,
  snmp,
  adsTcp,
  adsUdp,
  ssh,
  bacnet,
  mqtt,
  tls,
  opcua,
  http,
];

/** An analyzer's key in the registry: a name can have a TCP and a UDP analyzer. */
export function registryKey(a: AnalyzerDescriptor): string {
  return `${a.name}/${a.transport}`;
}
