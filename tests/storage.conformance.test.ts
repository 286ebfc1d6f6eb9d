import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MemoryStorage as BotbuilderMemoryStorage, type StoreItems } from 'botbuilder';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type BotStore,
  StoreConflictError,
  createStore,
  isStoreConflict,
} from '../src/storage/index.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { RedisStorage, StoreUnavailableError } from '../src/storage/redis-storage.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { type RedisHandle, freePort, startRedis } from './helpers/redis-server.js';

// One Redis for the whole file (the outage test below starts its own).
let redis: RedisHandle;
const tempDirs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  await redis?.stop();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-storage-test-'));
  tempDirs.push(dir);
  return dir;
}

interface Backend {
  name: 'memory' | 'sqlite' | 'redis';
  create(): BotStore;
}

const backends: Backend[] = [
  { name: 'memory', create: () => createStore({ kind: 'memory' }) },
  { name: 'sqlite', create: () => createStore({ kind: 'sqlite', dataDir: tempDir() }) },
  {
    name: 'redis',
    // a fresh prefix per store keeps the tests independent on the shared server
    create: () => createStore({ kind: 'redis', redisUrl: redis.url, redisPrefix: `test:${randomUUID()}:` }),
  },
];

/** Expects `promise` to reject with an eTag conflict. */
async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the write should have been rejected').toBeInstanceOf(Error);
  expect(isStoreConflict(err), `not a conflict: ${String(err)}`).toBe(true);
}

describe.each(backends)('Storage conformance: $name', (backend) => {
  let store: BotStore;

  beforeEach(() => {
    store = backend.create();
  });

  afterEach(async () => {
    await store.close();
  });

  it('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(backend.name);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('round-trips a written item', async () => {
    await store.write({ 'conv/1': { step: 'ask-npwp', count: 1, done: false } });
    const items = await store.read(['conv/1']);
    expect(items['conv/1']).toMatchObject({ step: 'ask-npwp', count: 1, done: false });
  });

  it('leaves a missing key out of the result', async () => {
    await store.write({ present: { v: 1 } });
    const items = await store.read(['missing', 'present']);
    expect(Object.keys(items)).toEqual(['present']);
    expect('missing' in items).toBe(false);
    expect(await store.read(['missing'])).toEqual({});
    expect(await store.read([])).toEqual({});
  });

  it('returns an eTag with every item read, without storing it twice', async () => {
    await store.write({ k: { v: 1 } });
    const item = (await store.read(['k']))['k'];
    expect(typeof item.eTag).toBe('string');
    expect(item.eTag.length).toBeGreaterThan(0);
    expect(Object.keys(item).filter((k) => k === 'eTag')).toHaveLength(1);
    expect(item).toEqual({ v: 1, eTag: item.eTag });
  });

  it('overwrites when the item has no eTag', async () => {
    await store.write({ k: { v: 1 } });
    await store.write({ k: { v: 2 } });
    const item = (await store.read(['k']))['k'];
    expect(item.v).toBe(2);
  });

  it("overwrites when the item's eTag is '*'", async () => {
    await store.write({ k: { v: 1 } });
    await store.write({ k: { v: 2 } }); // the stored eTag moved on
    await store.write({ k: { v: 3, eTag: '*' } });
    const item = (await store.read(['k']))['k'];
    expect(item.v).toBe(3);
    expect(item.eTag).not.toBe('*');
  });

  it('accepts a write with the current eTag and gives the item a new eTag', async () => {
    await store.write({ k: { v: 1 } });
    const first = (await store.read(['k']))['k'];
    await store.write({ k: { ...first, v: 2 } });
    const second = (await store.read(['k']))['k'];
    expect(second.v).toBe(2);
    expect(second.eTag).toEqual(expect.any(String));
    expect(second.eTag).not.toBe(first.eTag);
    // and the new eTag works for the next write
    await store.write({ k: { ...second, v: 3 } });
    expect((await store.read(['k']))['k'].v).toBe(3);
  });

  it('rejects a write with a stale eTag and keeps the stored value', async () => {
    await store.write({ k: { v: 1 } });
    const stale = (await store.read(['k']))['k'];
    await store.write({ k: { ...stale, v: 2 } });
    const current = (await store.read(['k']))['k'];

    await expectConflict(store.write({ k: { ...stale, v: 99 } }));

    const after = (await store.read(['k']))['k'];
    expect(after).toEqual(current);
    expect(after.v).toBe(2);
  });

  it('creates a missing item even when the write carries an eTag (MemoryStorage semantics)', async () => {
    await store.write({ k: { v: 1 } });
    const old = (await store.read(['k']))['k'];
    await store.delete(['k']);
    await store.write({ k: { ...old, v: 2 } });
    expect((await store.read(['k']))['k'].v).toBe(2);
    await store.write({ fresh: { v: 1, eTag: 'never-issued' } });
    expect((await store.read(['fresh']))['fresh'].v).toBe(1);
  });

  it('rejects a batch containing a stale eTag and keeps the conflicting item', async () => {
    await store.write({ a: { v: 1 }, b: { v: 1 } });
    const staleA = (await store.read(['a']))['a'];
    await store.write({ a: { v: 2 } });
    await expectConflict(store.write({ b: { v: 5 }, a: { ...staleA, v: 3 } }));
    expect((await store.read(['a']))['a'].v).toBe(2);
  });

  it('does not modify the objects passed to write', async () => {
    const item = { v: 1, nested: { x: 1 } };
    const snapshot = structuredClone(item);
    await store.write({ k: item });
    expect(item).toEqual(snapshot);
    expect('eTag' in item).toBe(false);
  });

  it('deletes items (and ignores missing keys)', async () => {
    await store.write({ a: { v: 1 }, b: { v: 2 }, c: { v: 3 } });
    await store.delete(['a', 'c', 'never-written']);
    const items = await store.read(['a', 'b', 'c']);
    expect(Object.keys(items)).toEqual(['b']);
    await store.delete([]);
  });

  it('reads many keys at once', async () => {
    const changes: StoreItems = {};
    for (let i = 0; i < 60; i++) changes[`user/${i}`] = { index: i, label: `item ${i}` };
    await store.write(changes);
    const keys = [...Object.keys(changes), 'user/missing'];
    const items = await store.read(keys);
    expect(Object.keys(items).sort()).toEqual(Object.keys(changes).sort());
    for (let i = 0; i < 60; i++) expect(items[`user/${i}`]).toMatchObject({ index: i, label: `item ${i}` });
  });

  it('keeps nested JSON and unicode intact', async () => {
    const doc = {
      text: 'Faktur pajak — NPWP ✓ “kutip” 日本語 😀 "quotes" \\ backslash \n newline',
      nested: { deep: { list: [1, 'dua', { tiga: 3, empat: [null, true, false] }], empty: {} } },
      numbers: { float: 1.5, negative: -42, big: 9007199254740991 },
      nothing: null,
      'key with spaces/and:colons ✓': 'ok',
    };
    const key = 'emulator/conversations/a:b/ü🙂 key';
    await store.write({ [key]: doc });
    const item = (await store.read([key]))[key];
    expect(item).toEqual({ ...doc, eTag: item.eTag });
  });

  it('lets exactly one of 10 concurrent writes with the same eTag win', async () => {
    await store.write({ k: { v: 0 } });
    const base = (await store.read(['k']))['k'];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.write({ k: { ...base, v: i + 1 } })),
    );
    const fulfilled = results
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(9);
    for (const r of rejected) expect(isStoreConflict(r.reason), String(r.reason)).toBe(true);
    const winner = fulfilled[0]!.i + 1;
    expect((await store.read(['k']))['k'].v).toBe(winner);
  });
});

describe('isStoreConflict / StoreConflictError', () => {
  it('has a clear message and recognises every backend', async () => {
    const err = new StoreConflictError('conv/1');
    expect(err.message).toBe('eTag conflict on key "conv/1": the item was changed by another writer');
    expect(err.key).toBe('conv/1');
    expect(isStoreConflict(err)).toBe(true);

    // botbuilder's own MemoryStorage error
    const raw = new BotbuilderMemoryStorage();
    await raw.write({ k: { v: 1 } });
    const stale = (await raw.read(['k']))['k'];
    await raw.write({ k: { ...stale } });
    const memoryErr = await raw.write({ k: { ...stale } }).catch((e: unknown) => e);
    expect(isStoreConflict(memoryErr)).toBe(true);

    expect(isStoreConflict(new Error('something else'))).toBe(false);
    expect(isStoreConflict('eTag conflict')).toBe(false);
    expect(isStoreConflict(undefined)).toBe(false);
  });

  it('createStore builds each kind; memory is botbuilder MemoryStorage', async () => {
    const memory = createStore({ kind: 'memory' });
    expect(memory).toBeInstanceOf(MemoryStorage);
    expect(memory).toBeInstanceOf(BotbuilderMemoryStorage);
    const sqlite = createStore({ kind: 'sqlite', sqliteFile: path.join(tempDir(), 'x', 'y.sqlite') });
    expect(sqlite).toBeInstanceOf(SqliteStorage);
    expect(() => createStore({ kind: 'redis' })).toThrow(/redisUrl/);
    expect(() => createStore({ kind: 'sqlite', dataDir: tempDir(), ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    await Promise.all([memory.close(), sqlite.close()]);
  });
});

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

describe('RedisStorage specifics', () => {
  let rawClient: Redis;

  beforeAll(() => {
    rawClient = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await rawClient?.quit();
  });

  it("stores items under the prefix (default 'efaktur-bot:') as {doc, etag} without a duplicate eTag", async () => {
    const store = createStore({ kind: 'redis', redisUrl: redis.url });
    try {
      await store.write({ 'conv/default-prefix': { v: 1, nested: { a: 'ü' } } });
      expect(await rawClient.exists('efaktur-bot:conv/default-prefix')).toBe(1);
      expect(await rawClient.exists('conv/default-prefix')).toBe(0);
      const hash = await rawClient.hgetall('efaktur-bot:conv/default-prefix');
      expect(Object.keys(hash).sort()).toEqual(['doc', 'etag']);
      expect(JSON.parse(hash['doc']!)).toEqual({ v: 1, nested: { a: 'ü' } });
      expect((await store.read(['conv/default-prefix']))['conv/default-prefix'].eTag).toBe(hash['etag']);
      await store.delete(['conv/default-prefix']);
      expect(await rawClient.exists('efaktur-bot:conv/default-prefix')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('keeps stores with different prefixes apart', async () => {
    const a = new RedisStorage({ url: redis.url, prefix: 'tenant-a:' });
    const b = new RedisStorage({ url: redis.url, prefix: 'tenant-b:' });
    try {
      await a.write({ k: { owner: 'a' } });
      expect(await b.read(['k'])).toEqual({});
      expect(await rawClient.keys('tenant-a:*')).toEqual(['tenant-a:k']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('sets a TTL on keys under ttlPrefixes only, and renews it on write', async () => {
    const prefix = `ttl:${randomUUID()}:`;
    const store = new RedisStorage({ url: redis.url, prefix, ttlSeconds: 60, ttlPrefixes: ['conv/'] });
    try {
      await store.write({ 'conv/1': { v: 1 }, 'user/1': { v: 1 } });
      const pttl = await rawClient.pttl(`${prefix}conv/1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await rawClient.pttl(`${prefix}user/1`)).toBe(-1); // exists, no expiry
      await rawClient.pexpire(`${prefix}conv/1`, 5_000);
      await store.write({ 'conv/1': { v: 2 } });
      expect(await rawClient.pttl(`${prefix}conv/1`)).toBeGreaterThan(5_000);
    } finally {
      await store.close();
    }
  });

  it('treats expired keys as missing (real clock)', async () => {
    const store = new RedisStorage({ url: redis.url, prefix: `exp:${randomUUID()}:`, ttlSeconds: 0.3 });
    try {
      await store.write({ k: { v: 1 } });
      expect((await store.read(['k']))['k']?.v).toBe(1);
      await new Promise((r) => setTimeout(r, 500));
      expect(await store.read(['k'])).toEqual({});
    } finally {
      await store.close();
    }
  });

  it('fails fast when Redis was never reachable', async () => {
    const port = await freePort(); // nothing listens there
    const store = new RedisStorage({ url: `redis://127.0.0.1:${port}` });
    try {
      const started = performance.now();
      const err = await store.ping().catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect(isStoreConflict(err)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('rejects within 2 s while Redis is down and recovers by itself when it returns', async () => {
    const server = await startRedis();
    const store = new RedisStorage({ url: server.url, prefix: 'outage:' });
    try {
      await store.write({ k: { v: 1 } });
      expect((await store.read(['k']))['k']?.v).toBe(1);

      await server.stop();

      for (const op of [
        () => store.read(['k']),
        () => store.write({ k: { v: 2 } }),
        () => store.delete(['k']),
        () => store.ping(),
      ]) {
        const started = performance.now();
        const err = await op().catch((e: unknown) => e);
        const elapsed = performance.now() - started;
        expect(err, 'the operation should fail while Redis is down').toBeInstanceOf(Error);
        expect(isStoreConflict(err)).toBe(false);
        expect(elapsed).toBeLessThan(2000);
      }
      // many callers at once (e.g. several conversations) all fail fast too
      const started = performance.now();
      const many = await Promise.allSettled(Array.from({ length: 20 }, () => store.read(['k'])));
      expect(many.every((r) => r.status === 'rejected')).toBe(true);
      expect(performance.now() - started).toBeLessThan(2000);

      await server.restart(); // same port, empty data set

      // the same store object works again once the client has reconnected
      await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 100 });
      expect(await store.read(['k'])).toEqual({});
      await store.write({ k: { v: 3 } });
      const item = (await store.read(['k']))['k'];
      expect(item?.v).toBe(3);
      await store.write({ k: { ...item, v: 4 } });
      await expectConflict(store.write({ k: { ...item, v: 5 } }));
      expect((await store.read(['k']))['k']?.v).toBe(4);
    } finally {
      await store.close();
      await server.stop();
    }
  }, 20_000);
});
