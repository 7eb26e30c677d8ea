/**
 * MetaStore reads from memory and writes through: what one copy wrote, a fresh copy over the same
 * SQLite (the object after a wake) reads, and a write of the value a key already has writes nothing.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MetaStore } from '../../worker/meta-store.ts';

const rows = (sql: SqlStorage) => sql.exec<{ key: string; value: string }>('SELECT key, value FROM meta_test ORDER BY key').toArray();

describe('MetaStore', () => {
  it('writes through to SQLite, so a fresh copy reads what the first wrote, deleted keys and erasure included', async () => {
    const stub = env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName('meta-store-test'));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      const first = new MetaStore(sql, 'meta_test');
      first.set('state', 'bot');
      first.setJson('shopper', { name: 'Ana' });
      first.set('idleSince', '5');
      expect(first.get('state')).toBe('bot');

      const woken = new MetaStore(sql, 'meta_test');
      expect(woken.get('state')).toBe('bot');
      expect(woken.getJson('shopper')).toEqual({ name: 'Ana' });

      woken.set('idleSince', null);
      woken.set('state', 'queued');
      expect(woken.get('idleSince')).toBeNull();
      expect(rows(sql)).toEqual([
        { key: 'shopper', value: '{"name":"Ana"}' },
        { key: 'state', value: 'queued' },
      ]);

      woken.clear();
      expect(woken.get('state')).toBeNull();
      expect(rows(sql)).toEqual([]);
      expect(new MetaStore(sql, 'meta_test').get('shopper')).toBeNull();
    });
  });

  it('writes nothing when a key already has the value (or is already unset)', async () => {
    const stub = env.SITE_HISTORY.get(env.SITE_HISTORY.idFromName('meta-store-test-2'));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      const meta = new MetaStore(sql, 'meta_test');
      meta.set('state', 'bot');
      // Changed behind the store's back (never done in kefu): an unchanged set() leaves it alone,
      // which shows it wrote nothing; a changed one writes.
      sql.exec(`UPDATE meta_test SET value = 'marker' WHERE key = 'state'`);
      meta.set('state', 'bot');
      meta.set('idleSince', null);
      expect(rows(sql)).toEqual([{ key: 'state', value: 'marker' }]);
      meta.set('state', 'closed');
      expect(rows(sql)).toEqual([{ key: 'state', value: 'closed' }]);
    });
  });
});
