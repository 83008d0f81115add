/**
 * MMS tables. Spec: ISO 9506-2:2003 §7 (MMSpdu CHOICE tags), §7.3 / §7.4 (ConfirmedService-
 * Request / -Response tags), §7.5 (UnconfirmedService), §10.3 (Identify-Response: vendorName
 * [0], modelName [1], revision [2]), §13.x (ObjectName), §14.x (VariableAccessSpecification),
 * §D (file services). Operation kinds are Lineguard's.
 */
import type { OpKind } from '../../events/types.js';

/** MMSpdu CHOICE (context tags). */
export const Pdu = {
  CONFIRMED_REQUEST: 0,
  CONFIRMED_RESPONSE: 1,
  CONFIRMED_ERROR: 2,
  UNCONFIRMED: 3,
  REJECT: 4,
  CANCEL_REQUEST: 5,
  CANCEL_RESPONSE: 6,
  CANCEL_ERROR: 7,
  INITIATE_REQUEST: 8,
  INITIATE_RESPONSE: 9,
  INITIATE_ERROR: 10,
  CONCLUDE_REQUEST: 11,
  CONCLUDE_RESPONSE: 12,
  CONCLUDE_ERROR: 13,
} as const;

/** ConfirmedServiceRequest tags used by name. */
export const Service = {
  STATUS: 0,
  GET_NAME_LIST: 1,
  IDENTIFY: 2,
  READ: 4,
  WRITE: 5,
  GET_VARIABLE_ACCESS_ATTRIBUTES: 6,
  DEFINE_NAMED_VARIABLE_LIST: 11,
  GET_NAMED_VARIABLE_LIST_ATTRIBUTES: 12,
  DELETE_NAMED_VARIABLE_LIST: 13,
  INITIATE_DOWNLOAD_SEQUENCE: 26,
  INITIATE_UPLOAD_SEQUENCE: 29,
  REQUEST_DOMAIN_DOWNLOAD: 32,
  REQUEST_DOMAIN_UPLOAD: 33,
  LOAD_DOMAIN_CONTENT: 34,
  STORE_DOMAIN_CONTENT: 35,
  DELETE_DOMAIN: 36,
  GET_DOMAIN_ATTRIBUTES: 37,
  CREATE_PROGRAM_INVOCATION: 38,
  DELETE_PROGRAM_INVOCATION: 39,
  START: 40,
  STOP: 41,
  RESUME: 42,
  RESET: 43,
  KILL: 44,
  GET_PROGRAM_INVOCATION_ATTRIBUTES: 45,
  OBTAIN_FILE: 46,
  FILE_OPEN: 72,
  FILE_READ: 73,
  FILE_CLOSE: 74,
  FILE_RENAME: 75,
  FILE_DELETE: 76,
  FILE_DIRECTORY: 77,
} as const;

/** ConfirmedServiceRequest tag → operation kind (tags 0–77; absent: other). */
export const SERVICE_KIND: Readonly<Record<number, OpKind>> = (() => {
  const k: Record<number, OpKind> = {};
  const set = (kind: OpKind, ...tags: number[]) => {
    for (const t of tags) k[t] = kind;
  };
  set('diagnostic', 0, 63, 64); // status, alarm summaries
  set('identify', 2);
  // getNameList, read, access attributes, scattered/list/type attributes, input, semaphore
  // status, domain and program attributes, event attributes/status, journals, capabilities,
  // file open/read/close/directory.
  set('read', 1, 4, 6, 9, 12, 15, 17, 23, 24, 25, 37, 45, 49, 50, 55, 56, 60, 61, 65, 68, 71, 72, 73, 74, 77);
  // write, rename, define/delete variables, lists, types, semaphores, events and journals, output.
  set(
    'write',
    3,
    5,
    7,
    8,
    10,
    11,
    13,
    14,
    16,
    18,
    21,
    22,
    47,
    48,
    51,
    53,
    54,
    57,
    58,
    59,
    62,
    66,
    67,
    69,
    70,
  );
  // domain download/upload and deletion, program invocations created or deleted, files
  // obtained, renamed or deleted.
  set('program', 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 38, 39, 46, 75, 76);
  // program invocations started, stopped, resumed, reset, killed; control taken; events triggered.
  set('control', 19, 20, 40, 41, 42, 43, 44, 52);
  return k;
})();

/** UnconfirmedService tags. */
export const UNCONFIRMED_NAMES: readonly string[] = [
  'informationReport',
  'unsolicitedStatus',
  'eventNotification',
];

/** GetNameList object classes (§10.5.1.1). */
export const OBJECT_CLASS: readonly string[] = [
  'namedVariable',
  'scatteredAccess',
  'namedVariableList',
  'namedType',
  'semaphore',
  'eventCondition',
  'eventAction',
  'eventEnrollment',
  'journal',
  'domain',
  'programInvocation',
  'operatorStation',
  'dataExchange',
  'accessControlList',
];

/** IEC 60870-6 TASE.2 (ICCP) association objects: a TASE.2 peer, not an IEC 61850 IED. */
export const TASE2_MARKERS = ['Bilateral_Table_ID', 'TASE2_Version', 'Supported_Features'];

/** Names listed in a target before "… (N items)". */
export const TARGET_ITEMS = 3;
export const MAX_PENDING = 64;
