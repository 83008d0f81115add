/** Niagara Fox parser unit tests (the text hello); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { foxMessage } from './build.js';
import { messageEnd, parseFox } from './parse.js';

const { parse, ok } = wholeBuffer(parseFox);

describe('fox parse', () => {
  it('reads the command and the wanted keys of a hello, skipping others and object values', () => {
    const text = [
      'fox a 0 -1 fox hello',
      '{',
      'fox.version=s:1.0',
      'id=i:2',
      'hostName=s:192.168.2.15',
      'app.name=s:Station',
      'app.version=s:3.5.41.1',
      'os.name=s:QNX',
      'station.name=s:Legion_HQ_V4',
      'brandId=s:vykon',
      'sysInfo=o:bog 61[<bog version="1.0">',
      '<p m="b=baja" t="b:Facets" v=""/>',
      '</bog>',
      ']',
      '};;',
      '',
    ].join('\n');
    expect(ok(Buffer.from(text))).toEqual({
      command: 'hello',
      values: {
        hostName: '192.168.2.15',
        'app.name': 'Station',
        'app.version': '3.5.41.1',
        'os.name': 'QNX',
        'station.name': 'Legion_HQ_V4',
        brandId: 'vykon',
      },
    });
  });

  it('finds the end of a message and rejects text that is not Fox', () => {
    const b = Buffer.concat([
      foxMessage('hello', { hostName: 'h' }),
      Buffer.from('fox a 1 -1 fox challenge\n'),
    ]);
    expect(messageEnd(b, 0, b.length)).toBe(foxMessage('hello', { hostName: 'h' }).length);
    expect(messageEnd(b, 0, 10)).toBe(-1);
    expect(parse(Buffer.from('GET / HTTP/1.1\r\n'))).toMatchObject({ ok: false, code: 'bad_message' });
    expect(parse(Buffer.from('fox a\nnot a brace\n'))).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it('caps values', () => {
    const m = ok(foxMessage('hello', { hostName: 'x'.repeat(1000) }));
    expect(m.values.hostName).toHaveLength(256);
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [foxMessage('hello', { hostName: 'a', 'app.name': 'Station', 'station.name': 's' })];
    neverThrowsOnTruncations(samples, parseFox);
    neverThrowsOnMutations({ samples, parsers: [parseFox, messageEnd], seed: 1911, rounds: 3000 });
  });
});
