/**
 * MELSEC tables. Specs: Mitsubishi SH-080956ENG (SLMP Reference Manual) §4 (3E/4E binary
 * frames: subheader 0x5000/0xD000 and 0x5400/0xD400, network, station, module I/O,
 * multidrop, data length, monitoring timer / end code), §5 (command and subcommand codes),
 * §5.1 (device codes). MELSOFT (GX Works / GX Works3 engineering protocol, 0x5701/0xD701 on
 * tcp 5007 and udp 5560) has no public specification: its header layout and command codes
 * follow Nozomi Networks' published MELSOFT Wireshark dissector (2023) and the public capture
 * (an FX5U answering GX Works3 on udp 5560).
 */
import type { OpKind } from '../../events/types.js';

export const MELSOFT_TCP_PORT = 5007;
export const MC_UDP_PORT = 5006;
export const MELSOFT_UDP_PORTS = [5560, 5562] as const;

export const Sub = { REQ_3E: 0x5000, RSP_3E: 0xd000, REQ_4E: 0x5400, RSP_4E: 0xd400 } as const;
/** MELSOFT magic words and the discovery pair seen on udp 5560. */
export const Melsoft = { REQ: 0x5701, RSP: 0xd701, DISCOVER: 0x5a00, DISCOVER_RSP: 0xda00 } as const;
/** MELSOFT: size at 0x13 counts the bytes after 0x15; command header 0x18 (request) / 0x1a (response) bytes. */
export const MELSOFT_HEAD = 0x15;
export const MELSOFT_REQ_CMD = MELSOFT_HEAD + 0x18;
export const MELSOFT_RSP_CMD = MELSOFT_HEAD + 0x1a;

export const MAX_FRAME = 8192;
export const MAX_PENDING = 64;

/** SLMP commands (§5) and MELSOFT commands sharing the same numbering where they overlap. */
export const SLMP_COMMANDS: Readonly<Record<number, readonly [string, OpKind]>> = {
  257: ['read type name', 'identify'],
  1025: ['batch read', 'read'],
  1027: ['random read', 'read'],
  1030: ['batch read multiple blocks', 'read'],
  1537: ['memory read', 'read'],
  1555: ['buffer memory read', 'read'],
  1561: ['loopback test', 'diagnostic'],
  2049: ['monitor register', 'read'],
  2050: ['monitor', 'read'],
  4097: ['remote run', 'control'],
  4098: ['remote stop', 'control'],
  4099: ['remote pause', 'control'],
  4101: ['remote latch clear', 'control'],
  4102: ['remote reset', 'control'],
  5121: ['batch write', 'write'],
  5122: ['random write', 'write'],
  5126: ['batch write multiple blocks', 'write'],
  5633: ['memory write', 'write'],
  5651: ['buffer memory write', 'write'],
  5655: ['clear error', 'control'],
  5680: ['remote unlock', 'other'],
  5681: ['remote lock', 'other'],
};

/** MELSOFT command codes named by the Nozomi dissector; kinds by meaning. */
export const MELSOFT_COMMANDS: Readonly<Record<number, readonly [string, OpKind]>> = {
  289: ['open initial (CPU model)', 'identify'],
  305: ['user name login', 'other'],
  306: ['password login', 'other'],
  307: ['read user information A', 'read'],
  308: ['read user information B', 'read'],
  336: ['safety run mode read', 'diagnostic'],
  // Named "modify value" by the dissector; in the public capture it is answered with device data.
  1040: ['device access', 'read'],
  4097: ['remote run', 'control'],
  4098: ['remote stop', 'control'],
  4099: ['remote pause', 'control'],
  4101: ['remote latch clear', 'control'],
  4102: ['remote reset', 'control'],
  4384: ['safety run mode change', 'control'],
  4403: ['user information registration', 'write'],
  6233: ['file list read', 'program'],
  6248: ['file read', 'program'],
  6249: ['file write', 'program'],
};

/** Kind of a command not in the tables, by its high byte (SLMP §5 groups). */
export function kindByRange(cmd: number): OpKind {
  const hi = cmd >>> 8;
  if (hi === 0x04 || hi === 0x06 || hi === 0x08) return 'read';
  if (hi === 0x14 || hi === 0x16) return 'write';
  if (hi === 0x10) return 'control';
  if (hi === 0x18) return 'program';
  return 'other';
}

/** SLMP device codes (§5.1, Q/L binary). Hex-addressed devices are marked. */
export const DEVICES: Readonly<Record<number, readonly [string, boolean]>> = {
  156: ['X', true],
  157: ['Y', true],
  144: ['M', false],
  145: ['SM', false],
  146: ['L', false],
  147: ['F', false],
  148: ['V', false],
  160: ['B', true],
  168: ['D', false],
  169: ['SD', false],
  180: ['W', true],
  175: ['R', false],
  176: ['ZR', false],
  194: ['TN', false],
  197: ['CN', false],
  204: ['Z', false],
};

export const MelsecError = {
  TOO_SHORT: 'too_short',
  BAD_HEADER: 'bad_header',
  BAD_LENGTH: 'bad_length',
} as const;
export type MelsecErrorCode = (typeof MelsecError)[keyof typeof MelsecError];
