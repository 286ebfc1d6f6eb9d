/** Redis store specifics: keys under a prefix, TTLs, expiry, and failing fast while Redis is down. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, isStoreConflict } from '../src/storage/index.js';
import { RedisStorage, StoreUnavailableError } from '../src/storage/redis-storage.js';
import { type RedisHandle, freePort, startRedis } from './helpers/redis-server.js';
import { expectConflict } from './helpers/storage.js';

// One Redis for the whole file (the outage test starts its own).
let redis: RedisHandle;

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  await redis?.stop();
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

      for (const op of [() => store.read(['k']), () => store.write({ k: { v: 2 } }), () => store.delete(['k']), () => store.ping()]) {
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
