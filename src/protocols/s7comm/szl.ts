/**
 * Identity from SZL (system status list) responses. Spec: SIMATIC "System Software for
 * S7-300/400 System and Standard Functions", SSL-ID W#16#xy11 (module identification:
 * records of index, MlfB order number (20 chars), BGTyp, Ausbg, Ausbe) and W#16#xy1C
 * (component identification: index + 32 bytes — station name, module name, plant
 * designation, copyright, serial number, module type name, memory card serial, location).
 *
 * Fact keys and formats are tshark's (the truth files): `s7comm.order_number` is each
 * non-blank MlfB (`s7comm.szl.xy11.0001.anz`), `s7comm.firmware` each record's raw Ausbg
 * number (`s7comm.szl.xy11.0001.ausbg`: "16672" is 0x4120), and `s7comm.firmware_version`
 * "V3.2.6" from the basic-firmware record (index 7: Ausbg 'V' and major, Ausbe minor and
 * patch). tshark's order numbers include "Boot Loader" — the name in the firmware-extension
 * record (index 0x0081; s7ident.pcap frame 11, record 4), not an order number: it is kept
 * for parity, and the generic `model` comes from the module record (index 1) only.
 * Pure; never throws.
 */
import type { AssetFacts } from '../../events/types.js';
import { COMPONENT_FACT, ModuleIndex, SZL_COMPONENT_ID, SZL_MODULE_ID } from './consts.js';

export interface SzlIdentity {
  /** Facts of one record each (several records share keys: order number, firmware). */
  records: AssetFacts[];
  /** The device's summary: generic keys and the 0xxy1C names. */
  device: AssetFacts;
}

/** SZL data: id, index, record length, record count, records. Undefined unless it identifies. */
export function szlIdentity(buf: Buffer, off: number, len: number): SzlIdentity | undefined {
  const end = Math.min(off + len, buf.length);
  if (end - off < 8) return undefined;
  const id = buf.readUInt16BE(off) & 0xff;
  const recLen = buf.readUInt16BE(off + 4);
  const count = buf.readUInt16BE(off + 6);
  if (recLen === 0) return undefined;
  const records: AssetFacts[] = [];
  const device: AssetFacts = {};
  let p = off + 8;
  for (let i = 0; i < count && p + recLen <= end; i++, p += recLen) {
    if (id === SZL_MODULE_ID && recLen >= 28) moduleRecord(buf, p, records, device);
    else if (id === SZL_COMPONENT_ID && recLen >= 34) componentRecord(buf, p, device);
  }
  if (records.length === 0 && Object.keys(device).length === 0) return undefined;
  const order = device.model ?? '';
  const copyright = device['s7comm.copyright'] ?? '';
  if (order.startsWith('6ES7') || /siemens/i.test(copyright)) device.vendor = 'Siemens';
  else if (/^VIPA/i.test(order)) device.vendor = 'VIPA';
  // 6ES7 is the SIMATIC S7 family; a CPU answers for the module it is (communication
  // processors are 6GK7 and name no "CPU").
  if (order.startsWith('6ES7') || /\bCPU\b/.test(device['s7comm.module_type'] ?? '')) device.roleHint = 'plc';
  return { records, device };
}

function moduleRecord(buf: Buffer, p: number, records: AssetFacts[], device: AssetFacts): void {
  const index = buf.readUInt16BE(p);
  const mlfb = text(buf, p + 2, p + 22);
  const ausbg = buf.readUInt16BE(p + 24);
  const ausbe = buf.readUInt16BE(p + 26);
  const facts: AssetFacts = { 's7comm.firmware': String(ausbg) };
  if (mlfb !== '') facts['s7comm.order_number'] = mlfb;
  if (index === ModuleIndex.BASIC_FIRMWARE && ausbg >> 8 === 0x56) {
    const version = `V${ausbg & 0xff}.${ausbe >> 8}.${ausbe & 0xff}`;
    facts['s7comm.firmware_version'] = version;
    device.firmware = version;
  }
  if (index === ModuleIndex.MODULE && mlfb !== '') device.model = mlfb;
  records.push(facts);
}

function componentRecord(buf: Buffer, p: number, device: AssetFacts): void {
  const index = buf.readUInt16BE(p);
  const key = COMPONENT_FACT[index];
  if (key === undefined) return;
  // Names are 24 characters + 8 reserved; tag, type name, MMC serial and location 32; copyright 26.
  const width = index === 0x0001 || index === 0x0002 || index === 0x0005 ? 24 : index === 0x0004 ? 26 : 32;
  const value = text(buf, p + 2, p + 2 + width);
  if (value === '') return;
  device[key] = value;
  if (index === 0x0001) device.name = value;
  else if (index === 0x0005) device.serial = value;
}

/** Latin-1 text up to the first NUL, spaces trimmed; non-printable characters dropped. */
function text(buf: Buffer, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    if (c >= 0x20 && c !== 0x7f) s += String.fromCharCode(c);
  }
  return s.trim();
}
