/**
 * The refusal a target itself would send for a request the gateway denies: a Message Router
 * reply (Vol 1 §2-4.2) naming the request's service, general status 0x0F "privilege violation"
 * (Appendix B), carried the way the request came (Vol 2 §3-2.1): an unconnected reply in a
 * SendRRData with the request's session handle and sender context (the originator matches it by
 * the context); a connected reply in a SendUnitData on the connection's T->O id with the
 * request's sequence count.
 */
import { cipResponse, sendRRData, sendUnitData } from '../../../protocols/enip/build.js';

/** General status "privilege violation" (Vol 1 Appendix B, Table B-1.1). */
export const PRIVILEGE_VIOLATION = 0x0f;

export interface RequestEnvelope {
  session: number;
  /** Sender context, as the two 32-bit halves the header holds. */
  context0: number;
  context1: number;
}

function context(e: RequestEnvelope): bigint {
  return BigInt(e.context0 >>> 0) | (BigInt(e.context1 >>> 0) << 32n);
}

/** SendRRData reply to an unconnected request (timeout 0: replies carry none). */
export function unconnectedDenial(e: RequestEnvelope, service: number): Buffer {
  return sendRRData(
    cipResponse(service, PRIVILEGE_VIOLATION),
    { session: e.session, context: context(e) },
    0,
  );
}

/** SendUnitData reply to a connected request: the T->O connection id and the request's sequence count. */
export function connectedDenial(e: RequestEnvelope, toId: number, sequence: number, service: number): Buffer {
  return sendUnitData(toId, sequence, cipResponse(service, PRIVILEGE_VIOLATION), {
    session: e.session,
    context: context(e),
  });
}
