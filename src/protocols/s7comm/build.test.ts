/** The block download builders write what STEP 7 writes, and the parser reads it back. */
import { describe, expect, it } from 'vitest';
import { downloadBlockAck, requestDownloadJob } from './build.js';
import { Func, Rosctr } from './consts.js';
import { blockFileName, parseS7, type S7Pdu } from './parse.js';

function ok(b: Buffer): S7Pdu {
  const r = parseS7(b, 0, b.length);
  if (!r.ok) throw new Error(r.detail);
  return r.msg;
}

describe('block download builders', () => {
  it('Request download: file name and the length part, as STEP 7 sends it', () => {
    const job = requestDownloadJob(0x0e00, '_0A00001P', 500, 400);
    // Header: Job, PDU reference, parameter length 32, no data.
    expect(job.subarray(0, 10).toString('hex')).toBe('320100000e0000200000');
    expect(job.subarray(10).toString('latin1')).toBe(
      '\x1a\x00\x01\x00\x00\x00\x00\x00\x09_0A00001P\x0d1000500000400',
    );
    const m = ok(job);
    expect(m).toMatchObject({ rosctr: Rosctr.JOB, func: Func.REQUEST_DOWNLOAD, paramLen: 32, dataLen: 0 });
    expect(blockFileName(job, m)).toBe('_0A00001P');
    expect(() => requestDownloadJob(1, '_0A00001P', 1_000_000, 0)).toThrow(/six digits/);
  });

  it('Download block Ack_Data: status says whether more pieces follow; data is length, 0x00fb, bytes', () => {
    const piece = Buffer.from('7070010105', 'hex');
    const more = downloadBlockAck(0x0100, piece, true);
    expect(more.toString('hex')).toBe(`320300000100000200090000${'1b01'}0005${'00fb'}7070010105`);
    expect(ok(more)).toMatchObject({
      rosctr: Rosctr.ACK_DATA,
      func: Func.DOWNLOAD_BLOCK,
      paramLen: 2,
      dataLen: 9,
    });
    const last = downloadBlockAck(0x0300, Buffer.alloc(0), false);
    expect(last.subarray(12, 14).toString('hex')).toBe('1b00');
    expect(ok(last).dataLen).toBe(4);
  });
});
