/** NetBIOS Name Service parser unit tests (RFC 1001 §14.1 names, RFC 1002 §4.2 records); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { buildNbns, encodeName, nbRecord, nbstatRData } from './build.js';
import { NbOpcode, NbType } from './consts.js';
import { decodeName, parseNbns } from './parse.js';

const { ok } = wholeBuffer(parseNbns);

describe('nbns names (RFC 1001 §14.1)', () => {
  it('encodes and decodes the first-level encoding', () => {
    // RFC 1001 §14.1's example: "FRED" padded with spaces to 16 bytes (so the 16th is 0x20).
    expect(encodeName('FRED', 0x20)).toBe('EGFCEFEECACACACACACACACACACACACA');
    expect(decodeName('EGFCEFEECACACACACACACACACACACACA')).toEqual({ name: 'FRED', suffix: 0x20 });
    expect(decodeName(encodeName('*', 0))).toEqual({ name: '*', suffix: 0 });
    expect(decodeName('egfcefeecacacacacacacacacacacaca')).toEqual({ name: 'FRED', suffix: 0x20 });
  });

  it('rejects labels that are not 32 characters of A–P', () => {
    expect(decodeName('EGFCEFEE')).toBeUndefined();
    expect(decodeName('ZZFCEFEECACACACACACACACACACACACA')).toBeUndefined();
  });
});

describe('nbns parse (RFC 1002 §4.2)', () => {
  it('reads a broadcast name query', () => {
    const m = ok(
      buildNbns({
        id: 0x1234,
        recursionDesired: true,
        broadcast: true,
        questions: [{ name: 'DBLICENSESERVER', suffix: 0x20 }],
      }),
    );
    expect(m).toMatchObject({ id: 0x1234, response: false, opcode: 0, broadcast: true, records: [] });
    expect(m.questions).toEqual([{ name: { name: 'DBLICENSESERVER', suffix: 0x20 }, type: NbType.NB }]);
  });

  it('reads a registration with its NB record pointing at the question name', () => {
    const m = ok(
      buildNbns({
        opcode: NbOpcode.REGISTRATION,
        broadcast: true,
        questions: [{ name: 'HMI-01', suffix: 0 }],
        additional: [nbRecord('HMI-01', 0, [{ ip: '10.0.0.21', ont: 1 }])],
      }),
    );
    expect(m.opcode).toBe(5);
    expect(m.records).toEqual([
      {
        section: 'additional',
        name: { name: 'HMI-01', suffix: 0 },
        type: NbType.NB,
        ttl: 300000,
        data: { kind: 'nb', entries: [{ group: false, ont: 1, ip: '10.0.0.21' }] },
      },
    ]);
  });

  it('reads a node status response: name table and unit id (§4.2.18)', () => {
    const rdata = nbstatRData(
      [
        { name: 'EWS-01', suffix: 0 },
        { name: 'PLANT', suffix: 0, group: true },
        { name: 'EWS-01', suffix: 0x20 },
      ],
      'b8:ae:ed:7e:1b:4c',
    );
    const m = ok(
      buildNbns({
        response: true,
        authoritative: true,
        answers: [{ name: encodeName('*', 0), type: NbType.NBSTAT, ttl: 0, data: { raw: rdata } }],
      }),
    );
    expect(m.records[0]!.data).toEqual({
      kind: 'nbstat',
      names: [
        { name: 'EWS-01', suffix: 0, group: false, active: true },
        { name: 'PLANT', suffix: 0, group: true, active: true },
        { name: 'EWS-01', suffix: 0x20, group: false, active: true },
      ],
      unitId: 'b8:ae:ed:7e:1b:4c',
    });
  });

  it('keeps scope ids', () => {
    const q = buildNbns({ questions: [{ name: 'A', suffix: 0 }] });
    const scoped = Buffer.concat([
      q.subarray(0, 12 + 33),
      Buffer.from([4, ...Buffer.from('corp'), 0, 0, 0x20, 0, 1]),
    ]);
    expect(ok(scoped).questions[0]!.name).toEqual({ name: 'A', suffix: 0, scope: 'corp' });
  });

  it('rejects bad names, bad NB lengths, short and truncated messages', () => {
    const q = buildNbns({ questions: [{ name: 'A', suffix: 0 }] });
    const badName = Buffer.from(q);
    badName[13] = 0x5a; // 'Z'
    expect(parseNbns(badName, 0, badName.length)).toMatchObject({ ok: false, code: 'bad_name' });
    expect(parseNbns(q, 0, 11)).toMatchObject({ ok: false, code: 'too_short' });
    expect(parseNbns(q, 0, q.length - 1)).toMatchObject({ ok: false, code: 'truncated' });
    const bad = buildNbns({
      response: true,
      answers: [{ name: encodeName('A', 0), type: NbType.NB, data: { raw: Buffer.alloc(5) } }],
    });
    expect(parseNbns(bad, 0, bad.length)).toMatchObject({ ok: false, code: 'bad_rdata' });
    const stat = buildNbns({
      response: true,
      answers: [{ name: encodeName('*', 0), type: NbType.NBSTAT, data: { raw: Buffer.from([9, 1, 2]) } }],
    });
    expect(parseNbns(stat, 0, stat.length)).toMatchObject({ ok: false, code: 'bad_rdata' });
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      buildNbns({
        opcode: 5,
        questions: [{ name: 'X', suffix: 0 }],
        additional: [nbRecord('X', 0, [{ ip: '1.2.3.4' }])],
      }),
      buildNbns({
        response: true,
        answers: [
          {
            name: encodeName('*', 0),
            type: NbType.NBSTAT,
            data: { raw: nbstatRData([{ name: 'A', suffix: 0 }], '02:00:00:00:00:01') },
          },
        ],
      }),
    ];
    neverThrowsOnTruncations(samples, parseNbns);
    neverThrowsOnMutations({ samples, parsers: [parseNbns], seed: 137 });
  });
});
