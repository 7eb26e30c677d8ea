import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openAndHello, say } from './sockets.ts';

describe('the bot over the shopper socket', () => {
  it('answers a shop question with the right article, its confidence and a helpfulness prompt', async () => {
    const { socket } = await openAndHello();
    const seq = await say(socket, 'Do you ship to Canada and who pays customs duties?');
    const reply = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(reply.message.bot).toMatchObject({ kind: 'answer', article: { id: 'international-shipping' }, askFeedback: true });
    if (reply.message.bot?.kind === 'answer') {
      expect(reply.message.bot.confidence).toBeGreaterThan(0.5);
      expect(reply.message.bot.article.html).toContain('<p>');
      expect(reply.message.text.startsWith(reply.message.bot.article.title)).toBe(true);
    }
    socket.close();
  });

  it('answers a Chinese question from the Chinese articles, even on an English page', async () => {
    const { socket } = await openAndHello({ locale: 'en' });
    const seq = await say(socket, '我忘记密码了，怎么重置？');
    const reply = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(reply.message.bot).toMatchObject({ kind: 'answer', article: { id: 'reset-password' } });
    expect(reply.message.text).toMatch(/[\u4e00-\u9fff]/);
    socket.close();
  });

  it('hands off a question the knowledge base cannot answer, and counts it as a knowledge gap', async () => {
    const { socket } = await openAndHello();
    const seq = await say(socket, 'Can you recommend a good plumber in Leeds for my kitchen sink?');
    const reply = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(reply.message.bot?.kind).toBe('handoff');
    if (reply.message.bot?.kind === 'handoff') expect(['low_confidence', 'out_of_scope']).toContain(reply.message.bot.reason);
    // No agent is online in this test, so the shopper is offered the offline form.
    await socket.waitFor('state', (frame) => frame.state === 'offline' || frame.state === 'queued');
    socket.close();
    {
      const response = await SELF.fetch('http://kefu.test/v1/admin/sites/demo/knowledge-gaps', { headers: { authorization: 'Bearer workerd-admin-key' } });
      const { gaps } = (await response.json()) as { gaps: { question: string; count: number }[] };
      expect(gaps).toContainEqual(expect.objectContaining({ question: 'can you recommend a good plumber in leeds for my kitchen sink?', count: 1 }));
    }
  });

  it('hands off at once on 转人工', async () => {
    const { socket } = await openAndHello({ locale: 'zh' });
    const seq = await say(socket, '转人工');
    const reply = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(reply.message.bot).toMatchObject({ kind: 'handoff', reason: 'requested_human' });
    expect(reply.message.text).toBe('我为您转接人工客服。');
    socket.close();
  });

  it('greets back instead of answering with an article, and a "no" on helpfulness offers other articles', async () => {
    const { socket } = await openAndHello();
    const helloSeq = await say(socket, 'hello!');
    const greeting = await socket.waitFor('message', (frame) => frame.message.seq > helloSeq && frame.message.author === 'bot');
    expect(greeting.message.bot?.kind).toBe('smalltalk');

    const seq = await say(socket, 'Do you ship to Canada and who pays customs duties?');
    const answer = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.bot?.kind === 'answer');
    socket.send({ v: 1, type: 'feedback', seq: answer.message.seq, helpful: false });
    const followUp = await socket.waitFor('message', (frame) => frame.message.seq > answer.message.seq && frame.message.author === 'bot');
    expect(['suggest', 'handoff']).toContain(followUp.message.bot?.kind);
    if (followUp.message.bot?.kind === 'suggest') {
      expect(followUp.message.bot.suggestions.map((s) => s.id)).not.toContain('international-shipping');
    }
    socket.close();
  });

  it('answers a probable match and offers the next articles as "Not quite? …" chips that answer when chosen', async () => {
    const { socket } = await openAndHello();
    const seq = await say(socket, 'package stuck in customs');
    const reply = await socket.waitFor('message', (frame) => frame.message.seq > seq && frame.message.author === 'bot');
    expect(reply.message.bot).toMatchObject({ kind: 'answer', article: { id: 'international-shipping' }, askFeedback: true });
    const alternatives = reply.message.bot?.kind === 'answer' ? (reply.message.bot.alternatives ?? []) : [];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(alternatives.map((a) => a.id)).toContain('track-order');
    for (const a of alternatives) expect(a.title.length).toBeGreaterThan(0);
    socket.send({ v: 1, type: 'choose_article', clientMsgId: 'not-quite-chip-0001', articleId: alternatives[0]!.id });
    const chosen = await socket.waitFor('message', (frame) => frame.message.seq > reply.message.seq && frame.message.bot?.kind === 'answer');
    expect(chosen.message.bot).toMatchObject({ kind: 'answer', article: { id: alternatives[0]!.id } });
    socket.close();
  });
});
