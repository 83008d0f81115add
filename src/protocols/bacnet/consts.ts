/**
 * BACnet/IP tables. Spec: ANSI/ASHRAE 135-2020 Annex J (BVLL for BACnet/IP: type 0x81, J.2
 * function codes, J.2.1 BVLC-Result codes), §6.2 (NPDU: version, control octet, DNET/DADR,
 * SNET/SADR, hop count), §6.4 (network layer message types), §20.1 (APDU types and headers),
 * §20.2.1 (tag encoding), §21 (BACnetConfirmedServiceChoice, BACnetUnconfirmedServiceChoice,
 * BACnetObjectType, BACnetSegmentation, BACnetReinitializedStateOfDevice, error/reject/abort
 * enumerations), §16.1/§16.4 (DeviceCommunicationControl, ReinitializeDevice).
 */
import type { OpKind } from '../../events/types.js';

/** 0xBAC0; BACnet/IP devices commonly use 47808–47823 (0xBAC0–0xBACF). */
export const Port = { BACNET: 47808 } as const;

/** Annex J.2: BVLL type for BACnet/IP; 0x82 is BACnet/IPv6 (Annex U, not parsed). */
export const BVLL_TYPE_IP = 0x81;

/** Annex J.2 BVLC functions. */
export const Bvlc = {
  RESULT: 0x00,
  WRITE_BDT: 0x01,
  READ_BDT: 0x02,
  READ_BDT_ACK: 0x03,
  FORWARDED_NPDU: 0x04,
  REGISTER_FOREIGN_DEVICE: 0x05,
  READ_FDT: 0x06,
  READ_FDT_ACK: 0x07,
  DELETE_FDT_ENTRY: 0x08,
  DISTRIBUTE_BROADCAST: 0x09,
  ORIGINAL_UNICAST: 0x0a,
  ORIGINAL_BROADCAST: 0x0b,
  SECURE_BVLL: 0x0c,
} as const;

/** BBMD management requests as operations: kind and target. */
export const BVLC_OP: Readonly<Record<number, readonly [OpKind, string]>> = {
  [Bvlc.WRITE_BDT]: ['program', 'write-broadcast-distribution-table'],
  [Bvlc.READ_BDT]: ['read', 'read-broadcast-distribution-table'],
  [Bvlc.REGISTER_FOREIGN_DEVICE]: ['other', 'register-foreign-device'],
  [Bvlc.READ_FDT]: ['read', 'read-foreign-device-table'],
  [Bvlc.DELETE_FDT_ENTRY]: ['write', 'delete-foreign-device-table-entry'],
};

/** NPDU control octet (§6.2.2). */
export const Npci = {
  NETWORK_MESSAGE: 0x80,
  DNET: 0x20,
  SNET: 0x08,
  EXPECTING_REPLY: 0x04,
} as const;

/** Network layer message types (§6.2.4) that announce routes. */
export const NetMsg = { WHO_IS_ROUTER: 0x00, I_AM_ROUTER: 0x01 } as const;

/** APDU types (§20.1.1). */
export const Pdu = {
  CONFIRMED: 0,
  UNCONFIRMED: 1,
  SIMPLE_ACK: 2,
  COMPLEX_ACK: 3,
  SEGMENT_ACK: 4,
  ERROR: 5,
  REJECT: 6,
  ABORT: 7,
} as const;

/** BACnetConfirmedServiceChoice (§21) used by the analyzer. */
export const Svc = {
  ACKNOWLEDGE_ALARM: 0,
  SUBSCRIBE_COV: 5,
  ATOMIC_READ_FILE: 6,
  ATOMIC_WRITE_FILE: 7,
  CREATE_OBJECT: 10,
  DELETE_OBJECT: 11,
  READ_PROPERTY: 12,
  READ_PROPERTY_MULTIPLE: 14,
  WRITE_PROPERTY: 15,
  WRITE_PROPERTY_MULTIPLE: 16,
  DEVICE_COMMUNICATION_CONTROL: 17,
  PRIVATE_TRANSFER: 18,
  REINITIALIZE_DEVICE: 20,
  READ_RANGE: 26,
  LIFE_SAFETY_OPERATION: 27,
  SUBSCRIBE_COV_PROPERTY: 28,
} as const;

/**
 * Confirmed services: name and operation kind. Index = service choice. Alarm acks, COV/event
 * notifications, private transfer, text messages and virtual terminals are `other`.
 */
export const CONFIRMED: readonly (readonly [string, OpKind])[] = [
  ['acknowledge-alarm', 'other'],
  ['confirmed-cov-notification', 'other'],
  ['confirmed-event-notification', 'other'],
  ['get-alarm-summary', 'diagnostic'],
  ['get-enrollment-summary', 'diagnostic'],
  ['subscribe-cov', 'read'],
  ['atomic-read-file', 'read'],
  ['atomic-write-file', 'program'],
  ['add-list-element', 'write'],
  ['remove-list-element', 'write'],
  ['create-object', 'program'],
  ['delete-object', 'program'],
  ['read-property', 'read'],
  ['read-property-conditional', 'read'],
  ['read-property-multiple', 'read'],
  ['write-property', 'write'],
  ['write-property-multiple', 'write'],
  ['device-communication-control', 'control'],
  ['confirmed-private-transfer', 'other'],
  ['confirmed-text-message', 'other'],
  ['reinitialize-device', 'control'],
  ['vt-open', 'other'],
  ['vt-close', 'other'],
  ['vt-data', 'other'],
  ['authenticate', 'other'],
  ['request-key', 'other'],
  ['read-range', 'read'],
  ['life-safety-operation', 'control'],
  ['subscribe-cov-property', 'read'],
  ['get-event-information', 'diagnostic'],
  ['subscribe-cov-property-multiple', 'read'],
  ['confirmed-cov-notification-multiple', 'other'],
  ['confirmed-audit-notification', 'other'],
  ['audit-log-query', 'diagnostic'],
];

/** Unconfirmed services (§21): name and kind. Index = service choice. */
export const UNCONFIRMED: readonly (readonly [string, OpKind])[] = [
  ['i-am', 'identify'],
  ['i-have', 'identify'],
  ['unconfirmed-cov-notification', 'other'],
  ['unconfirmed-event-notification', 'other'],
  ['unconfirmed-private-transfer', 'other'],
  ['unconfirmed-text-message', 'other'],
  ['time-synchronization', 'control'],
  ['who-has', 'identify'],
  ['who-is', 'identify'],
  ['utc-time-synchronization', 'control'],
  ['write-group', 'write'],
  ['unconfirmed-cov-notification-multiple', 'other'],
  ['unconfirmed-audit-notification', 'other'],
  ['who-am-i', 'identify'],
  ['you-are', 'write'],
];

export const Unconfirmed = {
  I_AM: 0,
  I_HAVE: 1,
  PRIVATE_TRANSFER: 4,
  WHO_HAS: 7,
  WHO_IS: 8,
  YOU_ARE: 14,
} as const;

/** BACnetObjectType (§21). Index = type. */
export const OBJECT_TYPE: readonly string[] = [
  'analog-input',
  'analog-output',
  'analog-value',
  'binary-input',
  'binary-output',
  'binary-value',
  'calendar',
  'command',
  'device',
  'event-enrollment',
  'file',
  'group',
  'loop',
  'multi-state-input',
  'multi-state-output',
  'notification-class',
  'program',
  'schedule',
  'averaging',
  'multi-state-value',
  'trend-log',
  'life-safety-point',
  'life-safety-zone',
  'accumulator',
  'pulse-converter',
  'event-log',
  'global-group',
  'trend-log-multiple',
  'load-control',
  'structured-view',
  'access-door',
  'timer',
  'access-credential',
  'access-point',
  'access-rights',
  'access-user',
  'access-zone',
  'credential-data-input',
  'network-security',
  'bitstring-value',
  'characterstring-value',
  'date-pattern-value',
  'date-value',
  'datetime-pattern-value',
  'datetime-value',
  'integer-value',
  'large-analog-value',
  'octetstring-value',
  'positive-integer-value',
  'time-pattern-value',
  'time-value',
  'notification-forwarder',
  'alert-enrollment',
  'channel',
  'lighting-output',
  'binary-lighting-output',
  'network-port',
  'elevator-group',
  'escalator',
  'lift',
  'staging',
  'audit-log',
  'audit-reporter',
  'color',
  'color-temperature',
];
export const OBJECT_DEVICE = 8;
/** §12.11.1: instance 4194303 in a request addresses "this device" (a wildcard). */
export const WILDCARD_INSTANCE = 4194303;

/** Property identifiers the analyzer reads identity from (§12.11, Device object). */
export const Prop = {
  APPLICATION_SOFTWARE_VERSION: 12,
  DESCRIPTION: 28,
  FIRMWARE_REVISION: 44,
  LOCATION: 58,
  MODEL_NAME: 70,
  OBJECT_IDENTIFIER: 75,
  OBJECT_NAME: 77,
  VENDOR_IDENTIFIER: 120,
  VENDOR_NAME: 121,
} as const;

/** Device-object text properties → fact keys (object-name is handled apart: any object has one). */
export const DEVICE_TEXT_FACT: Readonly<Record<number, string>> = {
  [Prop.MODEL_NAME]: 'model',
  [Prop.FIRMWARE_REVISION]: 'firmware',
  [Prop.APPLICATION_SOFTWARE_VERSION]: 'bacnet.application_software_version',
  [Prop.VENDOR_NAME]: 'vendor',
  [Prop.LOCATION]: 'bacnet.location',
  [Prop.DESCRIPTION]: 'bacnet.description',
};

/** Application tag numbers (§20.2.1.4). */
export const AppTag = {
  NULL: 0,
  BOOLEAN: 1,
  UNSIGNED: 2,
  SIGNED: 3,
  REAL: 4,
  DOUBLE: 5,
  OCTET_STRING: 6,
  CHARACTER_STRING: 7,
  BIT_STRING: 8,
  ENUMERATED: 9,
  DATE: 10,
  TIME: 11,
  OBJECT_IDENTIFIER: 12,
} as const;

/** Character sets of CharacterString (§20.2.9). */
export const Charset = { UTF8: 0, DBCS: 1, JIS: 2, UCS4: 3, UCS2: 4, ISO8859_1: 5 } as const;

/** BACnetSegmentation (§21). */
export const SEGMENTATION: readonly string[] = [
  'segmented-both',
  'segmented-transmit',
  'segmented-receive',
  'no-segmentation',
];

/** BACnetReinitializedStateOfDevice (§16.4.1.1.1); backup and restore move the configuration. */
export const REINIT_STATE: readonly string[] = [
  'coldstart',
  'warmstart',
  'start-backup',
  'end-backup',
  'start-restore',
  'end-restore',
  'abort-restore',
  'activate-changes',
];

/** DeviceCommunicationControl enable-disable (§16.1.1.1.2). */
export const DCC_STATE: readonly string[] = ['enable', 'disable', 'disable-initiation'];

/** Error class "services" (5), code "password-failure" (26), §21 BACnetErrorCode. */
export const ERROR_CLASS_SERVICES = 5;
export const ERROR_PASSWORD_FAILURE = 26;

/** Reject (§18.8) and abort (§18.9) reasons. */
export const REJECT_REASON: readonly string[] = [
  'other',
  'buffer-overflow',
  'inconsistent-parameters',
  'invalid-parameter-data-type',
  'invalid-tag',
  'missing-required-parameter',
  'parameter-out-of-range',
  'too-many-arguments',
  'undefined-enumeration',
  'unrecognized-service',
];
export const ABORT_REASON: readonly string[] = [
  'other',
  'buffer-overflow',
  'invalid-apdu-in-this-state',
  'preempted-by-higher-priority-task',
  'segmentation-not-supported',
  'security-error',
  'insufficient-security',
  'window-size-out-of-range',
  'application-exceeded-reply-time',
  'out-of-resources',
  'tsm-timeout',
  'apdu-too-long',
];

/** Per-flow limits. */
export const MAX_PENDING = 64;
/** Tags read in one service (the rest is not looked at). */
export const MAX_TAGS = 256;
/** Longest text taken from the wire. */
export const MAX_TEXT = 128;
/** Object names of non-device objects kept as facts per flow (a controller may hold thousands). */
export const MAX_OBJECT_NAMES = 32;
/** Networks listed from one I-Am-Router-To-Network. */
export const MAX_ROUTED_NETWORKS = 16;

/** Anomaly codes (prefixed `bacnet.`). */
export const BacnetError = {
  TRUNCATED: 'truncated',
  BAD_BVLC: 'bad_bvlc',
  BAD_NPDU: 'bad_npdu',
  BAD_APDU: 'bad_apdu',
} as const;
export type BacnetErrorCode = (typeof BacnetError)[keyof typeof BacnetError];
