/** The resend/resync core the widget, the console and the test client share (protocol/conversation-sync.ts). */
import { describe, expect, it } from 'vitest';
import { ConversationSync, type OutboxItem } from '../../protocol/conversation-sync.ts';

interface Message {
  seq: number;
  text: string;
  clientMsgId?: string;
}
interface Item extends OutboxItem {
  text: string;
}

function setup(saved: Item[] = []) {
  const saves: (readonly Item[])[] = [];
  const sync = new ConversationSync<Message, Item>(
    saved,
    (items) => saves.push(items),
    (held, incoming) => held.text === incoming.text,
  );
  return { sync, saves };
}

describe('ConversationSync', () => {
  it('resends what the server has not stored, and saves the outbox on every change', () => {
    const { sync, saves } = setup([{ clientMsgId: 'saved-before-reload', text: 'hi' }]);
    sync.enqueue({ clientMsgId: 'b', text: 'second' });
    expect(sync.toResend().map((item) => item.clientMsgId)).toEqual(['saved-before-reload', 'b']);
    expect(saves.at(-1)?.map((item) => item.clientMsgId)).toEqual(['saved-before-reload', 'b']);
  });

  it('an ack puts our copy in the transcript at the server seq and settles the item', () => {
    const { sync, saves } = setup();
    sync.enqueue({ clientMsgId: 'a', text: 'where is my order' });
    const acked = sync.ack('a', 7, (item) => ({ seq: 7, text: item.text, clientMsgId: item.clientMsgId }));
    expect(acked?.clientMsgId).toBe('a');
    expect(sync.ordered()).toEqual([{ seq: 7, text: 'where is my order', clientMsgId: 'a' }]);
    expect(sync.lastSeq).toBe(7);
    expect(sync.outbox).toEqual([]);
    expect(saves.at(-1)).toEqual([]);
    // A second ack of the same message (a retried send) changes nothing.
    expect(sync.ack('a', 7, () => ({ seq: 7, text: 'other' }))).toBeUndefined();
    expect(sync.ordered()).toHaveLength(1);
  });

  it('a replayed message of ours settles the outbox item, as an ack would', () => {
    const { sync } = setup();
    sync.enqueue({ clientMsgId: 'a', text: 'hello' });
    expect(sync.take({ seq: 3, text: 'hello', clientMsgId: 'a' })).toBe('new');
    expect(sync.outbox).toEqual([]);
  });

  it('tells a duplicate delivery from a different message at a held seq, and keeps the first', () => {
    const { sync } = setup();
    expect(sync.take({ seq: 1, text: 'one' })).toBe('new');
    expect(sync.take({ seq: 1, text: 'one' })).toBe('same');
    expect(sync.take({ seq: 1, text: 'changed' })).toBe('different');
    expect(sync.ordered()).toEqual([{ seq: 1, text: 'one' }]);
  });

  it('resync replaces the transcript and lastSeq, settling our replayed items', () => {
    const { sync } = setup();
    sync.take({ seq: 9, text: 'stale' });
    sync.enqueue({ clientMsgId: 'mine', text: 'mine' });
    sync.resync([
      { seq: 1, text: 'a' },
      { seq: 2, text: 'mine', clientMsgId: 'mine' },
    ]);
    expect(sync.ordered().map((m) => m.seq)).toEqual([1, 2]);
    expect(sync.lastSeq).toBe(2);
    expect(sync.outbox).toEqual([]);
  });

  it('failed and acked-awaiting items are kept but never resent', () => {
    const { sync } = setup();
    sync.enqueue({ clientMsgId: 'long', text: 'x' });
    sync.enqueue({ clientMsgId: 'note', text: 'n' });
    sync.enqueue({ clientMsgId: 'ok', text: 'y' });
    sync.fail('long', 'too long');
    sync.markAcked('note');
    expect(sync.outbox.map((item) => [item.clientMsgId, item.failed ?? null, item.acked ?? false])).toEqual([
      ['long', 'too long', false],
      ['note', null, true],
      ['ok', null, false],
    ]);
    expect(sync.toResend().map((item) => item.clientMsgId)).toEqual(['ok']);
    expect(sync.fail('unknown', 'x')).toBeUndefined();
  });

  it('clear forgets the transcript and the outbox', () => {
    const { sync, saves } = setup([{ clientMsgId: 'a', text: 'a' }]);
    sync.take({ seq: 4, text: 'x' });
    sync.clear();
    expect(sync.ordered()).toEqual([]);
    expect(sync.lastSeq).toBe(0);
    expect(sync.outbox).toEqual([]);
    expect(saves.at(-1)).toEqual([]);
  });
});
