/**
 * OPC UA binary decoding (Part 6 §5.2): a cursor over one message that reads the built-in
 * types, skips the ones the analyzer does not need (Variant, DataValue, DiagnosticInfo,
 * ExtensionObject bodies) and turns NodeIds into their text form (Part 6 §5.3.1.10: `i=85`,
 * `ns=2;s=Line1.Temp`, `ns=1;g=...`, `ns=1;b=...`).
 *
 * Never throws: reading past the end sets `bad`, moves to the end and returns zeros, so a
 * decoder checks `bad` once at the end. Arrays whose count cannot fit the bytes left are bad
 * (no loop runs longer than the message). Nesting is bounded by MAX_DEPTH.
 */
import { MAX_DEPTH, MAX_TEXT, NodeIdEnc } from './consts.js';

const EMPTY = Buffer.alloc(0);

/** Fixed sizes of the built-in types (Part 6 §5.1.2, type ids 1–25); 0 = variable. */
const FIXED: readonly number[] = [
  0, 1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0, 8, 16, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0,
];

export class UaReader {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  bad = false;
  /** The span of the last `span()` (String, ByteString, XmlElement). */
  spanOff = 0;
  spanLen = -1;
  /** The last NodeId read by `nodeId()`: namespace, and the numeric identifier (-1 for other kinds). */
  ns = 0;
  numeric = -1;

  reset(buf: Buffer, pos: number, end: number): this {
    this.buf = buf;
    this.pos = pos;
    this.end = Math.min(end, buf.length);
    this.bad = false;
    return this;
  }

  get left(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    const p = this.pos;
    if (n < 0 || p + n > this.end) {
      this.bad = true;
      this.pos = this.end;
      return -1;
    }
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    this.take(n);
  }

  u8(): number {
    const p = this.take(1);
    return p < 0 ? 0 : this.buf[p]!;
  }

  u16(): number {
    const p = this.take(2);
    return p < 0 ? 0 : this.buf.readUInt16LE(p);
  }

  u32(): number {
    const p = this.take(4);
    return p < 0 ? 0 : this.buf.readUInt32LE(p);
  }

  i32(): number {
    const p = this.take(4);
    return p < 0 ? 0 : this.buf.readInt32LE(p);
  }

  /** String / ByteString / XmlElement: Int32 length (-1 = null), then bytes. Returns the length. */
  span(): number {
    const n = this.i32();
    this.spanLen = -1;
    if (n < 0 || this.bad) return -1;
    const p = this.take(n);
    if (p < 0) return -1;
    this.spanOff = p;
    this.spanLen = n;
    return n;
  }

  /** A String as text (UTF-8, at most MAX_TEXT bytes kept); undefined when null or bad. */
  string(): string | undefined {
    const n = this.span();
    if (n < 0) return undefined;
    return this.buf.toString('utf8', this.spanOff, this.spanOff + Math.min(n, MAX_TEXT));
  }

  /** Array count (-1 = null array → 0); bad when the elements cannot fit what is left. */
  count(minElement = 1): number {
    const n = this.i32();
    if (n <= 0) return 0;
    if (n * minElement > this.left) {
      this.bad = true;
      this.pos = this.end;
      return 0;
    }
    return n;
  }

  skipStrings(): void {
    const n = this.count(4);
    for (let i = 0; i < n && !this.bad; i++) this.span();
  }

  /** Read a NodeId's fields into `ns` / `numeric`; returns the encoding byte (flags included). */
  nodeId(): number {
    const enc = this.u8();
    this.numeric = -1;
    switch (enc & 0x3f) {
      case NodeIdEnc.TWO_BYTE:
        this.ns = 0;
        this.numeric = this.u8();
        break;
      case NodeIdEnc.FOUR_BYTE:
        this.ns = this.u8();
        this.numeric = this.u16();
        break;
      case NodeIdEnc.NUMERIC:
        this.ns = this.u16();
        this.numeric = this.u32();
        break;
      case NodeIdEnc.STRING:
      case NodeIdEnc.BYTE_STRING:
        this.ns = this.u16();
        this.span();
        break;
      case NodeIdEnc.GUID:
        this.ns = this.u16();
        this.spanOff = this.take(16);
        this.spanLen = 16;
        break;
      default:
        this.bad = true;
        this.pos = this.end;
    }
    return enc;
  }

  /** ExpandedNodeId (Part 6 §5.2.2.10): a NodeId with optional namespace URI and server index. */
  expandedNodeId(): number {
    const enc = this.nodeId();
    if (enc & NodeIdEnc.NAMESPACE_URI_FLAG) {
      const off = this.spanOff;
      const len = this.spanLen;
      this.span();
      this.spanOff = off;
      this.spanLen = len;
    }
    if (enc & NodeIdEnc.SERVER_INDEX_FLAG) this.skip(4);
    return enc;
  }

  /** The text of the NodeId just read by `nodeId()` / `expandedNodeId()` with encoding `enc`. */
  nodeIdText(enc: number): string {
    if (this.bad) return '?';
    const ns = this.ns === 0 ? '' : `ns=${this.ns};`;
    switch (enc & 0x3f) {
      case NodeIdEnc.STRING:
        return `${ns}s=${this.spanLen < 0 ? '' : this.buf.toString('utf8', this.spanOff, this.spanOff + Math.min(this.spanLen, 64))}`;
      case NodeIdEnc.BYTE_STRING:
        return `${ns}b=${this.spanLen < 0 ? '' : this.buf.toString('base64', this.spanOff, this.spanOff + Math.min(this.spanLen, 48))}`;
      case NodeIdEnc.GUID:
        return `${ns}g=${guid(this.buf, this.spanOff)}`;
      default:
        return `${ns}i=${this.numeric}`;
    }
  }

  /** Read a NodeId and return its text. */
  nodeIdString(): string {
    return this.nodeIdText(this.nodeId());
  }

  expandedNodeIdString(): string {
    return this.nodeIdText(this.expandedNodeId());
  }

  /** QualifiedName: namespace index and name. */
  qualifiedName(): string {
    const ns = this.u16();
    const name = this.string() ?? '';
    return ns === 0 ? name : `${ns}:${name}`;
  }

  /** LocalizedText (Part 6 §5.2.2.14): mask, optional locale, optional text. */
  localizedText(): string | undefined {
    const mask = this.u8();
    if (mask & 1) this.span();
    return mask & 2 ? this.string() : undefined;
  }

  /** ExtensionObject: returns its TypeId's numeric id (-1 otherwise); the body span is left in spanOff/spanLen. */
  extensionObject(): number {
    const enc = this.expandedNodeId();
    const id = (enc & 0x3f) <= NodeIdEnc.NUMERIC && this.ns === 0 ? this.numeric : -1;
    const bodyEnc = this.u8();
    this.spanLen = -1;
    if (bodyEnc === 1 || bodyEnc === 2) this.span();
    else if (bodyEnc !== 0) {
      this.bad = true;
      this.pos = this.end;
    }
    return id;
  }

  /** DiagnosticInfo (Part 6 §5.2.2.12). */
  skipDiagnosticInfo(depth = 0): void {
    const mask = this.u8();
    if (mask & 0x01) this.skip(4); // SymbolicId
    if (mask & 0x02) this.skip(4); // NamespaceUri
    if (mask & 0x08) this.skip(4); // Locale
    if (mask & 0x04) this.skip(4); // LocalizedText
    if (mask & 0x10) this.span(); // AdditionalInfo
    if (mask & 0x20) this.skip(4); // InnerStatusCode
    if (mask & 0x40) {
      if (depth >= MAX_DEPTH) this.fail();
      else this.skipDiagnosticInfo(depth + 1);
    }
  }

  skipDiagnosticInfos(): void {
    const n = this.count();
    for (let i = 0; i < n && !this.bad; i++) this.skipDiagnosticInfo();
  }

  /** DataValue (Part 6 §5.2.2.17). */
  skipDataValue(depth = 0): void {
    const mask = this.u8();
    if (mask & 0x01) this.skipVariant(depth + 1);
    if (mask & 0x02) this.skip(4);
    if (mask & 0x04) this.skip(8);
    if (mask & 0x10) this.skip(2);
    if (mask & 0x08) this.skip(8);
    if (mask & 0x20) this.skip(2);
  }

  /** Variant (Part 6 §5.2.2.16): scalar or array (with optional dimensions) of one built-in type. */
  skipVariant(depth = 0): void {
    if (depth > MAX_DEPTH) {
      this.fail();
      return;
    }
    const mask = this.u8();
    const type = mask & 0x3f;
    if (type > 25) {
      this.fail();
      return;
    }
    if (mask & 0x80) {
      const size = FIXED[type]!;
      const n = this.count(size || 1);
      if (size > 0) this.skip(n * size);
      else for (let i = 0; i < n && !this.bad; i++) this.skipValue(type, depth);
      if (mask & 0x40) this.skip(this.count(4) * 4);
    } else if (type !== 0) this.skipValue(type, depth);
  }

  skipVariants(): void {
    const n = this.count();
    for (let i = 0; i < n && !this.bad; i++) this.skipVariant();
  }

  private skipValue(type: number, depth: number): void {
    const size = FIXED[type]!;
    if (size > 0) {
      this.skip(size);
      return;
    }
    switch (type) {
      case 12:
      case 15:
      case 16:
        this.span();
        return;
      case 17:
        this.nodeId();
        return;
      case 18:
        this.expandedNodeId();
        return;
      case 20:
        this.skip(2);
        this.span();
        return;
      case 21:
        this.localizedText();
        return;
      case 22:
        this.extensionObject();
        return;
      case 23:
        this.skipDataValue(depth + 1);
        return;
      case 24:
        this.skipVariant(depth + 1);
        return;
      case 25:
        this.skipDiagnosticInfo(depth + 1);
        return;
      default:
        this.fail();
    }
  }

  fail(): void {
    this.bad = true;
    this.pos = this.end;
  }
}

function guid(buf: Buffer, o: number): string {
  if (o < 0 || o + 16 > buf.length) return '?';
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return (
    `${h(buf.readUInt32LE(o), 8)}-${h(buf.readUInt16LE(o + 4), 4)}-${h(buf.readUInt16LE(o + 6), 4)}-` +
    `${buf.toString('hex', o + 8, o + 10)}-${buf.toString('hex', o + 10, o + 16)}`
  );
}

/** The one reader the parsers share (single-threaded; each parse resets it before use). */
export const reader = new UaReader();
