/** DHCPv4/BOOTP (RFC 2131/2132/951/3396/4702) and DHCPv6 (RFC 8415/4704/6939) parser unit tests; never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { BOOTREPLY, BOOTREQUEST, buildDhcp, buildDhcp6, opt, opt6, relay6 } from './build.js';
import { MessageType, Msg6, Opt, Opt6 } from './consts.js';
import { parseDhcp } from './parse.js';
import { parseDhcp6 } from './parse6.js';

const MAC = '00:1d:9c:c8:03:e7';

const v4 = wholeBuffer(parseDhcp).ok;
const v6 = wholeBuffer(parseDhcp6).ok;

const discover = buildDhcp({
  op: BOOTREQUEST,
  type: MessageType.DISCOVER,
  chaddr: MAC,
  options: [
    opt.text(Opt.HOSTNAME, 'plc-line3'),
    opt.text(Opt.VENDOR_CLASS, 'Rockwell 1756-EN2T'),
    opt.bytes(Opt.PARAM_LIST, 1, 3, 6, 15, 42),
    opt.bytes(Opt.CLIENT_ID, 1, 0x00, 0x1d, 0x9c, 0xc8, 0x03, 0xe7),
    opt.ips(Opt.REQUESTED_IP, '10.20.0.15'),
    // RFC 4702: flags with E (wire encoding), rcode1, rcode2, then the name.
    opt.bytes(Opt.FQDN, 0x05, 0, 0, 9, ...Buffer.from('plc-line3'), 5, ...Buffer.from('plant'), 0),
  ],
});

describe('dhcp parse (v4)', () => {
  it('reads the fixed header and the identity options (RFC 2131 §2, RFC 2132)', () => {
    const m = v4(discover);
    expect(m).toMatchObject({
      op: 1,
      htype: 1,
      hlen: 6,
      chaddr: MAC,
      ciaddr: '0.0.0.0',
      dhcp: true,
      messageType: 1,
    });
    expect(m.options).toMatchObject({
      codes: [53, 12, 60, 55, 61, 50, 81],
      hostname: 'plc-line3',
      vendorClass: 'Rockwell 1756-EN2T',
      paramList: [1, 3, 6, 15, 42],
      clientId: '01:00:1d:9c:c8:03:e7',
      requestedIp: '10.20.0.15',
      fqdn: 'plc-line3.plant',
    });
  });

  it('reads server options: server id, lease, routers, DNS, domain', () => {
    const m = v4(
      buildDhcp({
        op: BOOTREPLY,
        type: MessageType.ACK,
        chaddr: MAC,
        yiaddr: '10.20.0.15',
        options: [
          opt.ips(Opt.SERVER_ID, '10.20.0.2'),
          opt.u32(Opt.LEASE_TIME, 86400),
          opt.ips(Opt.ROUTER, '10.20.0.1'),
          opt.ips(Opt.DNS, '10.20.0.2', '10.20.0.3'),
          opt.text(Opt.DOMAIN, 'plant.example'),
        ],
      }),
    );
    expect(m).toMatchObject({ op: 2, yiaddr: '10.20.0.15', messageType: 5 });
    expect(m.options).toMatchObject({
      serverId: '10.20.0.2',
      leaseTime: 86400,
      routers: ['10.20.0.1'],
      dnsServers: ['10.20.0.2', '10.20.0.3'],
      domain: 'plant.example',
    });
  });

  it('reads options overloaded into file and sname (RFC 2131 §4.1, RFC 2132 §9.3)', () => {
    const b = buildDhcp({
      op: BOOTREQUEST,
      type: MessageType.REQUEST,
      chaddr: MAC,
      options: [opt.bytes(Opt.OVERLOAD, 3)],
    });
    // file (offset 108) then sname (offset 44).
    Buffer.from([Opt.HOSTNAME, 3, 0x61, 0x62, 0x63, Opt.END]).copy(b, 108);
    Buffer.from([Opt.VENDOR_CLASS, 2, 0x78, 0x79, Opt.END]).copy(b, 44);
    expect(v4(b).options).toMatchObject({ hostname: 'abc', vendorClass: 'xy', codes: [53, 52, 12, 60] });
  });

  it('concatenates an option split across instances (RFC 3396)', () => {
    const long = 'x'.repeat(200) + 'y'.repeat(100);
    const m = v4(
      buildDhcp({ op: BOOTREQUEST, type: 1, chaddr: MAC, options: [opt.text(Opt.USER_CLASS, long)] }),
    );
    expect(m.options.codes).toEqual([53, 77, 77]);
    // Text facts are capped at 256 characters.
    expect(m.options.userClass).toBe(long.slice(0, 256));
  });

  it('takes plain BOOTP (RFC 951: no cookie, zero vendor area) as type 0', () => {
    const m = v4(buildDhcp({ op: BOOTREPLY, chaddr: MAC, yiaddr: '192.168.1.20', bootp: true }));
    expect(m).toMatchObject({ dhcp: false, messageType: 0, yiaddr: '192.168.1.20', options: { codes: [] } });
    expect(v4(buildDhcp({ op: BOOTREPLY, chaddr: MAC, bootp: true }).subarray(0, 236)).dhcp).toBe(false);
  });

  it('leaves chaddr undefined for non-Ethernet hardware', () => {
    const b = Buffer.from(discover);
    b[1] = 6;
    b[2] = 8;
    expect(v4(b).chaddr).toBeUndefined();
  });

  it('rejects a short header, bad op, bad magic cookie and an option past the end', () => {
    expect(parseDhcp(discover, 0, 235)).toMatchObject({ ok: false, code: 'too_short' });
    const op = Buffer.from(discover);
    op[0] = 3;
    expect(parseDhcp(op, 0, op.length)).toMatchObject({ ok: false, code: 'bad_op' });
    const magic = Buffer.from(discover);
    magic[236] = 0x64;
    expect(parseDhcp(magic, 0, magic.length)).toMatchObject({ ok: false, code: 'bad_magic' });
    const over = Buffer.from(discover.subarray(0, 240 + 3 + 11));
    over[240 + 3 + 1] = 200;
    expect(parseDhcp(over, 0, over.length)).toMatchObject({ ok: false, code: 'bad_option' });
  });

  it('tolerates a missing END option', () => {
    const b = buildDhcp({ op: BOOTREQUEST, type: 1, chaddr: MAC, options: [opt.text(Opt.HOSTNAME, 'abc')] });
    expect(v4(b.subarray(0, 240 + 3 + 5)).options.hostname).toBe('abc');
  });
});

describe('dhcp parse (v6)', () => {
  const solicit = buildDhcp6(Msg6.SOLICIT, 0xa447fd, [
    opt6.raw(8, Buffer.alloc(2)),
    opt6.duidLlt(Opt6.CLIENTID, '00:21:5c:c3:05:be'),
    opt6.iaNa(0x20b8aeed),
    opt6.fqdn('ShenhuaJ6-PC'),
    opt6.vendorClass(311, 'MSFT 5.0'),
    opt6.oro(24, 23, 17, 39),
  ]);

  it('reads a Solicit: DUID (and its MAC), FQDN, vendor class, ORO (RFC 8415 §21)', () => {
    expect(v6(solicit)).toEqual({
      msgType: 1,
      xid: 0xa447fd,
      relays: [],
      codes: [8, 1, 3, 39, 16, 6],
      clientDuid: '00:01:00:01:1e:71:8f:34:00:21:5c:c3:05:be',
      clientDuidMac: '00:21:5c:c3:05:be',
      fqdn: 'ShenhuaJ6-PC',
      vendorClass: { enterprise: 311, data: 'MSFT 5.0' },
      oro: [24, 23, 17, 39],
      addresses: [],
    });
  });

  it('reads Reply addresses from IA_NA / IAADDR', () => {
    const reply = buildDhcp6(Msg6.REPLY, 1, [
      opt6.duidLlt(Opt6.SERVERID, '02:00:00:00:00:02'),
      opt6.iaNa(1, '2001:db8::15', '2001:db8::16'),
    ]);
    expect(v6(reply)).toMatchObject({ msgType: 7, addresses: ['2001:db8::15', '2001:db8::16'] });
  });

  it('unwraps relays and the client link-layer option (RFC 8415 §9, RFC 6939)', () => {
    const inner = relay6(solicit, '2001:db8:1::1', 'fe80::1', { clientMac: '00:21:5c:c3:05:be' });
    const m = v6(relay6(inner, '2001:db8:2::1', 'fe80::2', { hopCount: 1 }));
    expect(m.msgType).toBe(1);
    expect(m.relays).toEqual([
      { hopCount: 1, linkAddress: '2001:db8:2::1', peerAddress: 'fe80::2' },
      {
        hopCount: 0,
        linkAddress: '2001:db8:1::1',
        peerAddress: 'fe80::1',
        clientLinkLayer: '00:21:5c:c3:05:be',
      },
    ]);
  });

  it('bounds relay nesting and rejects options past the end', () => {
    let b = solicit;
    for (let i = 0; i < 9; i++) b = relay6(b, '::', '::');
    expect(parseDhcp6(b, 0, b.length)).toMatchObject({ ok: false, code: 'too_deep' });
    expect(parseDhcp6(solicit, 0, solicit.length - 1)).toMatchObject({ ok: false, code: 'bad_option' });
    expect(parseDhcp6(solicit, 0, 3)).toMatchObject({ ok: false, code: 'too_short' });
  });

  it('reads a partial FQDN without the root label (RFC 4704 §4.2)', () => {
    const b = buildDhcp6(Msg6.REQUEST, 1, [
      opt6.raw(Opt6.CLIENT_FQDN, Buffer.from([0, 3, 0x61, 0x62, 0x63])),
    ]);
    expect(v6(b).fqdn).toBe('abc');
  });
});

describe('dhcp parsers never throw', () => {
  const v4Samples = [
    discover,
    buildDhcp({ op: BOOTREPLY, type: 5, chaddr: MAC, options: [opt.ips(Opt.ROUTER, '10.0.0.1')] }),
  ];
  const v6Samples = [
    buildDhcp6(Msg6.SOLICIT, 1, [
      opt6.duidLlt(1, MAC),
      opt6.fqdn('a.b'),
      opt6.vendorClass(9, 'x'),
      opt6.oro(23),
    ]),
    relay6(buildDhcp6(Msg6.REPLY, 2, [opt6.iaNa(1, '2001:db8::1')]), '::1', '::2', {
      reply: true,
      clientMac: MAC,
    }),
  ];

  it('on every truncation of valid messages', () => {
    neverThrowsOnTruncations(v4Samples, parseDhcp);
    neverThrowsOnTruncations(v6Samples, parseDhcp6);
  });

  it('on random bytes and random mutations', () => {
    neverThrowsOnMutations({
      samples: [...v4Samples, ...v6Samples],
      parsers: [parseDhcp, parseDhcp6],
      seed: 67,
      flips: 4,
      randomLen: 400,
      // The magic cookie, so random bytes reach the v4 option walker.
      shape: (r) => {
        if (r.length > 240) r.writeUInt32BE(0x63825363, 236);
      },
    });
  });
});
