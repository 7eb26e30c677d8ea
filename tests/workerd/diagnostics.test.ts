/** The diagnostics route exists only where DIAGNOSTICS=on (the load and fault servers), never by default. */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openAndHello } from './sockets.ts';

describe('diagnostics', () => {
  it('is not served without DIAGNOSTICS=on: 404, as if the route did not exist, even for a live conversation', async () => {
    const { socket, welcome } = await openAndHello({});
    const response = await SELF.fetch(`http://kefu.test/v1/diagnostics/conversations/${encodeURIComponent(welcome.conversationId)}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found', message: 'Not found.' });
    socket.close();
  });
});
