/**
 * Modbus/TCP conversations of the sample plant (Modbus Messaging on TCP/IP Implementation
 * Guide v1.0b): an HMI polling over one long connection, a historian reading on short ones, an
 * engineer reading the device identification (FC 43/14) and writing set-points.
 */
import * as modbus from '../protocols/modbus/build.js';
import type { Host } from './frames.js';
import type { Identity } from './plant-model.js';
import { tcpConversation } from './tcp-session.js';
import type { Timeline } from './timeline.js';

export const SECOND = 1_000_000;

/** A cyclic poll: first cycle one period after `startUs`, the last at `durationSec`. */
export interface Poll {
  startUs: number;
  durationSec: number;
  everySec: number;
  /** The client's port. */
  cport: number;
  /** The cycle in which the operator also changes a set-point (none when undefined). */
  writeAtCycle?: number;
}

/** The cycles of a poll: their index and time. */
export function cycles(p: Poll): { k: number; us: number }[] {
  const out: { k: number; us: number }[] = [];
  for (let k = 0; (k + 1) * p.everySec <= p.durationSec; k++)
    out.push({ k, us: p.startUs + (k + 1) * p.everySec * SECOND });
  return out;
}

/** An HMI reads ten holding registers and sixteen coils each cycle. */
export function modbusPoll(t: Timeline, hmi: Host, plc: Host, unit: number, p: Poll): void {
  const s = tcpConversation(hmi, plc, p.cport, 502).open();
  t.at(p.startUs, s.frames.slice());
  let tid = 1;
  for (const { k, us } of cycles(p)) {
    const from = s.frames.length;
    s.send(modbus.mbap(tid, unit, modbus.readRequest(3, 0, 10)));
    s.reply(
      modbus.mbap(
        tid++,
        unit,
        modbus.readRegistersResponse(3, [k, 1200 + (k % 7), 35, 0, 1, 0, 0, 0, 0, 42]),
      ),
    );
    s.send(modbus.mbap(tid, unit, modbus.readRequest(1, 0, 16)));
    s.reply(
      modbus.mbap(
        tid++,
        unit,
        modbus.readBitsResponse(
          1,
          Array.from({ length: 16 }, (_, i) => (i + k) % 3 === 0),
        ),
      ),
    );
    if (k === p.writeAtCycle) {
      const request = modbus.writeSingleRegister(12, 1250);
      s.send(modbus.mbap(tid, unit, request)).reply(modbus.mbap(tid++, unit, request));
    }
    t.at(us, s.frames.slice(from), 400);
  }
}

/** A historian reads twenty input registers every `everySec`, one connection each time. */
export function modbusHistorian(t: Timeline, historian: Host, plc: Host, unit: number, p: Poll): void {
  for (const { k, us } of cycles(p)) {
    const s = tcpConversation(historian, plc, p.cport + k, 502).open();
    s.send(modbus.mbap(1, unit, modbus.readRequest(4, 100, 20)));
    s.reply(
      modbus.mbap(
        1,
        unit,
        modbus.readRegistersResponse(
          4,
          Array.from({ length: 20 }, (_, i) => 500 + i + k),
        ),
      ),
    );
    s.close();
    t.at(us, s.frames);
  }
}

/** Read Device Identification (basic: vendor, product code, revision), optionally followed by a set-point write. */
export function modbusEngineering(
  t: Timeline,
  ws: Host,
  plc: Host,
  unit: number,
  identity: Identity,
  at: { us: number; cport: number; writeSetpoints?: boolean },
): void {
  const s = tcpConversation(ws, plc, at.cport, 502).open();
  s.send(modbus.mbap(7, unit, modbus.readDeviceIdRequest(1)));
  s.reply(
    modbus.mbap(
      7,
      unit,
      modbus.readDeviceIdResponse([
        [0, identity.vendor ?? ''],
        [1, identity.model ?? ''],
        [2, identity.firmware ?? ''],
      ]),
    ),
  );
  if (at.writeSetpoints) {
    s.send(modbus.mbap(8, unit, modbus.writeMultipleRegisters(40, [1250, 1300])));
    s.reply(modbus.mbap(8, unit, modbus.writeMultipleResponse(40, 2)));
  }
  s.close();
  t.at(at.us, s.frames, 2_000);
}
