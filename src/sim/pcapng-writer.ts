/**
 * Writes pcapng captures (draft-ietf-opsawg-pcapng): Section Header Blocks in either byte order,
 * Interface Description Blocks with if_name / if_tsresol / if_tsoffset, Enhanced, Simple and
 * obsolete Packet Blocks, and any other block type given as a raw body. Several sections and
 * several interfaces (each with its own link type and timestamp resolution) per file.
 *
 * For our own traces, benchmarks and the plant simulator; never on the read path. Blocks are
 * kept as a list of buffers: `toBuffer()` joins them, `take()` hands out what was written so
 * far (for streaming a large file without holding it).
 *
 * Not written: Name Resolution, Interface Statistics and Decryption Secrets blocks as such
 * (use `block()` with a prepared body), packet-block options other than opt_comment.
 */

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_OPB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_EPB = 0x00000006;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** if_tsresol values: 10^-6 s (the default), 10^-9 s, and 2^-n s with the high bit set. */
export const TSRESOL_US = 6;
export const TSRESOL_NS = 9;
export const tsresolPow2 = (n: number): number => 0x80 | n;

export interface PcapngInterface {
  /** LINKTYPE_* of the interface. */
  linktype: number;
  snaplen?: number;
  /** if_name option. */
  name?: string;
  /** if_tsresol byte; omitted from the block when undefined (readers then assume 6, µs). */
  tsresol?: number;
  /** if_tsoffset: whole seconds added to every timestamp of the interface. */
  tsoffsetSec?: number;
}

export interface PacketOptions {
  /** Original length on the wire; defaults to the frame length. */
  origLen?: number;
  /** The raw 64-bit timestamp in the interface's units (overrides the µs time given). */
  units?: bigint;
  /** opt_comment on the block. */
  comment?: string;
}

/** Timestamp units per second of an if_tsresol value. */
export function unitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 2n ** BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

/**
 * A time in µs since the epoch as the interface's 64-bit timestamp (relative to its
 * if_tsoffset), rounded down when the resolution is coarser than a microsecond.
 */
export function timestampUnits(tsUs: number, iface: PcapngInterface): bigint {
  const rel = BigInt(tsUs) - BigInt(iface.tsoffsetSec ?? 0) * 1_000_000n;
  return (rel * unitsPerSecond(iface.tsresol ?? TSRESOL_US)) / 1_000_000n;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** One option TLV (code, length, value padded to 4). */
function option(le: boolean, code: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4 + pad4(value.length));
  if (le) {
    b.writeUInt16LE(code, 0);
    b.writeUInt16LE(value.length, 2);
  } else {
    b.writeUInt16BE(code, 0);
    b.writeUInt16BE(value.length, 2);
  }
  value.copy(b, 4);
  return b;
}

/** An option list closed by opt_endofopt, or nothing when there are no options. */
function options(le: boolean, opts: readonly [number, Buffer][]): Buffer {
  if (opts.length === 0) return Buffer.alloc(0);
  return Buffer.concat([...opts.map(([c, v]) => option(le, c, v)), Buffer.alloc(4)]);
}

/** Wrap a block body: type, total length, body padded to 4, total length again. */
export function encodeBlock(le: boolean, type: number, body: Buffer): Buffer {
  const len = 12 + pad4(body.length);
  const b = Buffer.alloc(len);
  if (le) {
    b.writeUInt32LE(type >>> 0, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(len, len - 4);
  } else {
    b.writeUInt32BE(type >>> 0, 0);
    b.writeUInt32BE(len, 4);
    b.writeUInt32BE(len, len - 4);
  }
  body.copy(b, 8);
  return b;
}

export class PcapngWriter {
  private parts: Buffer[] = [];
  private le = true;
  private ifaces: PcapngInterface[] = [];

  /** Starts the first section (`bigEndian` picks its byte order). */
  constructor(o: { bigEndian?: boolean; application?: string } = {}) {
    this.section(o);
  }

  /** Interfaces of the current section, by index. */
  get interfaces(): readonly PcapngInterface[] {
    return this.ifaces;
  }

  /** A new Section Header Block: byte order switches and the interface list starts empty. */
  section(o: { bigEndian?: boolean; application?: string } = {}): this {
    this.le = !o.bigEndian;
    this.ifaces = [];
    const head = Buffer.alloc(16);
    this.u32(head, BYTE_ORDER_MAGIC, 0);
    this.u16(head, 1, 4); // major
    this.u16(head, 0, 6); // minor
    head.writeInt32LE(-1, 8); // section length unknown: all ones in either order
    head.writeInt32LE(-1, 12);
    const opts: [number, Buffer][] = [];
    if (o.application) opts.push([4, Buffer.from(o.application)]); // shb_userappl
    this.parts.push(encodeBlock(this.le, BT_SHB, Buffer.concat([head, options(this.le, opts)])));
    return this;
  }

  /** Declares an interface in the current section; returns its index. */
  addInterface(iface: PcapngInterface): number {
    const head = Buffer.alloc(8);
    this.u16(head, iface.linktype, 0);
    this.u32(head, iface.snaplen ?? 262144, 4);
    const opts: [number, Buffer][] = [];
    if (iface.name !== undefined) opts.push([2, Buffer.from(iface.name)]);
    if (iface.tsresol !== undefined) opts.push([9, Buffer.from([iface.tsresol])]);
    if (iface.tsoffsetSec !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(BigInt(iface.tsoffsetSec));
      else v.writeBigInt64BE(BigInt(iface.tsoffsetSec));
      opts.push([14, v]);
    }
    this.parts.push(encodeBlock(this.le, BT_IDB, Buffer.concat([head, options(this.le, opts)])));
    this.ifaces.push(iface);
    return this.ifaces.length - 1;
  }

  /** An Enhanced Packet Block. */
  packet(ifIndex: number, tsUs: number, frame: Buffer, o: PacketOptions = {}): this {
    const head = Buffer.alloc(20);
    this.u32(head, ifIndex, 0);
    this.timestamp(head, 4, ifIndex, tsUs, o.units);
    this.u32(head, frame.length, 12);
    this.u32(head, o.origLen ?? frame.length, 16);
    this.parts.push(encodeBlock(this.le, BT_EPB, this.packetBody(head, frame, o.comment)));
    return this;
  }

  /** An obsolete Packet Block (Appendix A): 16-bit interface id and a drops counter. */
  obsoletePacket(
    ifIndex: number,
    tsUs: number,
    frame: Buffer,
    o: PacketOptions & { drops?: number } = {},
  ): this {
    const head = Buffer.alloc(20);
    this.u16(head, ifIndex, 0);
    this.u16(head, o.drops ?? 0, 2);
    this.timestamp(head, 4, ifIndex, tsUs, o.units);
    this.u32(head, frame.length, 12);
    this.u32(head, o.origLen ?? frame.length, 16);
    this.parts.push(encodeBlock(this.le, BT_OPB, this.packetBody(head, frame, o.comment)));
    return this;
  }

  /**
   * A Simple Packet Block: interface 0, no timestamp. The frame is cut to interface 0's
   * snaplen, as the format requires; the original length is kept.
   */
  simplePacket(frame: Buffer, origLen = frame.length): this {
    const iface = this.ifaces[0];
    if (!iface) throw new Error('pcapng: a simple packet needs interface 0 declared first');
    const snap = iface.snaplen ?? 262144;
    const data = snap > 0 && frame.length > snap ? frame.subarray(0, snap) : frame;
    const head = Buffer.alloc(4);
    this.u32(head, origLen, 0);
    this.parts.push(encodeBlock(this.le, BT_SPB, Buffer.concat([head, data])));
    return this;
  }

  /** Any block, written as given (Name Resolution, custom, or a type no reader knows). */
  block(type: number, body: Buffer): this {
    this.parts.push(encodeBlock(this.le, type, body));
    return this;
  }

  /** Everything written so far, handed out and forgotten (for streaming). */
  take(): Buffer {
    const out = Buffer.concat(this.parts);
    this.parts = [];
    return out;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }

  private packetBody(head: Buffer, frame: Buffer, comment: string | undefined): Buffer {
    const data = Buffer.alloc(pad4(frame.length));
    frame.copy(data);
    const opts: [number, Buffer][] = comment !== undefined ? [[1, Buffer.from(comment)]] : [];
    return Buffer.concat([head, data, options(this.le, opts)]);
  }

  private timestamp(b: Buffer, off: number, ifIndex: number, tsUs: number, units: bigint | undefined): void {
    const iface = this.ifaces[ifIndex];
    if (!iface && units === undefined) throw new Error(`pcapng: interface ${ifIndex} is not declared`);
    const t = units ?? timestampUnits(tsUs, iface!);
    this.u32(b, Number((t >> 32n) & 0xffffffffn), off);
    this.u32(b, Number(t & 0xffffffffn), off + 4);
  }

  private u32(b: Buffer, v: number, off: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, off);
    else b.writeUInt32BE(v >>> 0, off);
  }

  private u16(b: Buffer, v: number, off: number): void {
    if (this.le) b.writeUInt16LE(v & 0xffff, off);
    else b.writeUInt16BE(v & 0xffff, off);
  }
}
