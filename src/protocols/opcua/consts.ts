/**
 * OPC UA binary protocol tables.
 *
 * Specs: OPC 10000-6 (Part 6, Mappings) §7.1.2 (UA-TCP message header, HEL/ACK/ERR/RHE),
 * §6.7.2 (secure conversation chunks: OPN asymmetric, MSG/CLO symmetric headers, sequence
 * header, chunk types F/C/A), §5.2 (UA binary encoding: NodeId encodings, built-in types);
 * OPC 10000-4 (Part 4, Services) §5 and §7 (service sets, ApplicationType, MessageSecurityMode,
 * UserTokenType); NodeIds.csv (`<Service>Request_Encoding_DefaultBinary` ids); the status
 * code table (StatusCode.csv). IANA port 4840 is registered for OPC UA binary.
 */

export const PORT_OPCUA = 4840;

/** Part 6 §7.1.2.2: three ASCII bytes, as a 24-bit number. */
export const MsgType = {
  HEL: 0x48454c,
  ACK: 0x41434b,
  ERR: 0x455252,
  RHE: 0x524845,
  OPN: 0x4f504e,
  MSG: 0x4d5347,
  CLO: 0x434c4f,
} as const;

/** Chunk types (the fourth header byte). */
export const Chunk = { FINAL: 0x46, INTERMEDIATE: 0x43, ABORT: 0x41 } as const;

/** Smallest valid message of each type (header, fixed fields, empty strings). */
export const MIN_SIZE: Readonly<Record<number, number>> = {
  [MsgType.HEL]: 32,
  [MsgType.ACK]: 28,
  [MsgType.ERR]: 16,
  [MsgType.RHE]: 16,
  [MsgType.OPN]: 32,
  [MsgType.MSG]: 24,
  [MsgType.CLO]: 24,
};

/** Largest chunk followed (negotiated buffer sizes are 8 KiB to a few MiB). */
export const MAX_CHUNK = 4 * 1024 * 1024;
/** Part 6 §7.1.2.3: an EndpointUrl is at most 4096 bytes. */
export const MAX_URL = 4096;
/** Text kept from any one string (URIs, names, node ids in targets). */
export const MAX_TEXT = 512;
/** Body bytes kept while reassembling a chunked message (decoders need only its start). */
export const MAX_REASSEMBLY = 64 * 1024;
/** Outstanding requests per flow. */
export const MAX_PENDING = 64;
/** Nesting followed inside Variants, DataValues, DiagnosticInfos. */
export const MAX_DEPTH = 8;
/** Items named in a target; the rest are counted. */
export const TARGET_ITEMS = 3;

/** NodeId encoding byte (Part 6 §5.2.2.9). */
export const NodeIdEnc = {
  TWO_BYTE: 0,
  FOUR_BYTE: 1,
  NUMERIC: 2,
  STRING: 3,
  GUID: 4,
  BYTE_STRING: 5,
  NAMESPACE_URI_FLAG: 0x80,
  SERVER_INDEX_FLAG: 0x40,
} as const;

/** Service binary encoding ids (NodeIds.csv), requests; the response is the request + 3. */
export const Service = {
  SERVICE_FAULT: 397,
  FIND_SERVERS: 422,
  FIND_SERVERS_ON_NETWORK: 12208,
  GET_ENDPOINTS: 428,
  REGISTER_SERVER: 437,
  REGISTER_SERVER2: 12211,
  OPEN_SECURE_CHANNEL: 446,
  CLOSE_SECURE_CHANNEL: 452,
  CREATE_SESSION: 461,
  ACTIVATE_SESSION: 467,
  CLOSE_SESSION: 473,
  CANCEL: 479,
  ADD_NODES: 488,
  ADD_REFERENCES: 494,
  DELETE_NODES: 500,
  DELETE_REFERENCES: 506,
  BROWSE: 527,
  BROWSE_NEXT: 533,
  TRANSLATE_BROWSE_PATHS: 554,
  REGISTER_NODES: 560,
  UNREGISTER_NODES: 566,
  QUERY_FIRST: 615,
  QUERY_NEXT: 621,
  READ: 631,
  HISTORY_READ: 664,
  WRITE: 673,
  HISTORY_UPDATE: 700,
  CALL: 712,
  CREATE_MONITORED_ITEMS: 751,
  MODIFY_MONITORED_ITEMS: 763,
  SET_MONITORING_MODE: 769,
  SET_TRIGGERING: 775,
  DELETE_MONITORED_ITEMS: 781,
  CREATE_SUBSCRIPTION: 787,
  MODIFY_SUBSCRIPTION: 793,
  SET_PUBLISHING_MODE: 799,
  PUBLISH: 826,
  REPUBLISH: 832,
  TRANSFER_SUBSCRIPTIONS: 841,
  DELETE_SUBSCRIPTIONS: 847,
} as const;

type Kind = 'read' | 'write' | 'program' | 'control' | 'diagnostic' | 'identify' | 'other';

/** What each request does (the op kind); unknown ids are `other`. */
export const SERVICE_KIND: Readonly<Record<number, Kind>> = {
  [Service.FIND_SERVERS]: 'identify',
  [Service.FIND_SERVERS_ON_NETWORK]: 'identify',
  [Service.GET_ENDPOINTS]: 'identify',
  [Service.REGISTER_SERVER]: 'other',
  [Service.REGISTER_SERVER2]: 'other',
  [Service.OPEN_SECURE_CHANNEL]: 'other',
  [Service.CLOSE_SECURE_CHANNEL]: 'other',
  [Service.CREATE_SESSION]: 'other',
  [Service.ACTIVATE_SESSION]: 'other',
  [Service.CLOSE_SESSION]: 'other',
  [Service.CANCEL]: 'other',
  [Service.ADD_NODES]: 'program',
  [Service.ADD_REFERENCES]: 'program',
  [Service.DELETE_NODES]: 'program',
  [Service.DELETE_REFERENCES]: 'program',
  [Service.BROWSE]: 'read',
  [Service.BROWSE_NEXT]: 'read',
  [Service.TRANSLATE_BROWSE_PATHS]: 'read',
  [Service.REGISTER_NODES]: 'read',
  [Service.UNREGISTER_NODES]: 'read',
  [Service.QUERY_FIRST]: 'read',
  [Service.QUERY_NEXT]: 'read',
  [Service.READ]: 'read',
  [Service.HISTORY_READ]: 'read',
  [Service.WRITE]: 'write',
  [Service.HISTORY_UPDATE]: 'write',
  [Service.CALL]: 'control',
  [Service.CREATE_MONITORED_ITEMS]: 'read',
  [Service.MODIFY_MONITORED_ITEMS]: 'read',
  [Service.SET_MONITORING_MODE]: 'read',
  [Service.SET_TRIGGERING]: 'read',
  [Service.DELETE_MONITORED_ITEMS]: 'read',
  [Service.CREATE_SUBSCRIPTION]: 'read',
  [Service.MODIFY_SUBSCRIPTION]: 'read',
  [Service.SET_PUBLISHING_MODE]: 'read',
  [Service.PUBLISH]: 'read',
  [Service.REPUBLISH]: 'read',
  [Service.TRANSFER_SUBSCRIPTIONS]: 'read',
  [Service.DELETE_SUBSCRIPTIONS]: 'read',
};

/** Part 4 §7.1 ApplicationType. */
export const APPLICATION_TYPES = ['Server', 'Client', 'ClientAndServer', 'DiscoveryServer'] as const;

/** Part 4 §7.20 MessageSecurityMode (0 is Invalid). */
export const SECURITY_MODES: Readonly<Record<number, string>> = { 1: 'None', 2: 'Sign', 3: 'SignAndEncrypt' };
export const SecurityMode = { NONE: 1, SIGN: 2, SIGN_AND_ENCRYPT: 3 } as const;

/** Part 4 §7.41 UserTokenType. */
export const USER_TOKEN_TYPES = ['anonymous', 'username', 'certificate', 'issued'] as const;

/** UserIdentityToken encodings (NodeIds.csv): ActivateSession's token, by its type id. */
export const IDENTITY_TOKENS: Readonly<Record<number, (typeof USER_TOKEN_TYPES)[number]>> = {
  321: 'anonymous',
  324: 'username',
  327: 'certificate',
  940: 'issued',
};

export const SECURITY_POLICY_PREFIX = 'http://opcfoundation.org/UA/SecurityPolicy#';
export const POLICY_NONE = `${SECURITY_POLICY_PREFIX}None`;

/** Part 3 §5.9 / Part 6 Annex A: attribute ids, for targets. */
export const ATTRIBUTES: readonly string[] = [
  '',
  'NodeId',
  'NodeClass',
  'BrowseName',
  'DisplayName',
  'Description',
  'WriteMask',
  'UserWriteMask',
  'IsAbstract',
  'Symmetric',
  'InverseName',
  'ContainsNoLoops',
  'EventNotifier',
  'Value',
  'DataType',
  'ValueRank',
  'ArrayDimensions',
  'AccessLevel',
  'UserAccessLevel',
  'MinimumSamplingInterval',
  'Historizing',
  'Executable',
  'UserExecutable',
  'DataTypeDefinition',
  'RolePermissions',
  'UserRolePermissions',
  'AccessRestrictions',
  'AccessLevelEx',
];

/** StatusCode.csv: the Bad codes an ERR or a refused request most often carries. */
export const STATUS_NAMES: Readonly<Record<number, string>> = {
  2147549184: 'Bad_UnexpectedError',
  2147614720: 'Bad_InternalError',
  2147680256: 'Bad_OutOfMemory',
  2147745792: 'Bad_ResourceUnavailable',
  2147811328: 'Bad_CommunicationError',
  2147876864: 'Bad_EncodingError',
  2147942400: 'Bad_DecodingError',
  2148007936: 'Bad_EncodingLimitsExceeded',
  2148139008: 'Bad_Timeout',
  2148204544: 'Bad_ServiceUnsupported',
  2148270080: 'Bad_Shutdown',
  2148335616: 'Bad_ServerNotConnected',
  2148401152: 'Bad_ServerHalted',
  2148532224: 'Bad_TooManyOperations',
  2148663296: 'Bad_CertificateInvalid',
  2148728832: 'Bad_SecurityChecksFailed',
  2149187584: 'Bad_CertificateUntrusted',
  2149515264: 'Bad_UserAccessDenied',
  2149580800: 'Bad_IdentityTokenInvalid',
  2149646336: 'Bad_IdentityTokenRejected',
  2149711872: 'Bad_SecureChannelIdInvalid',
  2149908480: 'Bad_SessionIdInvalid',
  2149974016: 'Bad_SessionClosed',
  2150039552: 'Bad_SessionNotActivated',
  2150891520: 'Bad_NodeIdUnknown',
  2150957056: 'Bad_AttributeIdInvalid',
  2151284736: 'Bad_NotReadable',
  2151350272: 'Bad_NotWritable',
  2152988672: 'Bad_SecurityModeRejected',
  2153054208: 'Bad_SecurityPolicyRejected',
  2153119744: 'Bad_TooManySessions',
  2153185280: 'Bad_UserSignatureInvalid',
  2155151360: 'Bad_MethodInvalid',
  2155216896: 'Bad_ArgumentsMissing',
  2155675648: 'Bad_TcpServerTooBusy',
  2155741184: 'Bad_TcpMessageTypeInvalid',
  2155806720: 'Bad_TcpSecureChannelUnknown',
  2155872256: 'Bad_TcpMessageTooLarge',
  2155937792: 'Bad_TcpNotEnoughResources',
  2156003328: 'Bad_TcpInternalError',
  2156068864: 'Bad_TcpEndpointUrlInvalid',
  2156134400: 'Bad_RequestInterrupted',
  2156199936: 'Bad_RequestTimeout',
  2156265472: 'Bad_SecureChannelClosed',
  2156331008: 'Bad_SecureChannelTokenUnknown',
  2156396544: 'Bad_SequenceNumberInvalid',
  2159935488: 'Bad_ProtocolVersionUnsupported',
};

/** A StatusCode is Bad when its two top bits are 10 (Part 4 §7.39). */
export const isBad = (status: number): boolean => status >>> 30 === 2;

export function statusText(status: number): string {
  const hex = `0x${status.toString(16).padStart(8, '0')}`;
  const name = STATUS_NAMES[(status & 0xffff0000) >>> 0];
  return name ? `${hex} ${name}` : hex;
}

/** Anomaly codes (prefixed `opcua.`). */
export const UaError = {
  TRUNCATED: 'truncated',
  BAD_HEADER: 'bad_header',
  BAD_MESSAGE: 'bad_message',
} as const;
export type UaErrorCode = (typeof UaError)[keyof typeof UaError];
