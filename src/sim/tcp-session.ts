/**
 * A TCP conversation written as frames: handshake, data either way with the right sequence
 * numbers, and a close. Used by golden traces and the sample plant.
 */
import { type EthOptions, ethernet, type Host, ipv4Packet, ipv6Packet, tcpSegment } from './frames.js';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

export class TcpSession {
  private seqC: number;
  private seqS: number;
  readonly frames: Buffer[] = [];

  constructor(
    readonly client: Host,
    readonly server: Host,
    readonly cport: number,
    readonly sport: number,
    private readonly eth: EthOptions = {},
    isnClient = 1000,
    isnServer = 50000,
  ) {
    this.seqC = isnClient;
    this.seqS = isnServer;
  }

  private frame(fromClient: boolean, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
    const [a, b, pa, pb] = fromClient
      ? [this.client, this.server, this.cport, this.sport]
      : [this.server, this.client, this.sport, this.cport];
    const seg = tcpSegment(a.ip, b.ip, pa, pb, seq, ack, flags, payload, flags & SYN ? { mss: 1460 } : {});
    const v6 = a.ip.includes(':');
    const ip = v6
      ? ipv6Packet(a.ip, b.ip, 6, seg, a.ttl)
      : ipv4Packet(a.ip, b.ip, 6, seg, { dontFragment: true, ttl: a.ttl });
    const f = ethernet(a.mac, b.mac, v6 ? 0x86dd : 0x0800, ip, this.eth);
    this.frames.push(f);
    return f;
  }

  open(): this {
    this.frame(true, this.seqC, 0, SYN, Buffer.alloc(0));
    this.seqC++;
    this.frame(false, this.seqS, this.seqC, SYN | ACK, Buffer.alloc(0));
    this.seqS++;
    this.frame(true, this.seqC, this.seqS, ACK, Buffer.alloc(0));
    return this;
  }

  /** Client sends `data` in one segment (or `mss`-sized pieces). */
  send(data: Buffer, mss = 1460): this {
    return this.write(true, data, mss);
  }

  reply(data: Buffer, mss = 1460): this {
    return this.write(false, data, mss);
  }

  /** A segment at an explicit offset from the current sequence number, without advancing it. */
  rawSegment(fromClient: boolean, relSeq: number, data: Buffer): Buffer {
    const seq = (fromClient ? this.seqC : this.seqS) + relSeq;
    return this.frame(fromClient, seq, fromClient ? this.seqS : this.seqC, PSH | ACK, data);
  }

  /** Move the sequence number on as if `n` bytes were sent (for gaps and reordering). */
  advance(fromClient: boolean, n: number): this {
    if (fromClient) this.seqC += n;
    else this.seqS += n;
    return this;
  }

  close(): this {
    this.frame(true, this.seqC, this.seqS, FIN | ACK, Buffer.alloc(0));
    this.seqC++;
    this.frame(false, this.seqS, this.seqC, FIN | ACK, Buffer.alloc(0));
    this.seqS++;
    this.frame(true, this.seqC, this.seqS, ACK, Buffer.alloc(0));
    return this;
  }

  reset(fromClient = true): this {
    this.frame(fromClient, fromClient ? this.seqC : this.seqS, 0, RST, Buffer.alloc(0));
    return this;
  }

  private write(fromClient: boolean, data: Buffer, mss: number): this {
    for (let i = 0; i < data.length || (i === 0 && data.length === 0); i += mss) {
      const piece = data.subarray(i, Math.min(data.length, i + mss));
      const seq = fromClient ? this.seqC : this.seqS;
      const ack = fromClient ? this.seqS : this.seqC;
      this.frame(fromClient, seq, ack, PSH | ACK, piece);
      if (fromClient) this.seqC += piece.length;
      else this.seqS += piece.length;
      if (data.length === 0) break;
    }
    return this;
  }
}

/**
 * A conversation whose initial sequence numbers follow from its addresses and ports (FNV-1a),
 * so each connection of a simulated capture gets its own, the same on every run.
 */
export function tcpConversation(client: Host, server: Host, cport: number, sport: number): TcpSession {
  const key = `${client.ip}:${cport}>${server.ip}:${sport}`;
  return new TcpSession(client, server, cport, sport, {}, fnv1a(key), fnv1a(`${key}<`));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
