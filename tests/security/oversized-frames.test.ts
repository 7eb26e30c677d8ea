/**
 * Finding 14: frames far past the limit, and slow frames. kefu refuses anything over
 * MAX_FRAME_BYTES (16 KB) with an error frame and keeps the socket; beyond workerd's own cap the
 * runtime drops the frame before kefu sees it (no message, no webSocketError reaches the
 * Durable Object, so there is nothing to answer and nothing to close). This records what the
 * client then observes.
 */
import { describe, expect, inject, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../protocol/limits.ts';
import { openShopper, printTable, sayAcked } from './lib/client.ts';

const { baseUrl } = inject('kefuSecurity');

describe('oversized frames', () => {
  it('a frame over the protocol limit, even 1 MB, gets an error frame and the socket lives; what 40 MB does is recorded', async () => {
    const rows: Record<string, string | number>[] = [];
    for (const size of [MAX_FRAME_BYTES + 1, 1024 * 1024 + 1, 40 * 1024 * 1024]) {
      const { socket } = await openShopper(baseUrl);
      const before = socket.frames.length;
      socket.sendRaw(JSON.stringify({ v: 1, type: 'message', clientMsgId: 'oversized-1', text: 'x'.repeat(size) }));
      const outcome = await Promise.race([
        socket.waitFor('error', undefined, 10_000).then((frame) => `error frame ${String(frame.code)}`),
        socket.waitClosed(10_000).then(() => (socket.closed ? `closed ${socket.closed.code}` : 'nothing within 10 s')),
      ]).catch((error: Error) => `nothing: ${error.message.slice(0, 60)}`);
      let usable = 'no';
      if (!socket.closed) {
        usable = await sayAcked(socket, 'still there?', 2).then(
          () => 'yes',
          () => 'no',
        );
      }
      rows.push({ 'frame bytes': size, 'client observes': outcome, 'socket still usable': usable, 'frames after': socket.frames.length - before });
      socket.close();
    }
    printTable('Oversized frames (finding 14)', rows);
    expect(rows[0]!['client observes']).toBe('error frame frame_too_large');
    expect(rows[0]!['socket still usable']).toBe('yes');
    expect(rows[1]!['client observes']).toBe('error frame frame_too_large');
    expect(rows[1]!['socket still usable']).toBe('yes');
    // 40 MB: workerd drops it before the Durable Object sees anything (no message, no
    // webSocketError), so kefu cannot answer or close; the client learns only by its own timeouts.
  });
});
