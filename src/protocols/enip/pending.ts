/**
 * The requests of one EtherNet/IP flow that await a reply: bounded, oldest given up first.
 *
 * Spec: CIP Networks Library Vol 2 §3-2.1 — an unconnected request (SendRRData) is answered with
 * the sender context it carried; a connected one (SendUnitData) with its sequence count; the
 * encapsulation-only commands (§2-4) answer in order. A request is one entry; each service of a
 * Multiple Service Packet is an operation within it.
 */
import type { Evidence, OpKind } from '../../events/types.js';
import { hashBytes, sameBytes } from '../bytes.js';
import type { ConnectionTriad } from './cip.js';

/** Requests waiting for a reply per flow; beyond, the oldest is given up (emitted without a verdict). */
export const MAX_PENDING = 64;

/** Channels a reply is matched on, and what its keys are. */
export const Channel = {
  /** Key: the encapsulation command. */
  ENCAP: 0,
  /** Keys: the two halves of the sender context. */
  UNCONNECTED: 1,
  /** Key: the sequence count. */
  CONNECTED: 2,
} as const;

/** One operation a request stands for. */
export interface SubOp {
  kind: OpKind;
  code: string;
  target: string | undefined;
  /** The CIP service and path it addressed (-1 for encapsulation commands and unknown parts). */
  service: number;
  cls: number;
  inst: number;
  attr: number;
  /** Forward Open / Forward Close: the connection they open or close. */
  conn?: ConnectionTriad;
  /** Forward Open: the route of its connection path. */
  connRoute?: string | undefined;
}

export interface Pending {
  chan: number;
  k0: number;
  k1: number;
  ev: Evidence;
  ops: SubOp[];
  /** A Multiple Service Packet: the reply carries one reply per operation. */
  multi: boolean;
  /** Where the request went beyond the server (Unconnected Send route or connection path). */
  route: string | undefined;
}

export function subOp(kind: OpKind, code: string, target?: string): SubOp {
  return { kind, code, target, service: -1, cls: -1, inst: -1, attr: -1 };
}

export class PendingTable {
  private readonly items: Pending[] = [];

  /** `evicted` hears of each request given up to make room. */
  constructor(private readonly evicted: (p: Pending) => void) {}

  add(p: Pending): void {
    if (this.items.length >= MAX_PENDING) this.evicted(this.items.shift()!);
    this.items.push(p);
  }

  has(chan: number, k0: number, k1: number): boolean {
    return this.find(chan, k0, k1) >= 0;
  }

  /** The oldest request on that channel and key, removed. */
  take(chan: number, k0: number, k1: number): Pending | undefined {
    const i = this.find(chan, k0, k1);
    if (i < 0) return undefined;
    // Replies mostly come in order: the oldest, taken without splice's array.
    if (i === 0) return this.items.shift();
    const p = this.items[i]!;
    this.items.splice(i, 1);
    return p;
  }

  /** Everything still waiting, removed (the flow ended). */
  drain(): Pending[] {
    return this.items.splice(0, this.items.length);
  }

  private find(chan: number, k0: number, k1: number): number {
    for (let i = 0; i < this.items.length; i++) {
      const p = this.items[i]!;
      if (p.chan === chan && p.k0 === k0 && p.k1 === k1) return i;
    }
    return -1;
  }
}

/** What a request's bytes stand for: reused when the same bytes come again (polling). */
export interface Template {
  bytes: Buffer;
  ops: SubOp[];
  multi: boolean;
  /** Unconnected Send route, when the bytes carry one. */
  route: string | undefined;
}

/** Distinct request messages remembered per flow. */
const MAX_TEMPLATES = 128;

/**
 * Requests seen before, by their CIP bytes. A poller sends the same messages over and over (a
 * Multiple Service Packet of twenty tag reads each cycle): their operations, targets included,
 * are worked out once. Operations in a template are shared and never changed afterwards.
 */
export class RequestTemplates {
  private readonly map = new Map<number, Template>();

  get(buf: Buffer, off: number, len: number): Template | undefined {
    const t = this.map.get(hashBytes(buf, off, len));
    return t !== undefined && t.bytes.length === len && sameBytes(buf, off, t.bytes) ? t : undefined;
  }

  set(buf: Buffer, off: number, len: number, ops: SubOp[], multi: boolean, route: string | undefined): void {
    if (this.map.size >= MAX_TEMPLATES) this.map.delete(this.map.keys().next().value!);
    const bytes = Buffer.from(buf.subarray(off, off + len));
    this.map.set(hashBytes(buf, off, len), { bytes, ops, multi, route });
  }
}

/** A connection a Forward Open reply established (Vol 1 §3-5.5.1). */
export interface Connection extends ConnectionTriad {
  otId: number;
  toId: number;
  /** Where the connection path leads (port segments), for what its messages disclose. */
  route: string | undefined;
}

/** Connections remembered per flow; the oldest is forgotten beyond. */
const MAX_CONNECTIONS = 16;

export class Connections {
  private readonly list: Connection[] = [];

  add(c: Connection): void {
    if (this.list.length >= MAX_CONNECTIONS) this.list.shift();
    this.list.push(c);
  }

  /** By the O->T id the originator's connected messages carry. */
  byId(otId: number): Connection | undefined {
    for (const c of this.list) if (c.otId === otId) return c;
    return undefined;
  }

  /** By the triad a Forward Close names. */
  byTriad(t: ConnectionTriad): Connection | undefined {
    for (const c of this.list) {
      if (c.serial === t.serial && c.vendor === t.vendor && c.origSerial === t.origSerial) return c;
    }
    return undefined;
  }

  remove(c: Connection): void {
    const i = this.list.indexOf(c);
    if (i >= 0) this.list.splice(i, 1);
  }
}
