/** SSH identification parser unit tests (RFC 4253 §4.2); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { banner } from './build.js';
import { parseBanner } from './parse.js';

const { parse, ok } = wholeBuffer(parseBanner);

describe('ssh parse (RFC 4253 §4.2)', () => {
  it('splits protocol, software and comments', () => {
    expect(ok(banner('OpenSSH_8.9p1', 'Ubuntu-3ubuntu0.10'))).toEqual({
      banner: 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10',
      protocol: '2.0',
      software: 'OpenSSH_8.9p1',
      comments: 'Ubuntu-3ubuntu0.10',
      end: 42,
    });
    expect(ok(Buffer.from('SSH-1.99-Cisco-1.25\n'))).toMatchObject({
      protocol: '1.99',
      software: 'Cisco-1.25',
    });
  });

  it('skips lines a server sends before its identification', () => {
    expect(ok(Buffer.from('Welcome\r\nto plant\r\nSSH-2.0-dropbear_2022.83\r\n')).software).toBe(
      'dropbear_2022.83',
    );
  });

  it('waits for a line end; rejects bad identifications', () => {
    expect(parse(Buffer.from('SSH-2.0-Open'))).toMatchObject({ ok: false, code: 'incomplete' });
    expect(parse(Buffer.from('SSH-2.0\r\n'))).toMatchObject({ ok: false, code: 'bad_banner' });
    expect(parse(Buffer.from(`SSH-2.0-${'x'.repeat(300)}\r\n`))).toMatchObject({
      ok: false,
      code: 'bad_banner',
    });
    expect(parse(Buffer.from('SSH-2.0-a\x01b\r\n'))).toMatchObject({ ok: false, code: 'bad_banner' });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [banner('OpenSSH_9.6', 'Debian'), Buffer.from('hello\nSSH-2.0-x\n')];
    neverThrowsOnTruncations(samples, parseBanner);
    neverThrowsOnMutations({ samples, parsers: [parseBanner], seed: 22, rounds: 3000 });
  });
});
