/**
 * TLS builders (RFC 8446 / RFC 5246 records and hellos; a minimal DER certificate per RFC 5280
 * §4.1, unsigned) for the project's own traces: golden tests and the plant simulator. Not on
 * the capture path.
 */

function u16(n: number): Buffer {
  return Buffer.from([n >>> 8, n & 0xff]);
}
function u24(n: number): Buffer {
  return Buffer.from([n >>> 16, (n >>> 8) & 0xff, n & 0xff]);
}
function ext(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(body.length), body]);
}

export function record(type: number, body: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]);
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

export function clientHello(o: { sni?: string; alpn?: string[]; versions?: number[] } = {}): Buffer {
  const exts: Buffer[] = [];
  if (o.sni) {
    const n = Buffer.from(o.sni);
    exts.push(ext(0, Buffer.concat([u16(n.length + 3), Buffer.from([0]), u16(n.length), n])));
  }
  if (o.alpn) {
    const l = Buffer.concat(o.alpn.map((a) => Buffer.concat([Buffer.from([a.length]), Buffer.from(a)])));
    exts.push(ext(16, Buffer.concat([u16(l.length), l])));
  }
  if (o.versions)
    exts.push(ext(43, Buffer.concat([Buffer.from([o.versions.length * 2]), ...o.versions.map(u16)])));
  const e = Buffer.concat(exts);
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(4),
    u16(0x1301),
    u16(0xc02f),
    Buffer.from([1, 0]),
    u16(e.length),
    e,
  ]);
  return handshake(1, body);
}

export function serverHello(cipher: number, o: { version13?: boolean; alpn?: string } = {}): Buffer {
  const exts: Buffer[] = [];
  if (o.version13) exts.push(ext(43, u16(0x0304)));
  if (o.alpn)
    exts.push(
      ext(16, Buffer.concat([u16(o.alpn.length + 1), Buffer.from([o.alpn.length]), Buffer.from(o.alpn)])),
    );
  const e = Buffer.concat(exts);
  return handshake(
    2,
    Buffer.concat([
      u16(0x0303),
      Buffer.alloc(32, 9),
      Buffer.from([0]),
      u16(cipher),
      Buffer.from([0]),
      u16(e.length),
      e,
    ]),
  );
}

function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const l =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >>> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), l, body]);
}

function dn(attrs: [string, string][]): Buffer {
  const oid: Record<string, number> = { CN: 3, O: 10, OU: 11, C: 6 };
  return der(
    0x30,
    Buffer.concat(
      attrs.map(([k, v]) =>
        der(
          0x31,
          der(0x30, Buffer.concat([der(0x06, Buffer.from([0x55, 4, oid[k]!])), der(0x0c, Buffer.from(v))])),
        ),
      ),
    ),
  );
}

/** A certificate whose tbsCertificate has the fields the parser reads (signature left empty). */
export function certificate(
  subject: [string, string][],
  issuer: [string, string][],
  notAfter = '301231235959Z',
): Buffer {
  const alg = der(0x30, der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2])));
  const tbs = der(
    0x30,
    Buffer.concat([
      der(0xa0, der(0x02, Buffer.from([2]))),
      der(0x02, Buffer.from([1, 2, 3])),
      alg,
      dn(issuer),
      der(0x30, Buffer.concat([der(0x17, Buffer.from('240101000000Z')), der(0x17, Buffer.from(notAfter))])),
      dn(subject),
      der(0x30, Buffer.alloc(0)),
    ]),
  );
  const cert = der(0x30, Buffer.concat([tbs, alg, der(0x03, Buffer.from([0]))]));
  return handshake(11, Buffer.concat([u24(cert.length + 3), u24(cert.length), cert]));
}
