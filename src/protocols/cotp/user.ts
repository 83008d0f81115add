/**
 * The contract between the ISO transport analyzer (TPKT/COTP framing and TSDU reassembly) and
 * the protocols it carries on port 102: S7comm, S7comm-plus, and the OSI upper layers with MMS.
 * One user instance per flow and protocol, fed whole TSDUs per direction.
 */
import type { AnalyzerContext, Direction } from '../analyzer.js';
import { FlowEmitter } from '../emit.js';

/** Connection facts from CR / CC: TSAPs as hex (`0102`: S7 PG connection to rack 0, slot 2). */
export interface IsoConnection {
  callingTsap?: string;
  calledTsap?: string;
}

export interface IsoUser {
  /**
   * One whole TSDU of direction `dir`; `buf[off, off+len)` is only valid during the call.
   * Returns whether the bytes were this protocol (the flow's app is named after the first).
   */
  tsdu(dir: Direction, buf: Buffer, off: number, len: number): boolean;
  /** Bytes of direction `dir` were lost: drop what was half-assembled. */
  gap(dir: Direction): void;
  /** The flow ended: emit what was pending. */
  end(): void;
}

export type IsoUserFactory = (ctx: AnalyzerContext, conn: IsoConnection) => IsoUser;

/**
 * Emitters for a protocol's operations in both directions: `out[0]` for requests the flow's
 * client sends, `out[1]` for requests its server sends (peer-to-peer protocols such as ICCP
 * over MMS, or S7 connections where both ends are servers), with client and server swapped.
 * Anomalies go through `out[0]`.
 */
export function emitters(ctx: AnalyzerContext, protocol: string): readonly [FlowEmitter, FlowEmitter] {
  // The same context (every member, present and future) with the flow's ends swapped.
  const reversed: AnalyzerContext = Object.create(ctx, {
    flow: { value: { transport: ctx.flow.transport, client: ctx.flow.server, server: ctx.flow.client } },
  });
  return [new FlowEmitter(ctx, protocol), new FlowEmitter(reversed, protocol)];
}
