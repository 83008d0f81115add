/**
 * PROFINET DCP and RT tables.
 *
 * Specs: IEC 61158-6-10:2014 §4.3 (DCP: PDU, ServiceID, ServiceType, Xid, blocks, options
 * and suboptions, BlockInfo, BlockQualifier, BlockError), §4.2 / Table "FrameID" (RT class
 * frame id ranges, alarms, DCP), §4.11 (PTCP); IEC 61158-5-10 (DeviceRole, Control
 * suboptions, ResetToFactory modes). EtherType 0x8892 is IEEE-registered for PROFINET.
 */

export const ETHERTYPE_PROFINET = 0x8892;

/** IEC 61158-6-10 FrameID values and ranges. */
export const FrameId = {
  /** DCP Hello.req (multicast 01:0e:cf:00:00:01). */
  DCP_HELLO: 0xfefc,
  /** DCP Get/Set request and response (unicast). */
  DCP_GET_SET: 0xfefd,
  /** DCP Identify.req (multicast 01:0e:cf:00:00:00 or unicast). */
  DCP_IDENTIFY_REQ: 0xfefe,
  /** DCP Identify.rsp (unicast). */
  DCP_IDENTIFY_RSP: 0xfeff,
  ALARM_HIGH: 0xfc01,
  ALARM_LOW: 0xfe01,
} as const;

/** RT class frame-id ranges (cyclic data), IEC 61158-6-10 Table "FrameID". */
export const RT_CYCLIC_FIRST = 0x0100;
export const RT_CYCLIC_LAST = 0xfbff;
/** PTCP (time sync, delay) frame ids: 0x0000–0x00ff and 0xff00–0xff4f. */
export const PTCP_LOW_LAST = 0x00ff;
export const PTCP_HIGH_FIRST = 0xff00;
export const PTCP_HIGH_LAST = 0xff4f;

/** IEC 61158-6-10 §4.3.1.3.1 ServiceID. */
export const ServiceId = {
  GET: 3,
  SET: 4,
  IDENTIFY: 5,
  HELLO: 6,
} as const;

/** §4.3.1.3.2 ServiceType: bit 0 response, bit 2 "request not supported". */
export const ServiceType = {
  REQUEST: 0,
  RESPONSE_SUCCESS: 1,
  RESPONSE_NOT_SUPPORTED: 5,
} as const;

/** §4.3.1.3.4 options. */
export const Option = {
  IP: 1,
  DEVICE: 2,
  DHCP: 3,
  RESERVED: 4,
  CONTROL: 5,
  DEVICE_INITIATIVE: 6,
  NME_DOMAIN: 7,
  ALL: 0xff,
} as const;

/** Suboptions of option IP. */
export const IpSub = { MAC: 1, PARAMETER: 2, FULL_SUITE: 3 } as const;

/** Suboptions of option Device properties. */
export const DeviceSub = {
  /** Manufacturer specific "type of station": DeviceVendorValue. */
  VENDOR: 1,
  NAME_OF_STATION: 2,
  DEVICE_ID: 3,
  DEVICE_ROLE: 4,
  DEVICE_OPTIONS: 5,
  ALIAS_NAME: 6,
  DEVICE_INSTANCE: 7,
  OEM_DEVICE_ID: 8,
  STANDARD_GATEWAY: 9,
  RSI_PROPERTIES: 10,
} as const;

/** Suboptions of option Control. */
export const ControlSub = {
  START_TRANSACTION: 1,
  END_TRANSACTION: 2,
  SIGNAL: 3,
  RESPONSE: 4,
  RESET_FACTORY_SETTINGS: 5,
  RESET_TO_FACTORY: 6,
} as const;

/** DeviceRoleDetails bits (IEC 61158-6-10 §4.3.1.4.10). */
export const DeviceRole = {
  IO_DEVICE: 0x01,
  IO_CONTROLLER: 0x02,
  IO_MULTIDEVICE: 0x04,
  PN_SUPERVISOR: 0x08,
} as const;

export const DEVICE_ROLE_NAMES: readonly [number, string][] = [
  [DeviceRole.IO_DEVICE, 'IO-Device'],
  [DeviceRole.IO_CONTROLLER, 'IO-Controller'],
  [DeviceRole.IO_MULTIDEVICE, 'IO-Multidevice'],
  [DeviceRole.PN_SUPERVISOR, 'PN-Supervisor'],
];

/** §4.3.1.4.6 BlockError in a Control/Response block. */
export const BLOCK_ERRORS: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'option not supported',
  2: 'suboption not supported or no dataset available',
  3: 'suboption not set',
  4: 'resource error',
  5: 'SET not possible by local reasons',
  6: 'in operation, SET not possible',
};

/** BlockQualifier of a Set (§4.3.1.4.5): bit 0 stores the value permanently. */
export const QUALIFIER_PERMANENT = 0x0001;

/** BlockInfo bits of the IP block in a response (§4.3.1.4.7). */
export const IpInfo = { SET: 0x0001, DHCP: 0x0002, CONFLICT: 0x0080 } as const;

/**
 * PROFINET vendor ids (the PI manufacturer id, shared with PROFIBUS). PI keeps the full table
 * (Man_ID_Table.xml) and does not allow republishing it, so this holds only ids the vendors'
 * own manuals state: Siemens 0x002a (SIPROTEC 4 PROFINET manual, §2.2), WAGO 0x011d (750-657
 * manual, I&M0 table), HMS 0x010c (Anybus CompactCom 40 PROFINET IRT guide), TR-Electronic
 * 0x0153 (encoder manuals, §6.2), ifm 0x0136 (= 310, AC1403 manual, I&M0), Micro-Epsilon
 * 0x0426 (optoNCDT 1900 PROFINET manual), Pepperl+Fuchs 0x005d (ICE1 IO-Link master manual,
 * I&M0), Phoenix Contact 0x00b0 (GSDML DeviceIdentity of its PROFINET devices).
 */
export const VENDOR_NAMES: Readonly<Record<number, string>> = {
  42: 'Siemens',
  93: 'Pepperl+Fuchs',
  176: 'Phoenix Contact',
  268: 'HMS Industrial Networks',
  285: 'WAGO',
  310: 'ifm electronic',
  339: 'TR-Electronic',
  1062: 'Micro-Epsilon',
};

/** DCP header: FrameID(2) ServiceID(1) ServiceType(1) Xid(4) ResponseDelay|Reserved(2) DCPDataLength(2). */
export const DCP_HEADER_LEN = 12;
/** Blocks decoded per PDU (a full Identify response has about a dozen). */
export const MAX_BLOCKS = 64;
/** Text values kept (NameOfStation ≤ 240 octets, §4.3.1.4.12). */
export const MAX_TEXT = 255;
/** Outstanding requests per flow (Get/Set/unicast Identify). */
export const MAX_PENDING = 64;

/** Anomaly codes (prefixed `profinet_dcp.`). */
export const DcpError = {
  TRUNCATED: 'truncated',
  BAD_LENGTH: 'bad_length',
  BAD_SERVICE: 'bad_service',
  BAD_BLOCK: 'bad_block',
} as const;
export type DcpErrorCode = (typeof DcpError)[keyof typeof DcpError];
