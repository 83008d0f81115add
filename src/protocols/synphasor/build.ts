/**
 * IEEE C37.118.2 frame builders (§6.2 common header and CRC, §6.4 CFG-2, §6.6 commands) for
 * the project's own traces: golden tests and the plant simulator. Not on the capture path.
 */
import { FrameType } from './consts.js';
import { crcCcitt } from './parse.js';

export function synFrame(
  type: number,
  idcode: number,
  body: Buffer,
  soc = 1_217_606_730,
  fracsec = 0,
): Buffer {
  const f = Buffer.alloc(14 + body.length + 2);
  f[0] = 0xaa;
  f[1] = (type << 4) | 1;
  f.writeUInt16BE(f.length, 2);
  f.writeUInt16BE(idcode, 4);
  f.writeUInt32BE(soc, 6);
  f.writeUInt32BE(fracsec, 10);
  body.copy(f, 14);
  f.writeUInt16BE(crcCcitt(f, 0, f.length - 2), f.length - 2);
  return f;
}

export function command(idcode: number, cmd: number): Buffer {
  return synFrame(FrameType.COMMAND, idcode, Buffer.from([cmd >>> 8, cmd & 0xff]), 0);
}

/** CFG-2 with one PMU per station, each with `phasors` float phasors, no analogs or digitals. */
export function config2(
  idcode: number,
  stations: { name: string; idcode: number; phasors: number }[],
  rate = 50,
): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0xff, 0xff, 0xff]), Buffer.from([0, stations.length])];
  for (const s of stations) {
    const h = Buffer.alloc(26);
    h.write(s.name.padEnd(16).slice(0, 16), 0, 'latin1');
    h.writeUInt16BE(s.idcode, 16);
    h.writeUInt16BE(0x0006, 18);
    h.writeUInt16BE(s.phasors, 20);
    const names = Buffer.alloc(16 * s.phasors, 0x20);
    for (let i = 0; i < s.phasors; i++) names.write(`V${i + 1}`, 16 * i, 'latin1');
    parts.push(h, names, Buffer.alloc(4 * s.phasors), Buffer.from([0, 1, 0, 89]));
  }
  parts.push(Buffer.from([rate >>> 8, rate & 0xff]));
  return synFrame(FrameType.CFG2, idcode, Buffer.concat(parts));
}

export function dataFrame(idcode: number, phasors: number): Buffer {
  return synFrame(FrameType.DATA, idcode, Buffer.alloc(2 + 8 * phasors + 4));
}
