/**
 * A Modbus/TCP PLC for tests and the benchmark: modbus-serial's ServerTCP on a free loopback
 * port, serving 1000 holding registers (register i starts as i) and 64 coils, and counting the
 * writes that reached it.
 */
import { type AddressInfo, createServer } from 'node:net';
import MB from 'modbus-serial';

export interface PlcSimulator {
  port: number;
  holding: number[];
  coils: boolean[];
  writes: number;
  close(): Promise<void>;
}

/** A port nobody listens on right now (modbus-serial takes 0 to mean its default, 502). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function plcSimulator(): Promise<PlcSimulator> {
  const port = await freePort();
  const holding = Array.from({ length: 1000 }, (_, i) => i);
  const coils = Array.from({ length: 64 }, () => false);
  const sim = { holding, coils, writes: 0 };
  const server = new MB.ServerTCP(
    {
      getHoldingRegister: (addr: number) => holding[addr] ?? 0,
      getInputRegister: (addr: number) => holding[addr] ?? 0,
      getCoil: (addr: number) => coils[addr] ?? false,
      setRegister: (addr: number, value: number) => {
        sim.writes++;
        holding[addr] = value;
      },
      setCoil: (addr: number, value: boolean) => {
        sim.writes++;
        coils[addr] = value;
      },
    },
    { host: '127.0.0.1', port, unitID: 255 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  return Object.assign(sim, {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
