/**
 * The plant's infrastructure and IT traffic: ARP as hosts come up, switches announcing over
 * LLDP and routers over CDP, NetBIOS name registration, a DHCP lease, DNS lookups, and a remote
 * desktop connection request (X.224 with RDP negotiation, MS-RDPBCGR §2.2.1.1–2.2.1.2).
 */
import { arpFrame } from '../protocols/arp/build.js';
import { buildCdp, cdp, cdpFrame } from '../protocols/cdp/build.js';
import { CdpCap } from '../protocols/cdp/consts.js';
import { buildDhcp, type Option, opt } from '../protocols/dhcp/build.js';
import { BootOp, MessageType, Opt } from '../protocols/dhcp/consts.js';
import { buildDns, dnsAnswer } from '../protocols/dns/build.js';
import { DnsType } from '../protocols/dns/consts.js';
import { lldp, lldpFrame } from '../protocols/lldp/build.js';
import { Cap } from '../protocols/lldp/consts.js';
import { buildNbns, nbRecord } from '../protocols/nbns/build.js';
import { type Host, udpFrame } from './frames.js';
import { SECOND } from './modbus-traffic.js';
import type { PlantHost } from './plant-model.js';
import { tcpConversation } from './tcp-session.js';
import type { Timeline } from './timeline.js';

const NOBODY = '00:00:00:00:00:00';
const EVERYONE: Host = { ip: '255.255.255.255', mac: 'ff:ff:ff:ff:ff:ff' };

/** Hosts announce their address as they come up (gratuitous ARP), 20 ms apart. */
export function arpAnnounce(t: Timeline, us: number, hosts: readonly Host[]): void {
  hosts.forEach((h, i) => {
    t.at(us + i * 20_000, [
      arpFrame({ op: 1, senderMac: h.mac, senderIp: h.ip, targetMac: NOBODY, targetIp: h.ip }),
    ]);
  });
}

/** `client` resolves `server`'s MAC on their segment. */
export function arpResolve(t: Timeline, us: number, client: Host, server: Host): void {
  t.at(us, [
    arpFrame({ op: 1, senderMac: client.mac, senderIp: client.ip, targetMac: NOBODY, targetIp: server.ip }),
    arpFrame(
      { op: 2, senderMac: server.mac, senderIp: server.ip, targetMac: client.mac, targetIp: client.ip },
      { dst: client.mac },
    ),
  ]);
}

/** A switch's LLDP announcement every 30 s, from the port facing the sensor. */
export function lldpAnnounce(
  t: Timeline,
  sw: PlantHost,
  port: { id: string; description: string },
  systemDescription: string,
  p: { startUs: number; durationSec: number },
): void {
  for (let s = 0; s < p.durationSec; s += 30) {
    t.at(p.startUs + s * SECOND, [
      lldpFrame(sw.mac, [
        lldp.chassisMac(sw.mac),
        lldp.portText(7, port.id),
        lldp.ttl(120),
        lldp.portDescription(port.description),
        lldp.systemName(sw.identity?.name ?? sw.name),
        lldp.systemDescription(systemDescription),
        lldp.capabilities(Cap.BRIDGE, Cap.BRIDGE),
        lldp.managementIpv4(sw.ip),
        lldp.end(),
      ]),
    ]);
  }
}

/** A Cisco router's CDP announcement every 60 s. */
export function cdpAnnounce(
  t: Timeline,
  router: PlantHost,
  o: { port: string; software: string; nativeVlan: number },
  p: { startUs: number; durationSec: number },
): void {
  for (let s = 0; s < p.durationSec; s += 60) {
    t.at(p.startUs + s * SECOND, [
      cdpFrame(
        router.mac,
        buildCdp([
          cdp.deviceId(router.identity?.name ?? router.name),
          cdp.addresses(router.ip),
          cdp.portId(o.port),
          cdp.capabilities(CdpCap.ROUTER | CdpCap.SWITCH),
          cdp.softwareVersion(o.software),
          cdp.platform(`cisco ${router.identity?.model ?? ''}`),
          cdp.nativeVlan(o.nativeVlan),
          cdp.duplex(true),
        ]),
      ),
    ]);
  }
}

/** A Windows host registers its NetBIOS name on its subnet's broadcast address. */
export function nbnsRegister(t: Timeline, us: number, host: Host, name: string, broadcast: string): void {
  t.at(us, [
    udpFrame(
      host,
      { ip: broadcast, mac: 'ff:ff:ff:ff:ff:ff' },
      137,
      137,
      buildNbns({
        id: 0x6001,
        opcode: 5,
        recursionDesired: true,
        broadcast: true,
        questions: [{ name, suffix: 0x00 }],
        additional: [nbRecord(name, 0x00, [{ ip: host.ip }])],
      }),
    ),
  ]);
}

/** A Windows laptop takes a lease: discover, offer, request, ack. */
export function dhcpLease(
  t: Timeline,
  us: number,
  client: Host & { hostname: string },
  server: Host,
  net: { mask: string; router: string; domain: string },
): void {
  const xid = 0x5a17c0de;
  const clientOpts = [
    opt.text(Opt.HOSTNAME, client.hostname),
    opt.text(Opt.VENDOR_CLASS, 'MSFT 5.0'),
    opt.bytes(Opt.PARAM_LIST, 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252),
  ];
  const serverOpts = (type: number) => [
    opt.bytes(Opt.MESSAGE_TYPE, type),
    opt.ips(Opt.SERVER_ID, server.ip),
    opt.u32(Opt.LEASE_TIME, 86400),
    opt.ips(1, net.mask),
    opt.ips(Opt.ROUTER, net.router),
    opt.ips(Opt.DNS, server.ip),
    opt.text(Opt.DOMAIN, net.domain),
  ];
  const fromClient = (type: number, extra: Option[] = []) =>
    udpFrame(
      { ip: '0.0.0.0', mac: client.mac },
      EVERYONE,
      68,
      67,
      buildDhcp({
        op: BootOp.REQUEST,
        xid,
        chaddr: client.mac,
        broadcast: true,
        options: [opt.bytes(Opt.MESSAGE_TYPE, type), ...extra, ...clientOpts],
      }),
    );
  const fromServer = (type: number) =>
    udpFrame(
      server,
      client,
      67,
      68,
      buildDhcp({ op: BootOp.REPLY, xid, chaddr: client.mac, yiaddr: client.ip, options: serverOpts(type) }),
    );
  const requested = [opt.ips(Opt.REQUESTED_IP, client.ip), opt.ips(Opt.SERVER_ID, server.ip)];
  t.at(
    us,
    [
      fromClient(MessageType.DISCOVER),
      fromServer(MessageType.OFFER),
      fromClient(MessageType.REQUEST, requested),
      fromServer(MessageType.ACK),
    ],
    1_500,
  );
}

/** An A lookup and its answer. */
export function dnsLookup(
  t: Timeline,
  us: number,
  client: Host,
  resolver: Host,
  q: { id: number; port: number; name: string; address: string },
): void {
  t.at(us, [
    udpFrame(
      client,
      resolver,
      q.port,
      53,
      buildDns({ id: q.id, recursionDesired: true, questions: [{ name: q.name, type: DnsType.A }] }),
    ),
    udpFrame(resolver, client, 53, q.port, dnsAnswer(q.id, q.name, [q.address])),
  ]);
}

/** A remote desktop client's X.224 connection request with its cookie, and the confirm choosing TLS. */
export function rdpConnect(
  t: Timeline,
  us: number,
  client: Host,
  server: Host,
  cport: number,
  user: string,
): void {
  const s = tcpConversation(client, server, cport, 3389).open();
  const cookie = Buffer.from(`Cookie: mstshash=${user}\r\n`, 'latin1');
  // RDP_NEG_REQ: TLS and CredSSP requested.
  const negReq = Buffer.from([0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]);
  const x224 = Buffer.concat([
    Buffer.from([6 + cookie.length + negReq.length, 0xe0, 0, 0, 0, 0, 0]),
    cookie,
    negReq,
  ]);
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  s.send(Buffer.concat([tpkt, x224]));
  // X.224 connection confirm with RDP_NEG_RSP: CredSSP selected.
  s.reply(
    Buffer.from([3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00]),
  );
  t.at(us, s.frames, 5_000);
}
