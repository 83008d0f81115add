/**
 * An S7 PLC for tests: ISO-on-TCP on a free loopback port, answering the connection request,
 * Setup communication, Read Var (bytes 0, 1, 2, …), Write Var (stored), PLC stop, PI service
 * and block download requests with the project's S7comm frame builders, and logging every job
 * that reached it.
 */
import { type AddressInfo, createServer, type Server } from 'node:net';
import { cc, dt } from '../../protocols/cotp/build.js';
import { measureTpkt, parseTpkt } from '../../protocols/cotp/parse.js';
import { ackData, readVarAck, setupAck, writeVarAck } from '../../protocols/s7comm/build.js';
import { Func, Rosctr } from '../../protocols/s7comm/consts.js';
import { parseItems, parseS7 } from '../../protocols/s7comm/parse.js';

export interface S7Simulator {
  port: number;
  /** Job functions received, in order. */
  jobs: number[];
  close(): Promise<void>;
}

export async function s7Simulator(): Promise<S7Simulator> {
  const jobs: number[] = [];
  const server: Server = createServer((s) => {
    let rest = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      rest = Buffer.concat([rest, chunk]);
      for (;;) {
        const len = measureTpkt(rest, 0, rest.length);
        if (len <= 0 || rest.length < len) return;
        const frame = rest.subarray(0, len);
        rest = rest.subarray(len);
        const t = parseTpkt(frame, 0, len);
        if (!t.ok) return void s.destroy();
        if (t.tpdu.type === 'CR') s.write(cc({ dstRef: 1, srcRef: 2 }));
        if (t.tpdu.type !== 'DT') continue;
        const p = parseS7(frame, t.tpdu.dataOff, t.tpdu.dataLen);
        if (!p.ok || p.msg.rosctr !== Rosctr.JOB) continue;
        const m = p.msg;
        jobs.push(m.func);
        if (m.func === Func.SETUP_COMMUNICATION) s.write(dt(setupAck(m.pduRef)));
        else if (m.func === Func.READ_VAR || m.func === Func.WRITE_VAR) {
          const items = parseItems(frame, m);
          const n = typeof items === 'string' ? 0 : items.total;
          if (m.func === Func.READ_VAR)
            s.write(
              dt(
                readVarAck(
                  m.pduRef,
                  Array.from({ length: n }, (_, i) => Buffer.from([i, i + 1])),
                ),
              ),
            );
          else
            s.write(
              dt(
                writeVarAck(
                  m.pduRef,
                  Array.from({ length: n }, () => 0xff),
                ),
              ),
            );
        } else s.write(dt(ackData(m.pduRef, m.func)));
      }
    });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    jobs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
