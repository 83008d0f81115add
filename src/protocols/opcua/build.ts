/**
 * OPC UA binary message builders (OPC 10000-6 §5.2 encoding, §6.7 chunks, §7.1 UA-TCP;
 * OPC 10000-4 service parameters) for the project's own traces: golden tests and the plant
 * simulator. Security is None (bodies in clear) unless a test writes other bytes on purpose.
 * Not on the capture path.
 */
import { MsgType, POLICY_NONE, Service } from './consts.js';

/** Little-endian writer for UA binary (Part 6 §5.2). */
export class UaWriter {
  private readonly parts: Buffer[] = [];

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  u8(v: number): this {
    return this.raw(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v, 0);
    return this.raw(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0, 0);
    return this.raw(b);
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v, 0);
    return this.raw(b);
  }
  double(v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v, 0);
    return this.raw(b);
  }
  dateTime(): this {
    return this.raw(Buffer.alloc(8));
  }
  /** String or ByteString; null encodes as length -1. */
  str(s: string | Buffer | null): this {
    if (s === null) return this.i32(-1);
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    return this.i32(b.length).raw(b);
  }
  /** `i=N` / `ns=X;i=N` numeric, or `ns=X;s=...` string NodeIds. */
  nodeId(id: string | number): this {
    if (typeof id === 'number') return id < 256 ? this.u8(0).u8(id) : this.u8(1).u8(0).u16(id);
    const m = /^(?:ns=(\d+);)?([is])=(.*)$/.exec(id);
    if (!m) throw new Error(`bad NodeId ${id}`);
    const ns = Number(m[1] ?? 0);
    return m[2] === 'i' ? this.u8(2).u16(ns).u32(Number(m[3])) : this.u8(3).u16(ns).str(m[3]!);
  }
  qualifiedName(ns: number, name: string): this {
    return this.u16(ns).str(name);
  }
  localizedText(text: string): this {
    return this.u8(2).str(text);
  }
  /** ExtensionObject with a numeric TypeId and a binary body (or none). */
  extensionObject(typeId = 0, body?: Buffer): this {
    this.nodeId(typeId);
    return body === undefined ? this.u8(0) : this.u8(1).str(body);
  }
  array<T>(items: readonly T[], one: (w: this, item: T) => void): this {
    this.i32(items.length);
    for (const it of items) one(this, it);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const w = () => new UaWriter();

function message(type: number, chunk: string, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUIntBE(type, 0, 3);
  h[3] = chunk.charCodeAt(0);
  h.writeUInt32LE(8 + body.length, 4);
  return Buffer.concat([h, body]);
}

export const ua = {
  hello: (url: string) =>
    message(MsgType.HEL, 'F', w().u32(0).u32(65535).u32(65535).u32(0).u32(0).str(url).done()),
  ack: () => message(MsgType.ACK, 'F', w().u32(0).u32(65535).u32(65535).u32(0).u32(0).done()),
  error: (status: number, reason: string) => message(MsgType.ERR, 'F', w().u32(status).str(reason).done()),
  reverseHello: (serverUri: string, url: string) =>
    message(MsgType.RHE, 'F', w().str(serverUri).str(url).done()),
  /** OPN with the asymmetric header; `body` is the TypeId onwards (or opaque bytes). */
  opn: (requestId: number, body: Buffer, policy = POLICY_NONE, cert: Buffer | null = null, channelId = 0) =>
    message(
      MsgType.OPN,
      'F',
      w().u32(channelId).str(policy).str(cert).str(null).u32(requestId).u32(requestId).raw(body).done(),
    ),
  /** MSG (or CLO) chunk with the symmetric header and sequence header. */
  msg: (requestId: number, body: Buffer, chunk = 'F', type: number = MsgType.MSG) =>
    message(
      type,
      chunk,
      w()
        .u32(1)
        .u32(1)
        .u32(requestId + 1)
        .u32(requestId)
        .raw(body)
        .done(),
    ),
};

/** Part 4 §7.28 RequestHeader (null token, no diagnostics). */
export function requestHeader(x: UaWriter): UaWriter {
  return x.nodeId(0).dateTime().u32(1).u32(0).str(null).u32(10000).extensionObject();
}

/** Part 4 §7.29 ResponseHeader with a ServiceResult. */
export function responseHeader(x: UaWriter, status = 0): UaWriter {
  return x.dateTime().u32(1).u32(status).u8(0).i32(-1).extensionObject();
}

export const request = (service: number, fill: (x: UaWriter) => void = () => {}): Buffer => {
  const x = requestHeader(w().nodeId(service));
  fill(x);
  return x.done();
};

export const response = (service: number, status = 0, fill: (x: UaWriter) => void = () => {}): Buffer => {
  const x = responseHeader(w().nodeId(service + 3), status);
  fill(x);
  return x.done();
};

export interface App {
  uri: string;
  product: string;
  name: string;
  /** 0 Server, 1 Client, 2 ClientAndServer, 3 DiscoveryServer. */
  type: number;
}

export function appDescription(x: UaWriter, a: App): UaWriter {
  return x
    .str(a.uri)
    .str(a.product)
    .localizedText(a.name)
    .u32(a.type)
    .str(null)
    .str(null)
    .array<string>([], () => {});
}

export interface Endpoint {
  url: string;
  server: App;
  mode: number;
  policy: string;
  /** UserTokenType per policy offered. */
  tokens: number[];
}

export function endpointDescription(x: UaWriter, e: Endpoint): UaWriter {
  appDescription(x.str(e.url), e.server).str(null).u32(e.mode).str(e.policy);
  x.array(e.tokens, (y, t) => y.str(`p${t}`).u32(t).str(null).str(null).str(null));
  return x.str('http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary').u8(0);
}

export const services = {
  openRequest: (mode = 1) =>
    request(Service.OPEN_SECURE_CHANNEL, (x) => x.u32(0).u32(0).u32(mode).str(null).u32(600000)),
  openResponse: () =>
    response(Service.OPEN_SECURE_CHANNEL, 0, (x) => x.u32(0).u32(1).u32(1).dateTime().u32(600000).str(null)),
  getEndpoints: (url: string) => request(Service.GET_ENDPOINTS, (x) => x.str(url).i32(-1).i32(-1)),
  getEndpointsResponse: (eps: Endpoint[]) =>
    response(Service.GET_ENDPOINTS, 0, (x) => x.array(eps, (y, e) => endpointDescription(y, e))),
  createSession: (client: App, name: string) =>
    request(Service.CREATE_SESSION, (x) => {
      appDescription(x, client)
        .str(null)
        .str('opc.tcp://plc:4840')
        .str(name)
        .str(null)
        .str(null)
        .double(60000)
        .u32(0);
    }),
  createSessionResponse: (cert: Buffer | null, eps: Endpoint[]) =>
    response(Service.CREATE_SESSION, 0, (x) => {
      x.nodeId('ns=1;i=1').nodeId('ns=1;i=2').double(60000).str(Buffer.alloc(32)).str(cert);
      x.array(eps, (y, e) => endpointDescription(y, e))
        .i32(-1)
        .str(null)
        .str(null)
        .u32(0);
    }),
  /** token: anonymous (321) or a UserName token (324) with its password in clear or not. */
  activateSession: (user?: { name: string; password: string; encrypted: boolean }) =>
    request(Service.ACTIVATE_SESSION, (x) => {
      x.str(null).str(null).i32(-1).i32(-1);
      if (!user) x.extensionObject(321, w().str('anonymous').done());
      else
        x.extensionObject(
          324,
          w()
            .str('username')
            .str(user.name)
            .str(user.password)
            .str(user.encrypted ? 'http://www.w3.org/2001/04/xmlenc#rsa-oaep' : null)
            .done(),
        );
      x.str(null).str(null);
    }),
  read: (nodes: [string | number, number][]) =>
    request(Service.READ, (x) =>
      x
        .double(0)
        .u32(0)
        .array(nodes, (y, [n, a]) => y.nodeId(n).u32(a).str(null).qualifiedName(0, '')),
    ),
  readResponse: (status = 0) =>
    response(Service.READ, status, (x) => x.array([1], (y) => y.u8(1).u8(6).i32(42)).i32(-1)),
  /** Write Int32 values (DataValue with a Variant). */
  write: (items: [string | number, number][]) =>
    request(Service.WRITE, (x) =>
      x.array(items, (y, [n, v]) => y.nodeId(n).u32(13).str(null).u8(1).u8(6).i32(v)),
    ),
  writeResponse: (results: number[]) =>
    response(Service.WRITE, 0, (x) => x.array(results, (y, r) => y.u32(r)).i32(-1)),
  call: (object: string | number, method: string | number) =>
    request(Service.CALL, (x) =>
      x.array([0], (y) =>
        y
          .nodeId(object)
          .nodeId(method)
          .array([7], (z, v) => z.u8(6).i32(v)),
      ),
    ),
  callResponse: (status: number) =>
    response(Service.CALL, 0, (x) => x.array([status], (y, s) => y.u32(s).i32(-1).i32(-1).i32(-1)).i32(-1)),
  browse: (nodes: (string | number)[]) =>
    request(Service.BROWSE, (x) =>
      x
        .nodeId(0)
        .dateTime()
        .u32(0)
        .u32(0)
        .array(nodes, (y, n) => y.nodeId(n).u32(0).nodeId(33).u8(1).u32(0).u32(63)),
    ),
  addNodes: (parent: string | number, name: string) =>
    request(Service.ADD_NODES, (x) =>
      x.array([0], (y) =>
        y.nodeId(parent).nodeId(35).nodeId(0).qualifiedName(1, name).u32(1).extensionObject().nodeId(58),
      ),
    ),
  deleteNodes: (nodes: (string | number)[]) =>
    request(Service.DELETE_NODES, (x) => x.array(nodes, (y, n) => y.nodeId(n).u8(1))),
  publish: () => request(Service.PUBLISH, (x) => x.i32(0)),
  closeSession: () => request(Service.CLOSE_SESSION, (x) => x.u8(1)),
  closeChannel: () => request(Service.CLOSE_SECURE_CHANNEL),
  serviceFault: (status: number) => responseHeader(w().nodeId(Service.SERVICE_FAULT), status).done(),
};

/** A DER X.509 skeleton with a subject CN (structure only: no valid key or signature). */
export function certificate(cn: string): Buffer {
  const tlv = (tag: number, ...v: Buffer[]): Buffer => {
    const body = Buffer.concat(v);
    const n = body.length;
    const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return Buffer.concat([Buffer.from([tag, ...len]), body]);
  };
  const name = (s: string) =>
    tlv(
      0x30,
      tlv(0x31, tlv(0x30, tlv(0x06, Buffer.from([0x55, 4, 10])), tlv(0x0c, Buffer.from('Plant')))),
      tlv(0x31, tlv(0x30, tlv(0x06, Buffer.from([0x55, 4, 3])), tlv(0x0c, Buffer.from(s, 'utf8')))),
    );
  const alg = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11])), tlv(0x05));
  const tbs = tlv(
    0x30,
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from([1, 2, 3])),
    alg,
    name('Plant CA'),
    tlv(0x30, tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('350101000000Z'))),
    name(cn),
  );
  return tlv(0x30, tbs, alg, tlv(0x03, Buffer.from([0, 1, 2, 3])));
}
