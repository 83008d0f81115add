/** HTTP/1.1 message head builders (RFC 9112) for the project's own traces. Not on the capture path. */

export function request(method: string, target: string, headers: Record<string, string>): Buffer {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

export function response(status: number, reason: string, headers: Record<string, string>, body = ''): Buffer {
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    body,
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
