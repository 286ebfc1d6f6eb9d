/** SQLite store specifics: the file and its table, reopening, two stores on one file, expiry and purging. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { expectConflict, useTempDirs } from './helpers/storage.js';

const tempDir = useTempDirs();

describe('SqliteStorage specifics', () => {
  it('creates the parent directory, uses WAL mode and the documented table', async () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'state.sqlite');
    const store = new SqliteStorage({ path: file });
    await store.write({ k: { v: 1 } });
    expect(fs.existsSync(file)).toBe(true);

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const columns = raw.prepare('PRAGMA table_info(items)').all() as { name: string; type: string; notnull: number; pk: number }[];
      expect(columns.map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
        ['key', 'TEXT', 0, 1],
        ['doc', 'TEXT', 1, 0],
        ['etag', 'TEXT', 1, 0],
        ['expires_at', 'INTEGER', 0, 0],
      ]);
      const row = raw.prepare('SELECT doc, etag, expires_at FROM items WHERE key = ?').get('k') as {
        doc: string;
        etag: string;
        expires_at: number | null;
      };
      expect(JSON.parse(row.doc)).toEqual({ v: 1 }); // eTag lives in its own column only
      expect(row.expires_at).toBeNull();
      expect((await store.read(['k']))['k'].eTag).toBe(row.etag);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('keeps data across reopening the same file', async () => {
    const file = path.join(tempDir(), 'state.sqlite');
    const first = new SqliteStorage({ path: file });
    await first.write({ 'user/1': { name: 'Budi', prefs: { lang: 'id' } } });
    const before = (await first.read(['user/1']))['user/1'];
    await first.close();
    await first.close(); // idempotent
    await expect(first.read(['user/1'])).rejects.toThrow(/closed/);

    const second = new SqliteStorage({ path: file });
    try {
      const after = (await second.read(['user/1']))['user/1'];
      expect(after).toEqual(before);
      await second.write({ 'user/1': { ...after, name: 'Budi S.' } }); // eTag still valid
      await expectConflict(second.write({ 'user/1': { ...after, name: 'stale' } }));
    } finally {
      await second.close();
    }
  });

  it('enforces eTags between two stores sharing one file', async () => {
    const file = path.join(tempDir(), 'shared.sqlite');
    const a = new SqliteStorage({ path: file });
    const b = new SqliteStorage({ path: file });
    try {
      await a.write({ k: { v: 1 } });
      const seenByA = (await a.read(['k']))['k'];
      const seenByB = (await b.read(['k']))['k'];
      expect(seenByB).toEqual(seenByA);
      await b.write({ k: { ...seenByB, v: 2 } });
      await expectConflict(a.write({ k: { ...seenByA, v: 3 } }));
      expect((await a.read(['k']))['k'].v).toBe(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('treats expired items as missing and purges them (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const file = path.join(tempDir(), 'ttl.sqlite');
    const store = new SqliteStorage({ path: file, ttlSeconds: 1 });
    try {
      const t0 = new Date('2030-01-01T00:00:00Z').getTime();
      vi.setSystemTime(t0);
      await store.write({ k: { v: 1 } });
      vi.setSystemTime(t0 + 900);
      expect((await store.read(['k']))['k']?.v).toBe(1);
      vi.setSystemTime(t0 + 1200);
      expect(await store.read(['k'])).toEqual({});
      // an expired item counts as missing for eTag checks too
      await store.write({ k: { v: 2, eTag: 'old-etag' } });
      expect((await store.read(['k']))['k']?.v).toBe(2);
      // TTL counts from the last write
      vi.setSystemTime(t0 + 2000);
      expect((await store.read(['k']))['k']?.v).toBe(2);

      vi.setSystemTime(t0 + 5000);
      expect(store.purgeExpired()).toBe(1);
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.prepare('SELECT COUNT(*) AS n FROM items').get()).toEqual({ n: 0 });
      } finally {
        raw.close();
      }
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });

  it('expires only keys under ttlPrefixes (real clock)', async () => {
    const store = new SqliteStorage({ path: path.join(tempDir(), 'p.sqlite'), ttlSeconds: 1, ttlPrefixes: ['conv/'] });
    try {
      await store.write({ 'conv/1': { v: 1 }, 'user/1': { v: 1 } });
      expect(Object.keys(await store.read(['conv/1', 'user/1'])).sort()).toEqual(['conv/1', 'user/1']);
      await new Promise((r) => setTimeout(r, 1200));
      expect(Object.keys(await store.read(['conv/1', 'user/1']))).toEqual(['user/1']);
    } finally {
      await store.close();
    }
  });

  it('purges expired rows on a timer that does not keep the process alive', async () => {
    const file = path.join(tempDir(), 'timer.sqlite');
    const store = new SqliteStorage({ path: file, ttlSeconds: 0.05, purgeIntervalMs: 50 });
    try {
      await store.write({ k: { v: 1 } });
      const raw = new Database(file, { readonly: true });
      try {
        await vi.waitFor(() => expect(raw.prepare('SELECT COUNT(*) AS n FROM items').get()).toEqual({ n: 0 }), {
          timeout: 2000,
          interval: 50,
        });
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
  });
});
