/**
 * EtherNet/IP and CIP tables.
 *
 * Specs: The CIP Networks Library Vol 2 (EtherNet/IP Adaptation of CIP), ch. 2 (encapsulation:
 * §2-3 header, commands, status codes; §2-4 command data; §2-6 Common Packet Format), and Vol 1
 * (CIP Common): Appendix A (services), Appendix B (general status), Appendix C (EPATH segments),
 * ch. 3-5 (Connection Manager, Unconnected Send, Forward Open/Close), ch. 5A (Identity object,
 * File object), §6-7 (device profiles). Rockwell Logix services (Read/Write Tag and friends) follow
 * Rockwell publication 1756-PM020 ("Logix 5000 Data Access"); the clock class 0x8B is the one a
 * Set_Attribute_List changes the controller time through (eip_change_time_attempt.pcap frame 386).
 */
import type { OpKind } from '../../events/types.js';

/** Well-known ports (Vol 2 §2-2.1): explicit messaging tcp/udp 44818, implicit I/O udp 2222. */
export const Port = { ENIP: 44818, IO: 2222 } as const;

/** The encapsulation header is 24 bytes (Vol 2 §2-3.1); its length field is a UINT. */
export const HEADER_LEN = 24;
export const MAX_BODY = 0xffff;

/** Encapsulation commands (Vol 2 §2-3.2, Table 2-3.2). */
export const Command = {
  NOP: 0x0000,
  LIST_SERVICES: 0x0004,
  LIST_IDENTITY: 0x0063,
  LIST_INTERFACES: 0x0064,
  REGISTER_SESSION: 0x0065,
  UNREGISTER_SESSION: 0x0066,
  SEND_RR_DATA: 0x006f,
  SEND_UNIT_DATA: 0x0070,
} as const;

export function knownCommand(c: number): boolean {
  return (
    c === Command.NOP ||
    c === Command.LIST_SERVICES ||
    (c >= Command.LIST_IDENTITY && c <= Command.UNREGISTER_SESSION) ||
    c === Command.SEND_RR_DATA ||
    c === Command.SEND_UNIT_DATA
  );
}

/** Encapsulation status codes (Vol 2 §2-3.3, Table 2-3.3). */
export function knownEncapStatus(s: number): boolean {
  return (s >= 0 && s <= 3) || s === 0x64 || s === 0x65 || s === 0x69;
}

/** Common Packet Format item type ids (Vol 2 §2-6.1, Table 2-6.3). */
export const Item = {
  NULL_ADDRESS: 0x0000,
  CIP_IDENTITY: 0x000c,
  LIST_SERVICES: 0x0100,
  CONNECTED_ADDRESS: 0x00a1,
  CONNECTED_DATA: 0x00b1,
  UNCONNECTED_DATA: 0x00b2,
  SOCKADDR_O2T: 0x8000,
  SOCKADDR_T2O: 0x8001,
  SEQUENCED_ADDRESS: 0x8002,
} as const;

/** CIP services (Vol 1 Appendix A, Table: 0x01-0x1C common, 0x4B-0x63 object specific). */
export const Service = {
  GET_ATTRIBUTES_ALL: 0x01,
  SET_ATTRIBUTES_ALL: 0x02,
  GET_ATTRIBUTE_LIST: 0x03,
  SET_ATTRIBUTE_LIST: 0x04,
  RESET: 0x05,
  START: 0x06,
  STOP: 0x07,
  CREATE: 0x08,
  DELETE: 0x09,
  MULTIPLE_SERVICE_PACKET: 0x0a,
  APPLY_ATTRIBUTES: 0x0d,
  GET_ATTRIBUTE_SINGLE: 0x0e,
  SET_ATTRIBUTE_SINGLE: 0x10,
  FIND_NEXT_OBJECT_INSTANCE: 0x11,
  RESTORE: 0x15,
  SAVE: 0x16,
  NO_OPERATION: 0x17,
  GET_MEMBER: 0x18,
  SET_MEMBER: 0x19,
  INSERT_MEMBER: 0x1a,
  REMOVE_MEMBER: 0x1b,
  // Connection Manager (class 0x06) object-specific services (Vol 1 §3-5.5).
  FORWARD_CLOSE: 0x4e,
  UNCONNECTED_SEND: 0x52,
  FORWARD_OPEN: 0x54,
  LARGE_FORWARD_OPEN: 0x5b,
  // Logix object-specific services (1756-PM020): on tags and Logix objects, not on class 0x06.
  READ_TAG: 0x4c,
  WRITE_TAG: 0x4d,
  READ_MODIFY_WRITE_TAG: 0x4e,
  READ_TAG_FRAGMENTED: 0x52,
  WRITE_TAG_FRAGMENTED: 0x53,
  GET_INSTANCE_ATTRIBUTE_LIST: 0x55,
} as const;

/** A response carries the request's service code with this bit set (Vol 1 §2-4.2). */
export const REPLY = 0x80;

/** Object classes the analyzer treats specially (Vol 1 ch. 5; Rockwell for 0x8B). */
export const Class = {
  IDENTITY: 0x01,
  MESSAGE_ROUTER: 0x02,
  CONNECTION_MANAGER: 0x06,
  FILE: 0x37,
  TIME_SYNC: 0x43,
  PCCC: 0x67,
  WALL_CLOCK_TIME: 0x8b,
} as const;

/** General status codes the analyzer reads (Vol 1 Appendix B, Table B-1.1). */
export const GeneralStatus = {
  SUCCESS: 0x00,
  /** Partial transfer: a fragmented read or write with more to come (a normal outcome). */
  PARTIAL_TRANSFER: 0x06,
  /** Multiple Service Packet: at least one embedded service failed (each reply says which). */
  EMBEDDED_SERVICE_ERROR: 0x1e,
} as const;

/** Common services (0x01-0x1C) → operation kind; clock and identity classes refine it in describe.ts. */
export const COMMON_SERVICE_KIND: Readonly<Record<number, OpKind>> = {
  1: 'read',
  2: 'write',
  3: 'read',
  4: 'write',
  5: 'control',
  6: 'control',
  7: 'control',
  8: 'program',
  9: 'program',
  13: 'write',
  14: 'read',
  16: 'write',
  17: 'read',
  21: 'program',
  22: 'program',
  23: 'other',
  24: 'read',
  25: 'write',
  26: 'write',
  27: 'write',
};

/**
 * File object (class 0x37, Vol 1 §5A-42.3): Initiate Upload 0x4B, Initiate Download 0x4C,
 * Initiate Partial Read 0x4D, Initiate Partial Write 0x4E, Upload Transfer 0x4F, Download Transfer
 * 0x50, Clear File 0x51 — all moving program or configuration files.
 */
export function fileService(service: number): boolean {
  return service >= 0x4b && service <= 0x51;
}

/**
 * Object-specific services on Logix objects and tags (1756-PM020), and the upload/download
 * services RSLogix 5000 sends to the controller's program, routine and symbol classes (0x68,
 * 0x6A, 0x6B, 0x6C, 0x8E, 0xAC...): 0x4B starts an upload or download, 0x4F moves upload blocks
 * and 0x50 download blocks (eip_software_upload.pcap frames 434-729; eip_reboot_or_restart.pcap
 * frames 476-515, a download between Stop and Start).
 */
export const LOGIX_SERVICE_KIND: Readonly<Record<number, OpKind>> = {
  75: 'program',
  76: 'read',
  77: 'write',
  78: 'write',
  79: 'program',
  80: 'program',
  81: 'program',
  82: 'read',
  83: 'write',
  85: 'read',
};

/** Device profiles (Vol 1 §6-7, Table 6-7.1): Identity attribute 2. */
export const DEVICE_TYPE: Readonly<Record<number, string>> = {
  0: 'Generic Device (deprecated)',
  2: 'AC Drive',
  3: 'Motor Overload',
  4: 'Limit Switch',
  5: 'Inductive Proximity Switch',
  6: 'Photoelectric Sensor',
  7: 'General Purpose Discrete I/O',
  9: 'Resolver',
  12: 'Communications Adapter',
  14: 'Programmable Logic Controller',
  16: 'Position Controller',
  19: 'DC Drive',
  21: 'Contactor',
  22: 'Motor Starter',
  23: 'Soft Start',
  24: 'Human-Machine Interface',
  26: 'Mass Flow Controller',
  27: 'Pneumatic Valve',
  28: 'Vacuum Pressure Gauge',
  29: 'Process Control Value',
  30: 'Residual Gas Analyzer',
  31: 'DC Power Generator',
  32: 'RF Power Generator',
  33: 'Turbomolecular Vacuum Pump',
  34: 'Encoder',
  35: 'Safety Discrete I/O Device',
  36: 'Fluid Flow Controller',
  37: 'CIP Motion Drive',
  38: 'CompoNet Repeater',
  39: 'Mass Flow Controller, Enhanced',
  40: 'CIP Modbus Device',
  41: 'CIP Modbus Translator',
  42: 'Safety Analog I/O Device',
  43: 'Generic Device (keyable)',
  44: 'Managed Ethernet Switch',
  45: 'CIP Motion Safety Drive Device',
  46: 'Safety Drive Device',
  47: 'CIP Motion Encoder',
  48: 'CIP Motion Converter',
  49: 'CIP Motion I/O',
  50: 'ControlNet Physical Layer Component',
  51: 'Circuit Breaker',
  52: 'HART Device',
  53: 'CIP-HART Translator',
  200: 'Embedded Component',
};

/**
 * Device profile → role hint, in the inventory's vocabulary (src/inventory/roles.ts): controllers
 * are PLCs, communication adapters comm-adapters, HMIs HMIs, managed switches switches; drives,
 * I/O, motion devices and protocol translators are field devices ('io-device').
 */
export const DEVICE_ROLE: Readonly<Record<number, string>> = {
  2: 'io-device',
  7: 'io-device',
  12: 'comm-adapter',
  14: 'plc',
  16: 'io-device',
  19: 'io-device',
  24: 'hmi',
  35: 'io-device',
  37: 'io-device',
  40: 'io-device',
  41: 'io-device',
  42: 'io-device',
  44: 'switch',
  45: 'io-device',
  46: 'io-device',
  47: 'io-device',
  49: 'io-device',
  53: 'io-device',
};
