/**
 * Niagara Fox hello builder (the text framing described in consts.ts) for the project's own
 * traces: golden tests and the plant simulator. Not on the capture path.
 */

/** "fox a <n> -1 fox <command>" with string (s:) values, ending "};;". */
export function foxMessage(command: string, values: Record<string, string>, n = 0): Buffer {
  const lines = [
    `fox a ${n} -1 fox ${command}`,
    '{',
    ...Object.entries(values).map(([k, v]) => `${k}=s:${v}`),
    '};;',
    '',
  ];
  return Buffer.from(lines.join('\n'), 'latin1');
}
