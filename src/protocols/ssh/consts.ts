/**
 * SSH tables. Spec: RFC 4253 §4.2 (protocol version exchange: "SSH-protoversion-
 * softwareversion SP comments CR LF", at most 255 characters; a server may send other lines
 * first).
 */

export const SSH_PORT = 22;
/** RFC 4253 §4.2: the identification line is at most 255 characters, CR LF included. */
export const MAX_BANNER = 255;
/** Bytes read per direction while looking for the identification line. */
export const MAX_PREFACE = 1024;
