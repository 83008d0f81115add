/** TLS analyzer: golden traces (TLS 1.2 with a certificate, TLS 1.3 on another port), malformed records. */
import { describe, expect, it } from 'vitest';
import type { Host } from '../../sim/frames.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { certificate, clientHello, record, serverHello } from './build.js';

const hmi: Host = { mac: '02:00:00:00:0a:01', ip: '10.11.0.1' };
const srv: Host = { mac: '02:00:00:00:0a:02', ip: '10.11.0.2' };

describe('tls analyzer (golden traces)', () => {
  it('TLS 1.2: SNI on the server, version and cipher, the leaf certificate; nothing after ChangeCipherSpec', async () => {
    const s = new TcpSession(hmi, srv, 50322, 443).open();
    s.send(record(22, clientHello({ sni: 'scada.plant.example', alpn: ['http/1.1'] }), 0x0301));
    const flight = Buffer.concat([
      serverHello(0xc02f),
      certificate(
        [
          ['CN', 'scada.plant.example'],
          ['O', 'Acme'],
        ],
        [['CN', 'Acme CA']],
      ),
      Buffer.from([14, 0, 0, 0]),
    ]);
    s.reply(Buffer.concat([record(22, flight.subarray(0, 60)), record(22, flight.subarray(60))]), 100);
    s.send(Buffer.concat([record(20, Buffer.from([1])), record(22, Buffer.alloc(40, 0xee))]));
    s.close();
    const events = await golden(import.meta.url, 'tls12', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ ip: srv.ip }, { 'tls.sni': 'scada.plant.example' }],
      [{ ip: srv.ip }, { 'tls.version': 'TLS 1.2', 'tls.cipher': '0xc02f' }],
      [
        { ip: srv.ip },
        {
          'tls.cert_subject': 'CN=scada.plant.example, O=Acme',
          'tls.cert_issuer': 'CN=Acme CA',
          'tls.cert_not_after': '2030-12-31T23:59:59Z',
        },
      ],
    ]);
  });

  it('TLS 1.3 on port 4843 found by the probe; malformed records → anomalies, no throw', async () => {
    const s = new TcpSession(hmi, srv, 50400, 4843).open();
    s.send(record(22, clientHello({ sni: 'opcua.plant.example', versions: [0x0304] })));
    s.reply(
      Buffer.concat([record(22, serverHello(0x1301, { version13: true })), record(23, Buffer.alloc(300, 1))]),
    );
    s.close();
    const bad = new TcpSession(hmi, srv, 50401, 443).open();
    bad.send(Buffer.concat([record(22, Buffer.from([1, 0, 0, 4, 0, 0, 0, 0])), Buffer.from('garbage!')]));
    bad.close();
    const events = await golden(import.meta.url, 'tls13', [...s.frames, ...bad.frames]);
    expect(assets(events).map((e) => e.facts)).toEqual([
      { 'tls.sni': 'opcua.plant.example' },
      { 'tls.version': 'TLS 1.3', 'tls.cipher': '0x1301' },
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['tls.bad_handshake']);
  });
});
