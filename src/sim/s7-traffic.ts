/**
 * S7comm conversations of the sample plant with an S7-300 CPU, over ISO-on-TCP (RFC 1006,
 * port 102) and COTP class 0, laid out as STEP 7 and WinCC write them (public Wireshark S7comm
 * dissector): an HMI connects as an OP and reads data blocks every cycle; an engineering
 * workstation connects as a PG, reads the module and component identification (SZL 0x0011,
 * 0x001c), stops the CPU, downloads blocks (Request download; the CPU pulls each block with
 * Download block jobs, 222 bytes a piece in a 240-byte PDU; Download ended; PI _INSE activates
 * it) and starts the CPU again (PI P_PROGRAM, warm restart).
 */
import { cc, cr, dt, s7Tsap } from '../protocols/cotp/build.js';
import {
  ackData,
  blockJob,
  componentRecord,
  downloadBlockAck,
  moduleRecord,
  piServiceJob,
  plcStopJob,
  readVarAck,
  readVarJob,
  requestDownloadJob,
  setupAck,
  setupJob,
  szlData,
  szlRequestData,
  userdataRequest,
  userdataResponse,
  writeVarAck,
  writeVarJob,
} from '../protocols/s7comm/build.js';
import { Area, Func } from '../protocols/s7comm/consts.js';
import type { Host } from './frames.js';
import { type Mc7Block, mc7Bytes } from './mc7.js';
import { cycles, type Poll } from './modbus-traffic.js';
import type { Identity, S7Cpu } from './plant-model.js';
import { type TcpSession, tcpConversation } from './tcp-session.js';
import type { Timeline } from './timeline.js';

/** Connection types in the first TSAP byte. */
const PG = 1;
const OP = 2;
/** The PDU size an S7-300 grants. */
const PDU = 240;
/** Block bytes per Download block answer: the PDU less header (12), parameter (2) and data head (4). */
const PIECE = PDU - 18;

/** An S7 connection: TCP, COTP connect with TSAPs and a 1024-byte TPDU size, Setup communication. */
class S7Link {
  readonly s: TcpSession;
  private ref = 0;

  constructor(client: Host, plc: Host, cpu: S7Cpu, connectionType: number, cport: number) {
    this.s = tcpConversation(client, plc, cport, 102).open();
    const tsaps = { callingTsap: s7Tsap(PG, 0, 0), calledTsap: s7Tsap(connectionType, cpu.rack, cpu.slot) };
    this.s.send(cr({ srcRef: cport & 0xffff, tpduSizeCode: 10, ...tsaps }));
    this.s.reply(cc({ dstRef: cport & 0xffff, srcRef: 0x4431, tpduSizeCode: 10, ...tsaps }));
    const ref = this.next();
    this.s.send(dt(setupJob(ref, 480))).reply(dt(setupAck(ref, PDU)));
  }

  /** The next PDU reference of the client's requests. */
  next(): number {
    this.ref = (this.ref + 1) & 0xffff;
    return this.ref;
  }

  /** A request and its answer. */
  ask(request: (ref: number) => Buffer, answer: (ref: number) => Buffer): this {
    const ref = this.next();
    this.s.send(dt(request(ref))).reply(dt(answer(ref)));
    return this;
  }
}

const PROCESS_DATA = { area: Area.DB, db: 10, byte: 0, size: 2, count: 32 };
const COUNTERS = { area: Area.DB, db: 11, byte: 0, size: 4, count: 8 };
const SETPOINT = { area: Area.DB, db: 10, byte: 40, size: 4, count: 1 };

/** An HMI (OP connection) reads two data blocks every cycle; the operator changes one set-point. */
export function s7Poll(t: Timeline, hmi: Host, plc: Host, cpu: S7Cpu, p: Poll): void {
  const link = new S7Link(hmi, plc, cpu, OP, p.cport);
  t.at(p.startUs, link.s.frames.slice());
  for (const { k, us } of cycles(p)) {
    const from = link.s.frames.length;
    const values = Buffer.alloc(32);
    values.writeUInt16BE(k, 0);
    values.writeUInt16BE(1180 + (k % 11), 2);
    values[4] = k % 2;
    const counters = Buffer.alloc(16);
    counters.writeUInt32BE(1000 + k * 3, 0);
    link.ask(
      (ref) => readVarJob(ref, [PROCESS_DATA, COUNTERS]),
      (ref) => readVarAck(ref, [values, counters]),
    );
    if (k === p.writeAtCycle) {
      link.ask(
        (ref) => writeVarJob(ref, [SETPOINT], [Buffer.from([0x04, 0xe2])]),
        (ref) => writeVarAck(ref, [0xff]),
      );
    }
    t.at(us, link.s.frames.slice(from), 400);
  }
}

/** SZL 0x0011 (order number, hardware, firmware) and 0x001c (names, serial) as the CPU answers them. */
function identify(link: S7Link, cpu: S7Cpu, id: Identity): void {
  const model = id.model ?? '';
  const [major, minor, patch] = (id.firmware ?? 'V0.0.0').slice(1).split('.').map(Number) as [
    number,
    number,
    number,
  ];
  const modules = szlData(0x0011, 0, 28, [
    moduleRecord(0x0001, model, 4, 1),
    moduleRecord(0x0006, model, 4, 1),
    moduleRecord(0x0007, '', 0x5600 | major, (minor << 8) | patch),
  ]);
  const components = szlData(0x001c, 0, 34, [
    componentRecord(0x0001, id.name ?? ''),
    componentRecord(0x0002, cpu.moduleType),
    componentRecord(0x0003, ''),
    componentRecord(0x0004, 'Original Siemens Equipment'),
    componentRecord(0x0005, id.serial ?? ''),
    componentRecord(0x0007, cpu.moduleType),
  ]);
  link.ask(
    (ref) => userdataRequest(ref, 4, 1, szlRequestData(0x0011, 0)),
    (ref) => userdataResponse(ref, 4, 1, modules),
  );
  link.ask(
    (ref) => userdataRequest(ref, 4, 1, szlRequestData(0x001c, 0)),
    (ref) => userdataResponse(ref, 4, 1, components),
  );
}

/** An engineering tool reads the CPU's identity and disconnects. */
export function s7Identify(
  t: Timeline,
  ws: Host,
  plc: Host,
  cpu: S7Cpu,
  id: Identity,
  at: { us: number; cport: number },
): void {
  const link = new S7Link(ws, plc, cpu, PG, at.cport);
  identify(link, cpu, id);
  link.s.close();
  t.at(at.us, link.s.frames, 1_500);
}

/**
 * STEP 7 "download to module" with the CPU in RUN: identity, stop, each block downloaded and
 * activated, warm restart.
 */
export function s7Download(
  t: Timeline,
  ws: Host,
  plc: Host,
  cpu: S7Cpu,
  id: Identity,
  blocks: readonly Mc7Block[],
  at: { us: number; cport: number },
): void {
  const link = new S7Link(ws, plc, cpu, PG, at.cport);
  identify(link, cpu, id);
  link.ask(plcStopJob, (ref) => ackData(ref, Func.PLC_STOP));
  // The CPU's own jobs (Download block, Download ended) number from 0x0100 up.
  let plcRef = 0x0100;
  for (const block of blocks) {
    const bytes = mc7Bytes(block);
    const file = `_${block.type}${String(block.number).padStart(5, '0')}P`;
    link.ask(
      (ref) => requestDownloadJob(ref, file, bytes.length, block.code.length),
      (ref) => ackData(ref, Func.REQUEST_DOWNLOAD),
    );
    for (let off = 0; off < bytes.length; off += PIECE) {
      const piece = bytes.subarray(off, off + PIECE);
      link.s.reply(dt(blockJob(Func.DOWNLOAD_BLOCK, plcRef, file)));
      link.s.send(dt(downloadBlockAck(plcRef, piece, off + PIECE < bytes.length)));
      plcRef += 0x0200;
    }
    link.s.reply(dt(blockJob(Func.DOWNLOAD_ENDED, plcRef, file)));
    link.s.send(dt(ackData(plcRef, Func.DOWNLOAD_ENDED)));
    plcRef += 0x0200;
    const inse = Buffer.from(`\x01\x00${file.slice(1)}`, 'latin1');
    link.ask(
      (ref) => piServiceJob(ref, '_INSE', inse),
      (ref) => ackData(ref, Func.PI_SERVICE),
    );
  }
  link.ask(
    (ref) => piServiceJob(ref, 'P_PROGRAM'),
    (ref) => ackData(ref, Func.PI_SERVICE),
  );
  link.s.close();
  t.at(at.us, link.s.frames, 2_000);
}
