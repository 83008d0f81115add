/**
 * OPC UA binary transport parser: UA-TCP messages and secure conversation chunk headers.
 *
 * Spec: OPC 10000-6 §7.1.2 (message header: MessageType, ChunkType, MessageSize; Hello,
 * Acknowledge, Error, ReverseHello bodies), §6.7.2.2 (OPN: SecureChannelId, asymmetric
 * security header: SecurityPolicyUri, SenderCertificate, ReceiverCertificateThumbprint),
 * §6.7.2.3 (MSG/CLO: SecureChannelId, TokenId), §6.7.2.4 (sequence header: SequenceNumber,
 * RequestId), §5.2.2.9 (the body's TypeId, an ExpandedNodeId). All integers little-endian.
 *
 * Pure: bytes in, a message or an error value out; never throws. Service bodies are decoded
 * by services.ts. Not parsed here: signatures, padding, encrypted bytes.
 */
import { Chunk, MAX_CHUNK, MAX_URL, MIN_SIZE, MsgType, UaError, type UaErrorCode } from './consts.js';
import { reader } from './reader.js';

export type UaResult<T> = { ok: true; msg: T } | { ok: false; code: UaErrorCode; detail: string };

function fail<T>(code: UaErrorCode, detail: string): UaResult<T> {
  return { ok: false, code, detail };
}

/** A plausible header at `off`: known type, a chunk type it allows, a size in range; else 0. */
export function headerSize(buf: Buffer, off: number, avail: number): number {
  if (avail < 8) return 0;
  const type = buf.readUIntBE(off, 3);
  const min = MIN_SIZE[type];
  if (min === undefined) return -1;
  const chunk = buf[off + 3]!;
  const secure = type === MsgType.OPN || type === MsgType.MSG || type === MsgType.CLO;
  if (chunk !== Chunk.FINAL && !(secure && (chunk === Chunk.INTERMEDIATE || chunk === Chunk.ABORT)))
    return -1;
  const size = buf.readUInt32LE(off + 4);
  if (size < min || size > MAX_CHUNK) return -1;
  return size;
}

/** StreamFramer measure: the message length, 0 when more bytes are needed, -1 when not a header. */
export function measureUa(buf: Buffer, off: number, avail: number): number {
  if (avail < 8) return 0;
  return headerSize(buf, off, avail);
}

export interface UaHello {
  version: number;
  receiveBufferSize: number;
  sendBufferSize: number;
  maxMessageSize: number;
  maxChunkCount: number;
  endpointUrl?: string;
}

/** HEL (§7.1.2.3) or, without the URL, ACK (§7.1.2.4), starting at the message header. */
export function parseHello(buf: Buffer, off: number, len: number): UaResult<UaHello> {
  const r = reader.reset(buf, off + 8, off + len);
  const msg: UaHello = {
    version: r.u32(),
    receiveBufferSize: r.u32(),
    sendBufferSize: r.u32(),
    maxMessageSize: r.u32(),
    maxChunkCount: r.u32(),
  };
  if (len >= 8 && buf.readUIntBE(off, 3) === MsgType.HEL) {
    const n = r.span();
    if (n > MAX_URL) return fail(UaError.BAD_MESSAGE, `EndpointUrl of ${n} bytes`);
    if (n >= 0) msg.endpointUrl = buf.toString('utf8', r.spanOff, r.spanOff + n);
  }
  if (r.bad) return fail(UaError.TRUNCATED, `${len} bytes`);
  return { ok: true, msg };
}

export interface UaErrorMessage {
  error: number;
  reason?: string;
}

/** ERR (§7.1.2.5): a StatusCode and a reason; the body of an abort chunk (§6.7.3) is the same. */
export function parseErrorBody(buf: Buffer, off: number, len: number): UaResult<UaErrorMessage> {
  const r = reader.reset(buf, off, off + len);
  const error = r.u32();
  const reason = r.string();
  if (r.bad) return fail(UaError.TRUNCATED, `error body of ${len} bytes`);
  return { ok: true, msg: reason === undefined ? { error } : { error, reason } };
}

export interface UaReverseHello {
  serverUri?: string;
  endpointUrl?: string;
}

/** RHE (§7.1.2.6): the server that connects out names itself and its endpoint. */
export function parseReverseHello(buf: Buffer, off: number, len: number): UaResult<UaReverseHello> {
  const r = reader.reset(buf, off + 8, off + len);
  const serverUri = r.string();
  const endpointUrl = r.string();
  if (r.bad) return fail(UaError.TRUNCATED, `${len} bytes`);
  const msg: UaReverseHello = {};
  if (serverUri !== undefined) msg.serverUri = serverUri;
  if (endpointUrl !== undefined) msg.endpointUrl = endpointUrl;
  return { ok: true, msg };
}

export interface UaChunk {
  type: number;
  chunk: number;
  size: number;
  channelId: number;
  /** OPN only: the asymmetric security header. */
  policyUri?: string;
  /** OPN only: the DER sender certificate (chain) span; length -1 when null. */
  certOff: number;
  certLen: number;
  /** MSG/CLO only. */
  tokenId: number;
  /** Where the sequence header starts: plaintext unless the channel encrypts. */
  seqOff: number;
  end: number;
}

/** The headers of an OPN, MSG or CLO chunk starting at its message header. */
export function parseChunk(buf: Buffer, off: number, len: number): UaResult<UaChunk> {
  const end = Math.min(off + len, buf.length);
  if (end - off < 24) return fail(UaError.TRUNCATED, `${end - off} bytes`);
  const type = buf.readUIntBE(off, 3);
  const msg: UaChunk = {
    type,
    chunk: buf[off + 3]!,
    size: buf.readUInt32LE(off + 4),
    channelId: buf.readUInt32LE(off + 8),
    certOff: 0,
    certLen: -1,
    tokenId: -1,
    seqOff: off + 16,
    end,
  };
  if (type !== MsgType.OPN) {
    msg.tokenId = buf.readUInt32LE(off + 12);
    return { ok: true, msg };
  }
  const r = reader.reset(buf, off + 12, end);
  const policy = r.string();
  if (policy !== undefined) msg.policyUri = policy;
  if (r.span() >= 0) {
    msg.certOff = r.spanOff;
    msg.certLen = r.spanLen;
  }
  r.span();
  if (r.bad) return fail(UaError.BAD_MESSAGE, 'asymmetric security header runs past the chunk');
  msg.seqOff = r.pos;
  return { ok: true, msg };
}

export interface UaSequence {
  sequenceNumber: number;
  requestId: number;
  /** The body (TypeId onwards). */
  bodyOff: number;
}

/** The sequence header at `off` (§6.7.2.4). */
export function parseSequence(buf: Buffer, off: number, end: number): UaSequence | undefined {
  if (off + 8 > end || end > buf.length) return undefined;
  return { sequenceNumber: buf.readUInt32LE(off), requestId: buf.readUInt32LE(off + 4), bodyOff: off + 8 };
}

/** A service body's TypeId: the numeric id of a namespace-0 NodeId, else -1 (an unknown or encrypted body). */
export function bodyTypeId(buf: Buffer, off: number, end: number): number {
  const r = reader.reset(buf, off, end);
  const enc = r.expandedNodeId();
  if (r.bad || (enc & 0x3f) > 2 || r.ns !== 0) return -1;
  return r.numeric;
}
