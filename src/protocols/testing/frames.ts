/**
 * Test support (excluded from the build): the decoded payloads of a public capture's frames,
 * so parser tests can run on real bytes. Used by the goose, profinet_dcp and opcua tests.
 */
import { decode } from '../../capture/decode.js';
import { Packet } from '../../capture/packet.js';
import { readCapture } from '../../capture/reader.js';
import { openFile } from '../../capture/source.js';
import { PCAPS } from './captures.js';

export interface PublicFrame {
  /** 1-based frame number, as tshark counts. */
  frame: number;
  ethertype: number;
  srcPort: number;
  dstPort: number;
  /** A copy of the L2 payload (no IP layer) or of the TCP/UDP payload. */
  payload: Buffer;
}

export async function publicFrames(path: string): Promise<PublicFrame[]> {
  const out: PublicFrame[] = [];
  const p = new Packet();
  let n = 0;
  await readCapture(await openFile(`${PCAPS}${path}`), {
    packet(linktype, tsUs, buf, off, caplen, origLen) {
      n++;
      p.reset();
      p.linktype = linktype;
      p.tsUs = tsUs;
      p.data = buf;
      p.off = off;
      p.caplen = caplen;
      p.origLen = origLen;
      decode(p);
      const l3 = p.l3 !== 0;
      const [o, l] = l3 ? [p.payloadOff, p.payloadLen] : [p.l2PayloadOff, p.l2PayloadLen];
      out.push({
        frame: n,
        ethertype: p.ethertype,
        srcPort: p.srcPort,
        dstPort: p.dstPort,
        payload: Buffer.from(buf.subarray(o, o + l)),
      });
    },
  });
  return out;
}
