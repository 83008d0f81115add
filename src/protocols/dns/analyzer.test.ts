/** DNS (udp/tcp), mDNS and LLMNR analyzers: golden traces through the capture engine, fuzzed frames, public captures when ../shared is present. */
import { describe, expect, it } from 'vitest';
import { type Host, udpFrame } from '../../sim/frames.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { assets, fuzzFrames, golden } from '../testing/engine.js';
import { buildDns, dnsAnswer, tcpFramed } from './build.js';
import { DnsType } from './consts.js';

const client: Host = { mac: '02:00:00:00:00:05', ip: '10.0.0.5' };
const resolver: Host = { mac: '02:00:00:00:00:35', ip: '10.0.0.53' };

describe('dns analyzer (golden traces)', () => {
  it('udp: names addresses from answers, not the server; quiet on repeats; malformed → anomaly', async () => {
    const q = buildDns({
      id: 1,
      recursionDesired: true,
      questions: [{ name: 'historian.plant.example', type: 1 }],
    });
    const a = buildDns({
      id: 1,
      response: true,
      questions: [{ name: 'historian.plant.example', type: DnsType.A }],
      answers: [
        {
          name: 'historian.plant.example',
          type: DnsType.CNAME,
          data: { target: 'srv-hist01.plant.example' },
        },
        { name: 'srv-hist01.plant.example', type: DnsType.A, data: { a: '10.1.2.3' } },
      ],
    });
    const ptr = buildDns({
      id: 2,
      response: true,
      questions: [{ name: '20.1.1.10.in-addr.arpa', type: DnsType.PTR }],
      answers: [
        { name: '20.1.1.10.in-addr.arpa', type: DnsType.PTR, data: { target: 'hmi-02.plant.example' } },
      ],
    });
    const nx = buildDns({ id: 3, response: true, rcode: 3, questions: [{ name: 'nope.example', type: 1 }] });
    const loop = Buffer.from([0, 4, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    // RFC 2136: zone in the question section, the update in the authority section; the
    // class-ANY record deletes and names nothing.
    const update = buildDns({
      id: 6,
      opcode: 5,
      questions: [{ name: 'plant.example', type: DnsType.SOA }],
      authority: [
        { name: 'ews-01.plant.example', type: DnsType.A, cls: 255, ttl: 0, data: { raw: Buffer.alloc(0) } },
        { name: 'ews-01.plant.example', type: DnsType.A, ttl: 1200, data: { a: '10.0.0.77' } },
      ],
    });
    const frames = [
      udpFrame(client, resolver, 40000, 53, q),
      udpFrame(resolver, client, 53, 40000, a),
      udpFrame(resolver, client, 53, 40000, a),
      udpFrame(resolver, client, 53, 40001, ptr),
      udpFrame(resolver, client, 53, 40002, nx),
      udpFrame(resolver, client, 53, 40003, loop),
      // A response sent *to* port 53: its records count, its sender is no server.
      udpFrame(client, resolver, 40004, 53, dnsAnswer(5, 'v6.plant.example', ['2001:db8::5'])),
      udpFrame({ mac: '02:00:00:00:00:77', ip: '10.0.0.77' }, resolver, 40005, 53, update),
    ];
    const events = await golden(import.meta.url, 'dns-udp', frames);
    await fuzzFrames(frames, 42);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { ip: '10.1.2.3' },
      { name: 'srv-hist01.plant.example', 'dns.alias': 'historian.plant.example' },
    ]);
    expect(facts).toContainEqual([{ ip: '10.1.1.20' }, { name: 'hmi-02.plant.example' }]);
    expect(facts).toContainEqual([{ ip: '10.0.0.53' }, { roleHint: 'dns-server' }]);
    expect(facts).toContainEqual([{ ip: '2001:db8::5' }, { name: 'v6.plant.example' }]);
    expect(facts).toContainEqual([{ ip: '10.0.0.77' }, { name: 'ews-01.plant.example' }]);
    const clientAsServer = assets(events).filter(
      (e) => e.at.ip === client.ip && e.facts.roleHint === 'dns-server',
    );
    expect(clientAsServer).toEqual([]);
    // The repeated answer on the same flow adds nothing.
    expect(facts.filter(([at]) => at?.ip === '10.1.2.3')).toHaveLength(1);
    expect(
      events.filter((e) => e.kind === 'anomaly.observed').map((e) => e.kind === 'anomaly.observed' && e.code),
    ).toEqual(['dns.bad_name']);
  });

  it('tcp: length-prefixed messages split across segments and sharing one', async () => {
    const s = new TcpSession(client, resolver, 40100, 53).open();
    s.send(tcpFramed(buildDns({ id: 9, questions: [{ name: 'plant.example', type: DnsType.ANY }] })));
    const r1 = tcpFramed(dnsAnswer(9, 'plc-01.plant.example', ['10.1.0.11']));
    const r2 = tcpFramed(dnsAnswer(10, 'plc-02.plant.example', ['10.1.0.12']));
    s.reply(Buffer.concat([r1, r2]), 23).close();
    const events = await golden(import.meta.url, 'dns-tcp', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => e.at.ip)).toEqual(['10.0.0.53', '10.1.0.11', '10.1.0.12']);
  });
});

const printer: Host = { mac: '00:80:77:11:22:33', ip: '192.168.1.50' };
const mdnsGroup: Host = { mac: '01:00:5e:00:00:fb', ip: '224.0.0.251' };
const laptop: Host = { mac: '02:00:00:00:01:99', ip: '192.168.1.99' };

describe('mdns analyzer (golden traces)', () => {
  it('attributes services, TXT identity keys and own addresses to the responder', async () => {
    const announce = buildDns({
      response: true,
      authoritative: true,
      answers: [
        { name: '_services._dns-sd._udp.local', type: DnsType.PTR, data: { target: '_ipp._tcp.local' } },
        { name: '_ipp._tcp.local', type: DnsType.PTR, data: { target: 'Lab Printer._ipp._tcp.local' } },
        {
          name: 'Lab Printer._ipp._tcp.local',
          type: DnsType.SRV,
          cacheFlush: true,
          data: { srv: { port: 631, target: 'lab-printer.local' } },
        },
        {
          name: 'Lab Printer._ipp._tcp.local',
          type: DnsType.TXT,
          cacheFlush: true,
          data: {
            txt: [
              'txtvers=1',
              'ty=Brother HL-L2350DW series',
              'usb_MFG=Brother',
              'usb_MDL=HL-L2350DW series',
            ],
          },
        },
      ],
      additional: [
        { name: 'lab-printer.local', type: DnsType.A, cacheFlush: true, data: { a: '192.168.1.50' } },
        {
          name: 'lab-printer.local',
          type: DnsType.AAAA,
          cacheFlush: true,
          data: { aaaa: 'fe80::280:77ff:fe11:2233' },
        },
      ],
    });
    const query = buildDns({ questions: [{ name: '_ipp._tcp.local', type: DnsType.PTR }] });
    // RFC 6762 §10.1 goodbye from another host: TTL 0 withdraws, so it names nothing.
    const goodbye = buildDns({
      response: true,
      authoritative: true,
      answers: [{ name: 'old-hmi.local', type: DnsType.A, ttl: 0, data: { a: '192.168.1.77' } }],
    });
    const frames = [
      udpFrame(laptop, mdnsGroup, 5353, 5353, query),
      udpFrame(printer, mdnsGroup, 5353, 5353, announce),
      udpFrame(printer, mdnsGroup, 5353, 5353, announce),
      udpFrame({ mac: '02:00:00:00:01:77', ip: '192.168.1.77' }, mdnsGroup, 5353, 5353, goodbye),
    ];
    const events = await golden(import.meta.url, 'mdns', frames);
    await fuzzFrames(frames, 42);
    const me = { mac: printer.mac, ip: printer.ip };
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      me,
      { 'mdns.service': '_ipp._tcp', roleHint: 'printer', 'mdns.instance': 'Lab Printer' },
    ]);
    expect(facts).toContainEqual([me, { model: 'Brother HL-L2350DW series', vendor: 'Brother' }]);
    expect(facts).toContainEqual([me, { name: 'lab-printer.local' }]);
    expect(facts).toContainEqual([{ ip: 'fe80::280:77ff:fe11:2233' }, { name: 'lab-printer.local' }]);
    expect(events.every((e) => e.kind === 'asset.observed' && e.at.ip !== laptop.ip)).toBe(true);
  });
});

describe('llmnr analyzer (golden traces)', () => {
  it('names the responder and the address it answers with', async () => {
    const responder: Host = { mac: '00:01:05:0d:75:60', ip: '192.168.1.8' };
    const responder6: Host = { mac: '00:01:05:0d:75:60', ip: 'fe80::201:5ff:fe0d:7560' };
    const group: Host = { mac: '01:00:5e:00:00:fc', ip: '224.0.0.252' };
    const q = buildDns({ id: 0x293d, questions: [{ name: 'CX_0D7560', type: DnsType.A }] });
    const r = buildDns({
      id: 0x293d,
      response: true,
      questions: [{ name: 'CX_0D7560', type: DnsType.A }],
      answers: [{ name: 'CX_0D7560', type: DnsType.A, ttl: 30, data: { a: '192.168.1.8' } }],
    });
    const frames = [
      udpFrame(laptop, group, 50000, 5355, q),
      udpFrame(responder, laptop, 5355, 50000, r),
      udpFrame(responder6, { mac: laptop.mac, ip: 'fe80::99' }, 5355, 50001, r),
    ];
    const events = await golden(import.meta.url, 'llmnr', frames);
    await fuzzFrames(frames, 42);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toEqual([
      [{ mac: responder.mac, ip: '192.168.1.8' }, { name: 'CX_0D7560' }],
      [{ ip: '192.168.1.8' }, { name: 'CX_0D7560' }],
      [{ mac: responder.mac, ip: responder6.ip }, { name: 'CX_0D7560' }],
    ]);
  });
});

describePublicCaptures('dns family', () => {
  it('modbus_small.pcap: resolver answers name Google addresses, CNAME as alias', async () => {
    const events = await analyzePublic('modbus/modbus_small.pcap');
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { ip: '74.125.239.54' },
      { name: 'googlemail.l.google.com', 'dns.alias': 'mail.google.com' },
    ]);
    expect(facts).toContainEqual([{ ip: '91.189.89.22' }, { name: 'videosearch.ubuntu.com' }]);
    expect(events.filter((e) => e.kind === 'anomaly.observed' && e.protocol === 'dns')).toEqual([]);
  });

  it('beckhoff_ads_addroute.pcapng: LLMNR and mDNS queries only, so no facts and no anomalies', async () => {
    const events = await analyzePublic('other/beckhoff_ads_addroute.pcapng');
    const ours = events.filter(
      (e) =>
        (e.kind === 'asset.observed' || e.kind === 'anomaly.observed') &&
        ['mdns', 'llmnr'].includes(e.protocol),
    );
    expect(ours).toEqual([]);
  });
});
