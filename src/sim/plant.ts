/**
 * The sample plant: a deterministic capture of a small factory cell, written by our own code
 * so that `lineguard demo` and the tests work in any clone (the public captures stay outside
 * the repository). An HMI polls a Modbus PLC, a historian reads it, an engineering
 * workstation writes set-points, IT hosts resolve names, a supplier laptop reaches in over RDP.
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
import * as modbus from '../protocols/modbus/build.js';
import { buildNbns, nbRecord } from '../protocols/nbns/build.js';
import { type Host, udpFrame } from './frames.js';
import { type TimedFrame, writePcap } from './pcap-writer.js';
import { TcpSession } from './tcp-session.js';
import { Timeline } from './timeline.js';

export type PlantHost = Host & { name: string; role: string; zone: string };

/** 2026-01-12T06:00:00Z: the morning shift starts. */
const START_US = Date.UTC(2026, 0, 12, 6, 0, 0) * 1000;
const SECOND = 1_000_000;

export const PLANT = {
  plcPress: { name: 'plc-press-01', role: 'plc', zone: 'cell-a', mac: '00:80:f4:12:34:01', ip: '10.10.1.20' },
  hmi: { name: 'hmi-line-01', role: 'hmi', zone: 'cell-a', mac: '00:d0:c9:ab:00:10', ip: '10.10.1.10' },
  historian: {
    name: 'hist-01',
    role: 'historian',
    zone: 'supervisory',
    mac: '00:15:5d:00:04:40',
    ip: '10.10.0.40',
  },
  engWs: {
    name: 'eng-ws-01',
    role: 'engineering-workstation',
    zone: 'supervisory',
    mac: '14:18:77:00:03:30',
    /** Windows: packets start at TTL 128. */
    ttl: 128,
    ip: '10.10.0.30',
  },
  otGateway: {
    name: 'fw-ot',
    role: 'router',
    zone: 'supervisory',
    mac: '00:00:0c:4a:10:01',
    ip: '10.10.0.1',
  },
  cellGateway: {
    name: 'fw-cell-a',
    role: 'router',
    zone: 'cell-a',
    mac: '00:00:0c:4a:11:01',
    ip: '10.10.1.1',
  },
  /** The cell's managed switch: seen only at layer 2 (LLDP). */
  switchCell: {
    name: 'sw-cell-a',
    role: 'switch',
    zone: 'cell-a',
    mac: '00:1b:1b:5c:a1:01',
    ip: '10.10.1.2',
  },
  dns: { name: 'dc-01', role: 'it-server', zone: 'enterprise', mac: '00:50:56:00:01:02', ip: '10.0.1.2' },
  laptop: {
    name: 'lt-quality-07',
    role: 'it-host',
    zone: 'enterprise',
    mac: '3c:52:82:00:07:07',
    ip: '10.0.1.107',
  },
  /** A supplier's laptop on the VPN: its frames reach the plant through the OT gateway. */
  vendor: {
    name: 'vendor-laptop',
    role: 'supplier',
    zone: 'remote',
    mac: 'f0:de:f1:50:00:10',
    ip: '172.16.50.10',
  },
} as const satisfies Record<string, PlantHost>;

/** The frames of the sample plant, in time order. */
export function plantFrames(durationSec = 60): TimedFrame[] {
  const t = new Timeline();
  const { plcPress, hmi, historian, engWs, otGateway, cellGateway, dns, laptop } = PLANT;

  // The cell's hosts announce themselves (gratuitous ARP) as they come up.
  [plcPress, hmi].forEach((h, i) => {
    t.at(START_US + i * 20_000, [
      arpFrame({ op: 1, senderMac: h.mac, senderIp: h.ip, targetMac: '00:00:00:00:00:00', targetIp: h.ip }),
    ]);
  });
  t.at(START_US + 50_000, [
    arpFrame({
      op: 1,
      senderMac: hmi.mac,
      senderIp: hmi.ip,
      targetMac: '00:00:00:00:00:00',
      targetIp: plcPress.ip,
    }),
    arpFrame(
      { op: 2, senderMac: plcPress.mac, senderIp: plcPress.ip, targetMac: hmi.mac, targetIp: hmi.ip },
      { dst: hmi.mac },
    ),
  ]);

  // The HMI polls the press PLC every second over one long Modbus/TCP connection.
  const poll = new TcpSession(hmi, plcPress, 50210, 502, {}, 0x1a2b3c4d, 0x0badcafe).open();
  t.at(START_US + 100_000, poll.frames.slice());
  let tid = 1;
  for (let s = 0; s < durationSec; s++) {
    const from = poll.frames.length;
    poll.send(modbus.mbap(tid, 1, modbus.readRequest(3, 0, 10)));
    poll.reply(
      modbus.mbap(tid++, 1, modbus.readRegistersResponse(3, [s, 1200 + (s % 7), 35, 0, 1, 0, 0, 0, 0, 42])),
    );
    poll.send(modbus.mbap(tid, 1, modbus.readRequest(1, 0, 16)));
    poll.reply(
      modbus.mbap(
        tid++,
        1,
        modbus.readBitsResponse(
          1,
          Array.from({ length: 16 }, (_, i) => (i + s) % 3 === 0),
        ),
      ),
    );
    t.at(START_US + (s + 1) * SECOND, poll.frames.slice(from), 400);
  }

  // The historian reads the PLC (routed from the supervisory zone) every ten seconds.
  for (let s = 5; s < durationSec; s += 10) {
    const hist = new TcpSession(
      { ip: historian.ip, mac: otGateway.mac, ttl: 63 },
      { ip: plcPress.ip, mac: plcPress.mac },
      40000 + s,
      502,
    );
    hist.open();
    hist.send(modbus.mbap(1, 1, modbus.readRequest(4, 100, 20)));
    hist.reply(
      modbus.mbap(
        1,
        1,
        modbus.readRegistersResponse(
          4,
          Array.from({ length: 20 }, (_, i) => 500 + i + s),
        ),
      ),
    );
    hist.close();
    t.at(START_US + s * SECOND + 300_000, hist.frames);
  }

  // The engineering workstation changes a set-point and reads the device identity.
  const eng = new TcpSession(
    { ip: engWs.ip, mac: cellGateway.mac, ttl: 127 },
    { ip: plcPress.ip, mac: plcPress.mac },
    51515,
    502,
  );
  eng.open();
  eng.send(modbus.mbap(7, 1, modbus.readDeviceIdRequest(1)));
  eng.reply(
    modbus.mbap(
      7,
      1,
      modbus.readDeviceIdResponse([
        [0, 'Schneider Electric'],
        [1, 'BMX P34 2020'],
        [2, 'v3.20'],
      ]),
    ),
  );
  eng.send(modbus.mbap(8, 1, modbus.writeMultipleRegisters(40, [1250, 1300])));
  eng.reply(modbus.mbap(8, 1, modbus.writeMultipleResponse(40, 2)));
  eng.close();
  t.at(START_US + 20 * SECOND, eng.frames, 2_000);

  // A supplier's engineer reaches the workstation over RDP (X.224 connection request, MS-RDPBCGR §2.2.1.1).
  const rdp = new TcpSession(
    { ip: PLANT.vendor.ip, mac: otGateway.mac, ttl: 126 },
    { ip: engWs.ip, mac: engWs.mac },
    61022,
    3389,
  );
  rdp.open();
  const cookie = Buffer.from('Cookie: mstshash=vendor\r\n', 'latin1');
  const negReq = Buffer.from([0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]);
  const x224 = Buffer.concat([
    Buffer.from([6 + cookie.length + negReq.length, 0xe0, 0, 0, 0, 0, 0]),
    cookie,
    negReq,
  ]);
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  rdp.send(Buffer.concat([tpkt, x224]));
  rdp.reply(
    Buffer.from([3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00]),
  );
  t.at(START_US + 40 * SECOND, rdp.frames, 5_000);

  // The cell switch announces itself over LLDP every 30 s; the OT router over CDP every 60 s.
  const sw = PLANT.switchCell;
  for (let s = 0; s < durationSec; s += 30) {
    t.at(START_US + s * SECOND + 700_000, [
      lldpFrame(sw.mac, [
        lldp.chassisMac(sw.mac),
        lldp.portText(7, 'P0.3'),
        lldp.ttl(120),
        lldp.portDescription('Siemens, SIMATIC NET, Ethernet Port, X1 P3'),
        lldp.systemName(sw.name),
        lldp.systemDescription(
          'Siemens, SIMATIC NET, SCALANCE XC208, 6GK5 208-0BA00-2AC2, HW: Version 3, FW: Version V04.03.01',
        ),
        lldp.capabilities(Cap.BRIDGE, Cap.BRIDGE),
        lldp.managementIpv4(sw.ip),
        lldp.end(),
      ]),
    ]);
  }
  for (let s = 0; s < durationSec; s += 60) {
    t.at(START_US + s * SECOND + 900_000, [
      cdpFrame(
        otGateway.mac,
        buildCdp([
          cdp.deviceId('fw-ot.plant.example'),
          cdp.addresses(otGateway.ip),
          cdp.portId('GigabitEthernet1/1'),
          cdp.capabilities(CdpCap.ROUTER | CdpCap.SWITCH),
          cdp.softwareVersion(
            'Cisco IOS Software, IE4010 Software (IE4010-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)',
          ),
          cdp.platform('cisco IE-4010-16S12P'),
          cdp.nativeVlan(10),
          cdp.duplex(true),
        ]),
      ),
    ]);
  }

  // The workstation registers its NetBIOS name on the supervisory subnet.
  t.at(START_US + 2 * SECOND, [
    udpFrame(
      engWs,
      { ip: '10.10.0.255', mac: 'ff:ff:ff:ff:ff:ff' },
      137,
      137,
      buildNbns({
        id: 0x6001,
        opcode: 5,
        recursionDesired: true,
        broadcast: true,
        questions: [{ name: 'ENG-WS-01', suffix: 0x00 }],
        additional: [nbRecord('ENG-WS-01', 0x00, [{ ip: engWs.ip }])],
      }),
    ),
  ]);

  // The quality laptop joins the network: DHCP discover, offer, request, ack.
  const lease = { hostname: 'lt-quality-07', xid: 0x5a17c0de };
  const clientOpts = [
    opt.text(Opt.HOSTNAME, lease.hostname),
    opt.text(Opt.VENDOR_CLASS, 'MSFT 5.0'),
    opt.bytes(Opt.PARAM_LIST, 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252),
  ];
  const serverOpts = (type: number) => [
    opt.bytes(Opt.MESSAGE_TYPE, type),
    opt.ips(Opt.SERVER_ID, dns.ip),
    opt.u32(Opt.LEASE_TIME, 86400),
    opt.ips(1, '255.255.255.0'),
    opt.ips(Opt.ROUTER, '10.0.1.1'),
    opt.ips(Opt.DNS, dns.ip),
    opt.text(Opt.DOMAIN, 'plant.example'),
  ];
  const anyHost = { ip: '0.0.0.0', mac: laptop.mac };
  const everyone = { ip: '255.255.255.255', mac: 'ff:ff:ff:ff:ff:ff' };
  const fromClient = (type: number, extra: Option[] = []) =>
    udpFrame(
      anyHost,
      everyone,
      68,
      67,
      buildDhcp({
        op: BootOp.REQUEST,
        xid: lease.xid,
        chaddr: laptop.mac,
        broadcast: true,
        options: [opt.bytes(Opt.MESSAGE_TYPE, type), ...extra, ...clientOpts],
      }),
    );
  const fromServer = (type: number) =>
    udpFrame(
      dns,
      laptop,
      67,
      68,
      buildDhcp({
        op: BootOp.REPLY,
        xid: lease.xid,
        chaddr: laptop.mac,
        yiaddr: laptop.ip,
        options: serverOpts(type),
      }),
    );
  const requested = [opt.ips(Opt.REQUESTED_IP, laptop.ip), opt.ips(Opt.SERVER_ID, dns.ip)];
  t.at(
    START_US + 8 * SECOND,
    [
      fromClient(MessageType.DISCOVER),
      fromServer(MessageType.OFFER),
      fromClient(MessageType.REQUEST, requested),
      fromServer(MessageType.ACK),
    ],
    1_500,
  );

  // IT: the quality laptop resolves the historian's and a cloud service's names.
  t.at(START_US + 12 * SECOND, [
    udpFrame(
      laptop,
      dns,
      53001,
      53,
      buildDns({
        id: 0x4242,
        recursionDesired: true,
        questions: [{ name: 'hist-01.plant.example', type: DnsType.A }],
      }),
    ),
    udpFrame(dns, laptop, 53, 53001, dnsAnswer(0x4242, 'hist-01.plant.example', [historian.ip])),
  ]);
  t.at(START_US + 30 * SECOND, [
    udpFrame(
      laptop,
      dns,
      53002,
      53,
      buildDns({
        id: 0x4343,
        recursionDesired: true,
        questions: [{ name: 'eng-ws-01.plant.example', type: DnsType.A }],
      }),
    ),
    udpFrame(dns, laptop, 53, 53002, dnsAnswer(0x4343, 'eng-ws-01.plant.example', [engWs.ip])),
  ]);
  return t.sorted();
}

/** The sample plant as a pcap file. */
export function plantCapture(durationSec = 60): Buffer {
  return writePcap(plantFrames(durationSec));
}
