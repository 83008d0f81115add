import { describe, expect, it } from 'vitest';
import { ethernet, ipv4Packet, ipv6Packet, tcpSegment } from '../sim/frames.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from './decode.js';
import { laneOf } from './shard.js';

const MAC_A = '02:00:00:00:00:01';
const MAC_B = '02:00:00:00:00:02';
const v4 = (src: string, dst: string, vlan?: number) =>
  ethernet(
    MAC_A,
    MAC_B,
    0x0800,
    ipv4Packet(src, dst, 6, tcpSegment(src, dst, 1000, 502, 1, 0, 0x18, Buffer.alloc(4))),
    vlan === undefined ? {} : { vlan },
  );
const lane = (frame: Buffer, lanes: number, linktype = LINKTYPE_ETHERNET) =>
  laneOf(linktype, frame, 0, frame.length, lanes);

describe('laneOf', () => {
  it('puts both directions of a host pair in one lane, VLAN tag or not', () => {
    for (let i = 1; i < 50; i++) {
      const a = `10.0.0.${i}`;
      const b = `10.0.1.${i * 3}`;
      const l = lane(v4(a, b), 4);
      expect(lane(v4(b, a), 4)).toBe(l);
      expect(lane(v4(a, b, 7), 4)).toBe(l);
    }
  });

  it('spreads the pairs of one subnet over the lanes', () => {
    const counts = [0, 0, 0];
    for (let i = 1; i <= 240; i++) counts[lane(v4('192.168.1.10', `192.168.1.${i === 10 ? 250 : i}`), 3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(40);
  });

  it('hashes IPv6 pairs symmetrically, on Ethernet and raw IP', () => {
    const p = ipv6Packet('fe80::1', 'fe80::2', 17, Buffer.alloc(8));
    const q = ipv6Packet('fe80::2', 'fe80::1', 17, Buffer.alloc(8));
    expect(lane(p, 5, LINKTYPE_RAW)).toBe(lane(q, 5, LINKTYPE_RAW));
    expect(lane(ethernet(MAC_A, MAC_B, 0x86dd, p), 5)).toBe(lane(p, 5, LINKTYPE_RAW));
  });

  it('sends frames without IP addresses, cut headers and other link types to lane 0', () => {
    expect(lane(ethernet(MAC_A, MAC_B, 0x0806, Buffer.alloc(28)), 4)).toBe(0);
    const f = v4('10.9.9.9', '10.8.8.8');
    const l = lane(f, 4);
    expect(laneOf(LINKTYPE_ETHERNET, f, 0, 14 + 19, 4)).toBe(0);
    expect(lane(f, 4, 147)).toBe(0);
    expect(l).toBeGreaterThanOrEqual(0);
    expect(lane(f, 1)).toBe(0);
  });
});
