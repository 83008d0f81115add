/** SSH identification line builder (RFC 4253 §4.2) for the project's own traces. Not on the capture path. */

export function banner(software: string, comments?: string): Buffer {
  return Buffer.from(`SSH-2.0-${software}${comments ? ` ${comments}` : ''}\r\n`, 'latin1');
}
