/**
 * Socket plumbing shared by both Durable Objects: one way to send a frame, answer a close and
 * build an error frame. A send or close on a socket that closed under us is not an error: the
 * client resumes with its lastSeq (or reconnects to the inbox and gets a snapshot).
 */
import type { AgentErrorCode, ErrorCode } from '../protocol/index.ts';

/** A frame, or one already serialised (sent to many sockets). */
export function sendFrame(ws: WebSocket, frame: object | string): void {
  try {
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  } catch {
    // closed under us
  }
}

export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}

/** webSocketClose: complete the closing handshake. 1005 ("no status") may not be sent back. */
export function answerClose(ws: WebSocket, code: number, reason: string): void {
  closeSocket(ws, code === 1005 ? 1000 : code, reason);
}

/** The error frame of every socket protocol: a code for programs, a sentence for people. */
export function errorFrame<C extends ErrorCode | AgentErrorCode>(
  code: C,
  message: string,
  about: { clientMsgId?: string; conversationId?: string } = {},
): { v: 1; type: 'error'; code: C; message: string; clientMsgId?: string; conversationId?: string } {
  const frame: { v: 1; type: 'error'; code: C; message: string; clientMsgId?: string; conversationId?: string } = { v: 1, type: 'error', code, message };
  if (about.clientMsgId !== undefined) frame.clientMsgId = about.clientMsgId;
  if (about.conversationId !== undefined) frame.conversationId = about.conversationId;
  return frame;
}

/** What a client sees when handling its frame threw: never the stack (that goes to the log). */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';
