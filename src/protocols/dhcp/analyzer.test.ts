/** DHCP and DHCPv6 analyzers: golden traces through the capture engine, fuzzed frames, and public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { type Host, udpFrame } from '../../sim/frames.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { BOOTREPLY, BOOTREQUEST, buildDhcp, buildDhcp6, opt, opt6, relay6 } from './build.js';
import { MessageType, Msg6, Opt, Opt6 } from './consts.js';

const PHONE = '00:1b:d4:aa:bb:01';
const unbound: Host = { mac: PHONE, ip: '0.0.0.0' };
const bcast: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' };
const server: Host = { mac: '02:00:00:00:00:02', ip: '10.20.0.2' };

describe('dhcp analyzer (golden traces)', () => {
  it('v4: client identity, lease, server/router/DNS roles; relays drop MAC-less claims; BOOTP', async () => {
    const ident = [
      opt.text(Opt.HOSTNAME, 'SEP001BD4AABB01'),
      opt.text(Opt.VENDOR_CLASS, 'Cisco Systems, Inc. IP Phone CP-7965G'),
      opt.bytes(Opt.PARAM_LIST, 1, 66, 6, 3, 15, 150, 35),
    ];
    const discover = buildDhcp({
      op: BOOTREQUEST,
      type: MessageType.DISCOVER,
      chaddr: PHONE,
      options: ident,
    });
    const request = buildDhcp({
      op: BOOTREQUEST,
      type: MessageType.REQUEST,
      chaddr: PHONE,
      options: [opt.ips(Opt.REQUESTED_IP, '10.20.0.15'), opt.ips(Opt.SERVER_ID, server.ip), ...ident],
    });
    const reply = (type: number) =>
      buildDhcp({
        op: BOOTREPLY,
        type,
        chaddr: PHONE,
        yiaddr: '10.20.0.15',
        options: [
          opt.ips(Opt.SERVER_ID, server.ip),
          opt.u32(Opt.LEASE_TIME, 86400),
          opt.ips(Opt.ROUTER, '10.20.0.1'),
          opt.ips(Opt.DNS, '10.20.0.2'),
          opt.text(Opt.DOMAIN, 'plant.example'),
          // A server echoing a vendor class says nothing about itself.
          opt.text(Opt.VENDOR_CLASS, 'Cisco Systems, Inc. IP Phone CP-7965G'),
        ],
      });
    const vlan = { vlan: 20 };
    const relay: Host = { mac: '02:00:00:00:00:01', ip: '10.30.0.1' };
    const relayedAck = buildDhcp({
      op: BOOTREPLY,
      type: MessageType.ACK,
      chaddr: '00:00:bc:01:02:03',
      yiaddr: '10.30.0.50',
      giaddr: relay.ip,
      options: [opt.ips(Opt.SERVER_ID, server.ip)],
    });
    const inform = buildDhcp({
      op: BOOTREQUEST,
      type: MessageType.INFORM,
      chaddr: '00:0e:8c:11:22:33',
      ciaddr: '10.20.0.30',
      options: [opt.text(Opt.VENDOR_CLASS, 'MSFT 5.0'), opt.bytes(Opt.PARAM_LIST, 1, 15, 3, 6, 44, 46, 47)],
    });
    // Rockwell's BOOTP/DHCP tool answering a PLC's plain BOOTP request.
    const plc = '00:00:bc:3e:eb:e4';
    const bootReq = buildDhcp({ op: BOOTREQUEST, chaddr: plc, bootp: true });
    const bootReply = buildDhcp({ op: BOOTREPLY, chaddr: plc, yiaddr: '192.168.1.20', bootp: true });
    const badMagic = Buffer.from(discover);
    badMagic.writeUInt32BE(0x01020304, 236);
    const frames = [
      udpFrame(unbound, bcast, 68, 67, discover, vlan),
      udpFrame(server, bcast, 67, 68, reply(MessageType.OFFER), vlan),
      udpFrame(unbound, bcast, 68, 67, request, vlan),
      udpFrame(server, bcast, 67, 68, reply(MessageType.ACK), vlan),
      udpFrame({ mac: '00:0e:8c:11:22:33', ip: '10.20.0.30' }, server, 68, 67, inform),
      udpFrame({ mac: '02:00:00:00:00:fe', ip: server.ip }, relay, 67, 67, relayedAck),
      udpFrame({ mac: plc, ip: '0.0.0.0' }, bcast, 68, 67, bootReq),
      udpFrame({ mac: '02:00:00:00:00:99', ip: '192.168.1.2' }, bcast, 67, 68, bootReply),
      udpFrame(unbound, bcast, 68, 67, badMagic),
      udpFrame(unbound, bcast, 68, 67, discover.subarray(0, 100)),
    ];
    const events = await golden(import.meta.url, 'dhcp', frames);
    await fuzzFrames(frames, 42);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { mac: PHONE, vlan: 20 },
      {
        name: 'SEP001BD4AABB01',
        'dhcp.hostname': 'SEP001BD4AABB01',
        'dhcp.vendor_class': 'Cisco Systems, Inc. IP Phone CP-7965G',
        vendor: 'Cisco',
        roleHint: 'phone',
        'dhcp.fingerprint': '1,66,6,3,15,150,35',
      },
    ]);
    expect(facts).toContainEqual([
      { mac: PHONE, ip: '10.20.0.15', vlan: 20 },
      { 'dhcp.server': server.ip, 'dhcp.domain': 'plant.example' },
    ]);
    expect(facts).toContainEqual([{ ip: server.ip, mac: server.mac, vlan: 20 }, { roleHint: 'dhcp-server' }]);
    expect(facts).toContainEqual([{ ip: '10.20.0.1' }, { roleHint: 'router' }]);
    // Relayed: no VLAN for the client, and the server's frame MAC is not trusted.
    expect(facts).toContainEqual([
      { mac: '00:00:bc:01:02:03', ip: '10.30.0.50' },
      { 'dhcp.server': server.ip },
    ]);
    expect(facts).toContainEqual([{ ip: server.ip }, { roleHint: 'dhcp-server' }]);
    expect(facts).toContainEqual([{ mac: plc, ip: '192.168.1.20' }, { 'dhcp.server': '192.168.1.2' }]);
    // Only the discover's facts, once: the request repeats them on the same flow.
    expect(facts.filter(([at]) => at?.mac === PHONE && at.ip === undefined)).toHaveLength(1);
    expect(anomalies(events).map((e) => e.code)).toEqual(['dhcp.bad_magic', 'dhcp.too_short']);
  });

  it('v6: client DUID/FQDN/vendor class, server role, Reply addresses, relayed clients', async () => {
    const ws = '00:21:5c:c3:05:be';
    const client: Host = { mac: ws, ip: 'fe80::d1d9:a23d:f71d:9f1a' };
    const group: Host = { mac: '33:33:00:01:00:02', ip: 'ff02::1:2' };
    const srv: Host = { mac: '02:00:00:00:00:06', ip: 'fe80::6' };
    const ident = [
      opt6.duidLlt(Opt6.CLIENTID, ws),
      opt6.fqdn('ews-01.plant.example'),
      opt6.vendorClass(311, 'MSFT 5.0'),
      opt6.oro(23, 24, 17, 39),
    ];
    const solicit = buildDhcp6(Msg6.SOLICIT, 0x1234, [...ident, opt6.iaNa(1)]);
    const reply = buildDhcp6(Msg6.REPLY, 0x1234, [
      opt6.duidLlt(Opt6.CLIENTID, ws),
      opt6.duidLlt(Opt6.SERVERID, srv.mac),
      opt6.iaNa(1, '2001:db8:20::15'),
    ]);
    const relayed = relay6(
      buildDhcp6(Msg6.REQUEST, 7, [opt6.duidLlt(Opt6.CLIENTID, '00:0e:8c:00:00:07')]),
      '2001:db8:30::1',
      'fe80::7',
      {
        clientMac: '00:0e:8c:00:00:07',
      },
    );
    const bad = Buffer.from(solicit.subarray(0, solicit.length - 3));
    const frames = [
      udpFrame(client, group, 546, 547, solicit),
      udpFrame(
        srv,
        client,
        547,
        546,
        buildDhcp6(Msg6.ADVERTISE, 0x1234, [opt6.duidLlt(Opt6.SERVERID, srv.mac)]),
      ),
      udpFrame(srv, client, 547, 546, reply),
      udpFrame(
        { mac: '02:00:00:00:00:30', ip: '2001:db8:30::1' },
        { mac: srv.mac, ip: '2001:db8::547' },
        547,
        547,
        relayed,
      ),
      udpFrame(client, group, 546, 547, bad),
    ];
    const events = await golden(import.meta.url, 'dhcpv6', frames);
    await fuzzFrames(frames, 62);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toEqual([
      [
        { mac: ws, ip: client.ip },
        {
          name: 'ews-01.plant.example',
          'dhcpv6.fqdn': 'ews-01.plant.example',
          'dhcpv6.duid': '00:01:00:01:1e:71:8f:34:00:21:5c:c3:05:be',
          'dhcpv6.vendor_class': '311:MSFT 5.0',
          'dhcpv6.fingerprint': '23,24,17,39',
        },
      ],
      [{ mac: srv.mac, ip: srv.ip }, { roleHint: 'dhcp-server' }],
      [{ ip: '2001:db8:20::15', mac: ws }, { 'dhcpv6.duid': '00:01:00:01:1e:71:8f:34:00:21:5c:c3:05:be' }],
      [
        { ip: 'fe80::7', mac: '00:0e:8c:00:00:07' },
        { 'dhcpv6.duid': '00:01:00:01:1e:71:8f:34:00:0e:8c:00:00:07' },
      ],
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['dhcpv6.bad_option']);
  });
});

describePublicCaptures('dhcp', () => {
  it('dhcp.pcap: host name on the client MAC, its lease, the server role; no vendor class for the server', async () => {
    const events = await analyzePublic('it/dhcp.pcap');
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { mac: '90:b1:1c:99:49:29' },
      { name: 'btest.is.cool', 'dhcp.hostname': 'btest.is.cool' },
    ]);
    expect(facts).toContainEqual([
      { mac: '90:b1:1c:99:49:29', ip: '128.2.6.189' },
      { 'dhcp.server': '128.2.6.152', 'dhcp.domain': 'cmu.edu' },
    ]);
    expect(facts).toContainEqual([
      { ip: '128.2.6.152', mac: '00:0c:29:40:0e:ef' },
      { roleHint: 'dhcp-server' },
    ]);
    expect(assets(events).some((e) => e.facts['dhcp.vendor_class'] !== undefined)).toBe(false);
    expect(anomalies(events).filter((e) => e.protocol === 'dhcp')).toEqual([]);
  });

  it('beckhoff_ads_addroute.pcapng: DHCPv6 Solicits name two Windows hosts', async () => {
    const events = await analyzePublic('other/beckhoff_ads_addroute.pcapng');
    const v6 = assets(events).filter((e) => e.protocol === 'dhcpv6');
    expect(v6.map((e) => [e.at.ip, e.facts.name, e.facts['dhcpv6.vendor_class']])).toEqual([
      ['fe80::b3:9413:296a:f401', 'jc_zhao', '311:MSFT 5.0'],
      ['fe80::d1d9:a23d:f71d:9f1a', 'ShenhuaJ6-PC', '311:MSFT 5.0'],
    ]);
  });
});
