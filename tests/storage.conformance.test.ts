/**
 * Every store (memory, SQLite, Redis) behaves like botbuilder's MemoryStorage: reads, writes, deletes,
 * eTags (optimistic concurrency) and conflicts. The SQLite and Redis specifics are in
 * storage-sqlite.test.ts and storage-redis.test.ts.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { MemoryStorage as BotbuilderMemoryStorage, type StoreItems } from 'botbuilder';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BotStore, StoreConflictError, createStore, isStoreConflict } from '../src/storage/index.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { type RedisHandle, startRedis } from './helpers/redis-server.js';
import { expectConflict, useTempDirs } from './helpers/storage.js';

// One Redis for the whole file.
let redis: RedisHandle;
const tempDir = useTempDirs();

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  await redis?.stop();
});

interface Backend {
  name: 'memory' | 'sqlite' | 'redis' | 'botbuilder';
  create(): BotStore;
}

const backends: Backend[] = [
  // The reference itself, so that the suite checks what botbuilder does, not what we think it does.
  {
    name: 'botbuilder',
    create: () => Object.assign(new BotbuilderMemoryStorage(), { kind: 'memory' as const, ping: async () => undefined, close: async () => undefined }),
  },
  { name: 'memory', create: () => createStore({ kind: 'memory' }) },
  { name: 'sqlite', create: () => createStore({ kind: 'sqlite', dataDir: tempDir() }) },
  {
    name: 'redis',
    // a fresh prefix per store keeps the tests independent on the shared server
    create: () => createStore({ kind: 'redis', redisUrl: redis.url, redisPrefix: `test:${randomUUID()}:` }),
  },
];

describe.each(backends)('Storage conformance: $name', (backend) => {
  let store: BotStore;

  beforeEach(() => {
    store = backend.create();
  });

  afterEach(async () => {
    await store.close();
  });

  it('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(backend.name === 'botbuilder' ? 'memory' : backend.name);
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
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.write({ k: { ...base, v: i + 1 } })));
    const fulfilled = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 'fulfilled');
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

  it('createStore builds each kind (memory: our own, checked against botbuilder MemoryStorage above)', async () => {
    const memory = createStore({ kind: 'memory' });
    expect(memory).toBeInstanceOf(MemoryStorage);
    const sqlite = createStore({ kind: 'sqlite', sqliteFile: path.join(tempDir(), 'x', 'y.sqlite') });
    expect(sqlite).toBeInstanceOf(SqliteStorage);
    expect(() => createStore({ kind: 'redis' })).toThrow(/redisUrl/);
    expect(() => createStore({ kind: 'sqlite', dataDir: tempDir(), ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    await Promise.all([memory.close(), sqlite.close()]);
  });
});
