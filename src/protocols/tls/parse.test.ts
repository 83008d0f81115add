/** TLS parser unit tests (RFC 8446 hellos, RFC 6066 SNI, RFC 7301 ALPN, RFC 5280 certificate fields); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { certificate, clientHello, serverHello } from './build.js';
import { parseCertificate, parseClientHello, parseServerHello } from './parse.js';

const body = (h: Buffer) => [h, 4, h.length - 4] as const;

describe('tls parse', () => {
  it('ClientHello: SNI, ALPN, supported versions without GREASE', () => {
    const h = clientHello({
      sni: 'Historian.Plant.Example',
      alpn: ['h2', 'http/1.1'],
      versions: [0x3a3a, 0x0304, 0x0303],
    });
    expect(parseClientHello(...body(h))).toEqual({
      sni: 'historian.plant.example',
      alpn: ['h2', 'http/1.1'],
      versions: [0x0304, 0x0303],
    });
    expect(parseClientHello(...body(clientHello()))).toEqual({ alpn: [], versions: [] });
  });

  it('ServerHello: TLS 1.2 cipher, TLS 1.3 via supported_versions, ALPN', () => {
    expect(parseServerHello(...body(serverHello(0xc02f)))).toEqual({ version: 0x0303, cipher: 0xc02f });
    expect(parseServerHello(...body(serverHello(0x1301, { version13: true, alpn: 'h2' })))).toEqual({
      version: 0x0304,
      cipher: 0x1301,
      alpn: 'h2',
    });
  });

  it('Certificate: leaf subject, issuer and notAfter (RFC 5280 §4.1)', () => {
    const c = certificate(
      [
        ['CN', 'plc-01.plant.example'],
        ['O', 'Acme Plant'],
      ],
      [
        ['CN', 'Acme Issuing CA'],
        ['C', 'DE'],
      ],
      '301231235959Z',
    );
    expect(parseCertificate(...body(c))).toEqual({
      subject: 'CN=plc-01.plant.example, O=Acme Plant',
      issuer: 'CN=Acme Issuing CA, C=DE',
      notAfter: '2030-12-31T23:59:59Z',
    });
  });

  it('malformed hellos and certificates give undefined', () => {
    const h = clientHello({ sni: 'x.example' });
    expect(parseClientHello(h, 4, 20)).toBeUndefined();
    expect(parseServerHello(Buffer.alloc(10), 0, 10)).toBeUndefined();
    expect(parseCertificate(Buffer.from([0, 0, 9, 0, 0, 5, 0x30, 3]), 0, 8)).toBeUndefined();
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      clientHello({ sni: 'a.example', alpn: ['h2'], versions: [0x0304] }),
      serverHello(0x1301, { version13: true, alpn: 'h2' }),
      certificate([['CN', 'x']], [['O', 'y']]),
    ];
    const all = (b: Buffer, o: number, l: number) => {
      parseClientHello(b, o + 4, l - 4);
      parseServerHello(b, o + 4, l - 4);
      return parseCertificate(b, o + 4, l - 4);
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all], seed: 443 });
  });
});
