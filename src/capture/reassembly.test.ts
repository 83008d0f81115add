import { describe, expect, it } from 'vitest';
import { rng } from '../testing/random.js';
import { type ReassemblyBudget, type StreamConsumer, TcpStream } from './reassembly.js';

/** A consumer writing what it gets as text: data as is, gaps as `[gap N]`. */
class Out implements StreamConsumer {
  text = '';
  calls = 0;
  deliver(dir: 0 | 1, buf: Buffer, off: number, len: number): void {
    expect(dir).toBe(0);
    expect(len).toBeGreaterThan(0);
    this.text += buf.toString('latin1', off, off + len);
    this.calls++;
  }
  gap(_dir: 0 | 1, len: number): void {
    expect(len).toBeGreaterThan(0);
    this.text += `[gap ${len}]`;
  }
}

function setup(maxPerStream = 1 << 20, maxHeld = 1 << 24) {
  const s = new TcpStream(0);
  const out = new Out();
  const budget: ReassemblyBudget = { held: 0, maxHeld, maxPerStream };
  /** Feed `text` at `rel` bytes past the ISN's first data byte (ISN 1000). */
  const seg = (rel: number, text: string) => {
    const buf = Buffer.from(`##${text}#`, 'latin1'); // in place, at an offset, like a frame
    s.segment((1001 + rel) >>> 0, buf, 2, text.length, out, budget);
  };
  return { s, out, budget, seg };
}

describe('TcpStream', () => {
  it('in order: delivered in place, in order', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(0, 'hello ');
    seg(6, 'world');
    expect(out.text).toBe('hello world');
    expect([s.delivered, s.retransmitted, s.gapBytes, s.next]).toEqual([11, 0, 0, 1012]);
  });

  it('out of order: held, then delivered exactly once in order', () => {
    const { s, out, budget, seg } = setup();
    s.syn(1000);
    seg(10, 'CCCCC');
    seg(5, 'BBBBB');
    expect(out.text).toBe('');
    expect([s.heldBytes, budget.held]).toEqual([10, 10]);
    seg(0, 'AAAAA');
    expect(out.text).toBe('AAAAABBBBBCCCCC');
    expect([s.heldBytes, budget.held, s.held?.length]).toEqual([0, 0, 0]);
  });

  it('retransmissions and partial overlaps: no byte twice, counted', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(0, '0123456789');
    seg(0, '0123456789'); // whole retransmission
    seg(5, '56789abcde'); // half old, half new
    seg(0, '0123456789abcdefghij'); // old up to 15, then new
    seg(3, '345'); // inside what was delivered
    expect(out.text).toBe('0123456789abcdefghij');
    expect(s.retransmitted).toBe(10 + 5 + 15 + 3);
  });

  it('overlapping held segments keep the first copy', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(10, 'xxxxxXXXXX'); // 10..20, first copy
    seg(15, 'yyyyyYYYYY'); // 15..25: 15..20 already held
    seg(5, 'zzzzzZZZZZ'); //  5..15: 10..15 already held
    seg(8, 'ww'); // inside what is held
    seg(0, 'aaaaa');
    expect(out.text).toBe('aaaaazzzzzxxxxxXXXXXYYYYY');
    expect(s.retransmitted).toBe(5 + 5 + 2);
  });

  it('an in-order segment reaching into held bytes does not overwrite them', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(10, 'HHHHH'); // held 10..15
    seg(0, '0123456789abcdefghij'); // 0..20: 10..15 are the held copy's
    expect(out.text).toBe('0123456789HHHHHfghij');
    expect(s.retransmitted).toBe(5);
    expect(s.heldBytes).toBe(0);
  });

  it('a hole never filled: gap of the exact length at the end, then the later bytes', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(0, 'AAAA');
    seg(7, 'BBB');
    seg(13, 'CC');
    expect(out.text).toBe('AAAA');
    s.finish(out, { held: 0, maxHeld: 1, maxPerStream: 1 });
    expect(out.text).toBe('AAAA[gap 3]BBB[gap 3]CC');
    expect([s.gapBytes, s.heldBytes]).toEqual([6, 0]);
  });

  it('holes are given up when the peer acknowledges past them, and only then', () => {
    const { s, out, budget, seg } = setup();
    s.syn(1000);
    seg(0, 'AAAA');
    seg(7, 'BBB');
    seg(13, 'CC');
    s.acked(1001 + 4, out, budget); // acks what was delivered: nothing to give up
    s.acked(1001 + 6, out, budget); // inside the hole: still waiting
    expect(out.text).toBe('AAAA');
    s.acked(1001 + 7, out, budget); // the receiver has everything before BBB
    expect(out.text).toBe('AAAA[gap 3]BBB');
    s.acked(1001 + 15, out, budget);
    expect(out.text).toBe('AAAA[gap 3]BBB[gap 3]CC');
    expect(budget.held).toBe(0);
  });

  it('one acknowledgement past several holes gives them all up', () => {
    const { s, out, budget, seg } = setup();
    s.syn(1000);
    seg(5, 'B');
    seg(10, 'C');
    seg(20, 'D');
    s.acked(1001 + 21, out, budget);
    expect(out.text).toBe('[gap 5]B[gap 4]C[gap 9]D');
  });

  it('per-stream cap: the oldest hole is given up, nothing held is lost', () => {
    const { s, out, budget, seg } = setup(20);
    s.syn(1000);
    seg(0, 'aaaaa');
    seg(10, 'BBBBB');
    seg(15, 'CCCCC');
    seg(20, 'DDDDD');
    seg(25, 'EEEEE'); // 20 held: at the cap
    expect(out.text).toBe('aaaaa');
    seg(30, 'FFFFF');
    expect(out.text).toBe('aaaaa[gap 5]BBBBBCCCCCDDDDDEEEEEFFFFF');
    expect([s.gapBytes, s.heldBytes, budget.held, s.retransmitted]).toEqual([5, 0, 0, 0]);
  });

  it('per-stream cap with several holes gives up only as many as needed', () => {
    const { s, out, seg } = setup(10);
    s.syn(1000);
    seg(2, 'BB'); // hole 0..2
    seg(6, 'CC'); // hole 4..6
    seg(12, 'DDDDDD'); // hole 8..12; 10 held
    seg(20, 'EE'); // over: giving up 0..2 (and delivering BB) leaves 8 held; 8 + 2 fits
    expect(out.text).toBe('[gap 2]BB');
    expect(s.heldBytes).toBe(10);
    s.finish(out, { held: 0, maxHeld: 0, maxPerStream: 0 });
    expect(out.text).toBe('[gap 2]BB[gap 2]CC[gap 4]DDDDDD[gap 2]EE');
  });

  it('over the cap with a held segment starting where the new one does: no empty delivery', () => {
    const { s, out, seg } = setup(5);
    s.syn(1000);
    seg(10, 'HHHHH');
    seg(10, 'NNNNNNNN');
    expect(out.text).toBe('[gap 10]HHHHHNNN');
    expect([s.retransmitted, s.heldBytes]).toEqual([5, 0]);
  });

  it('a segment bigger than the whole cap is delivered after giving the hole up', () => {
    const { s, out, seg } = setup(4);
    s.syn(1000);
    seg(3, 'XXXXXXXX');
    expect(out.text).toBe('[gap 3]XXXXXXXX');
  });

  it('the global budget is shared between streams', () => {
    const budget: ReassemblyBudget = { held: 0, maxHeld: 10, maxPerStream: 100 };
    const a = new TcpStream(0);
    const b = new TcpStream(1);
    const out = new Out();
    const gaps: string[] = [];
    const outB: StreamConsumer = {
      deliver: (_d, buf, off, len) => gaps.push(buf.toString('latin1', off, off + len)),
      gap: (_d, len) => gaps.push(`[gap ${len}]`),
    };
    a.syn(0);
    b.syn(0);
    a.segment(5, Buffer.from('AAAAAAAA'), 0, 8, out, budget);
    expect(budget.held).toBe(8);
    b.segment(5, Buffer.from('BBBB'), 0, 4, outB, budget); // 8 + 4 > 10: b gives up its hole
    expect(gaps).toEqual(['[gap 4]', 'BBBB']);
    expect(budget.held).toBe(8);
  });

  it('sequence numbers wrap at 2^32', () => {
    const s = new TcpStream(0);
    const out = new Out();
    const budget: ReassemblyBudget = { held: 0, maxHeld: 1 << 20, maxPerStream: 1 << 20 };
    s.syn(0xfffffff8); // first data byte at 0xfffffff9
    const put = (seq: number, text: string) =>
      s.segment(seq >>> 0, Buffer.from(text), 0, text.length, out, budget);
    put(0x1_0000_0003, 'CCCC'); // after the wrap, ahead of a hole
    put(0xfffffff9, 'AAAAA'); // up to 0xfffffffd
    put(0xfffffffe, 'BBBBB'); // 0xfffffffe .. 0x00000002: fills the hole across the wrap
    put(0xfffffffb, 'AABBB'); // retransmission across nothing new
    expect(out.text).toBe('AAAAABBBBBCCCC');
    expect(s.next).toBe(7);
    expect(s.retransmitted).toBe(5);
    s.acked(7, out, budget);
    put(12, 'E');
    s.acked(13, out, budget);
    expect(out.text).toBe('AAAAABBBBBCCCC[gap 5]E');
  });

  it('a retransmitted SYN does not rewind the stream', () => {
    const { s, out, seg } = setup();
    s.syn(1000);
    seg(0, 'hello');
    s.syn(1000);
    seg(0, 'hello');
    seg(5, '!');
    expect(out.text).toBe('hello!');
  });

  it('midstream: the first segment seen starts the stream; older ones are retransmissions', () => {
    const { s, out, seg } = setup();
    seg(100, 'middle');
    seg(90, 'older data');
    seg(106, ' end');
    expect(out.text).toBe('middle end');
    expect(s.started).toBe(true);
  });

  it('random losses, reordering and small caps: every byte delivered is the right byte, once', () => {
    const next = rng(4242);
    for (let round = 0; round < 300; round++) {
      const len = 1 + Math.floor(next() * 600);
      const text = Array.from({ length: len }, (_, i) =>
        String.fromCharCode(33 + ((i * 31 + round) % 90)),
      ).join('');
      const segs: [number, number][] = [];
      for (let o = 0; o < len; ) {
        const n = 1 + Math.floor(next() * 30);
        if (next() > 0.1) segs.push([o, Math.min(len, o + n)]); // 10% lost
        if (next() < 0.15) segs.push([Math.max(0, o - 10), Math.min(len, o + n + 10)]); // overlap
        o += n;
      }
      for (let i = segs.length - 1; i > 0; i--) {
        const j = Math.max(0, i - Math.floor(next() * 8));
        [segs[i], segs[j]] = [segs[j]!, segs[i]!];
      }
      const s = new TcpStream(0);
      const budget: ReassemblyBudget = {
        held: 0,
        maxHeld: 1 << 20,
        maxPerStream: 1 + Math.floor(next() * 100),
      };
      let pos = 0; // stream position reached by deliveries and gaps
      const got: string[] = [];
      const out: StreamConsumer = {
        deliver(_d, buf, off, n) {
          if (n <= 0) expect.fail(`round ${round}: empty delivery`);
          const piece = buf.toString('latin1', off, off + n);
          if (piece !== text.slice(pos, pos + n)) expect.fail(`round ${round}: wrong bytes at ${pos}`);
          got.push(piece);
          pos += n;
        },
        gap(_d, n) {
          if (n <= 0) expect.fail(`round ${round}: empty gap`);
          pos += n;
        },
      };
      const isn = Math.floor(next() * 2 ** 32);
      s.syn(isn);
      for (const [a, z] of segs) {
        s.segment((isn + 1 + a) >>> 0, Buffer.from(text.slice(a, z), 'latin1'), 0, z - a, out, budget);
        if (s.heldBytes > budget.maxPerStream)
          expect.fail(`round ${round}: ${s.heldBytes} held over the cap`);
      }
      s.finish(out, budget);
      // Everything sent was delivered or given up, up to the last byte sent.
      const last = Math.max(...segs.map(([, z]) => z), 0);
      expect(pos).toBe(last);
      expect(budget.held).toBe(0);
      expect(s.delivered + s.gapBytes).toBe(last);
    }
  });

  it('random segmentation, reordering and duplication deliver the exact stream', () => {
    const next = rng(99);
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 400) }, (_, i) =>
        String.fromCharCode(97 + ((i * 7 + round) % 26)),
      ).join('');
      const segs: [number, string][] = [];
      for (let o = 0; o < text.length; ) {
        const n = 1 + Math.floor(next() * 40);
        segs.push([o, text.slice(o, o + n)]);
        // Occasional overlapping retransmission of an earlier stretch.
        if (next() < 0.2 && o > 0) {
          const from = Math.floor(next() * o);
          segs.push([from, text.slice(from, Math.min(text.length, o + n + 5))]);
        }
        o += n;
      }
      for (let i = segs.length - 1; i > 0; i--) {
        if (next() < 0.5) continue;
        const j = Math.max(0, i - 1 - Math.floor(next() * 5));
        [segs[i], segs[j]] = [segs[j]!, segs[i]!];
      }
      const isn = Math.floor(next() * 2 ** 32);
      const s = new TcpStream(0);
      const out = new Out();
      const budget: ReassemblyBudget = { held: 0, maxHeld: 1 << 20, maxPerStream: 1 << 20 };
      s.syn(isn);
      for (const [o, t] of segs)
        s.segment((isn + 1 + o) >>> 0, Buffer.from(t, 'latin1'), 0, t.length, out, budget);
      expect(out.text, `round ${round}`).toBe(text);
      expect(budget.held).toBe(0);
      expect(s.delivered).toBe(text.length);
      expect(s.retransmitted).toBe(segs.reduce((n, [, t]) => n + t.length, 0) - text.length);
    }
  });
});
