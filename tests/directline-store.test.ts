/**
 * The built-in Direct Line's conversation store (src/web/directline/store*.ts): the same checks on
 * memory, SQLite (a real file) and Redis (a real redis-server) — sequence numbers, watermarks,
 * trimming, eviction, expiry, the master secret — and, for SQLite and Redis, two store objects on
 * one backend (two instances) appending at once: every seq used once, none lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../src/storage/redis-storage.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import type { BotStore } from '../src/storage/index.js';
import { createDirectLineStore, DEFAULT_LIMITS } from '../src/web/directline.js';
import type { StoreLimits } from '../src/web/directline/limits.js';
import { startRedis, type RedisHandle } from './helpers/redis-server.js';

type Kind = 'memory' | 'sqlite' | 'redis';

let redis: RedisHandle;
const dirs: string[] = [];
const opened: BotStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const s of opened) await s.close();
  await redis?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh backend; `twin()` opens a second connection to the same data (another instance). */
function backend(kind: Kind): { store: BotStore | undefined; twin: () => BotStore | undefined } {
  if (kind === 'memory') return { store: undefined, twin: () => undefined };
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-store-'));
    dirs.push(dir);
    const file = path.join(dir, 'bot.sqlite');
    const open = () => {
      const s = new SqliteStorage({ path: file });
      opened.push(s);
      return s;
    };
    return { store: open(), twin: open };
  }
  const prefix = `dl-${randomBytes(4).toString('hex')}:`;
  const open = () => {
    const s = new RedisStorage({ url: redis.url, prefix });
    opened.push(s);
    return s;
  };
  return { store: open(), twin: open };
}

const limits = (over: Partial<StoreLimits> = {}): StoreLimits => ({ ...DEFAULT_LIMITS, ...over });
const id = () => randomBytes(27).toString('base64url');
const msg = (text: string) => ({ type: 'message', text });

describe.each<Kind>(['memory', 'sqlite', 'redis'])('Direct Line conversation store: %s', (kind) => {
  it('creates once, binds the user, numbers activities 1, 2, 3 and reads after a watermark', async () => {
    const s = createDirectLineStore(backend(kind).store, limits());
    expect(s.kind).toBe(kind);
    const c = id();
    const t = Date.now();
    const first = await s.create({ id: c, userId: 'dl_user', locale: 'id-ID' }, t);
    expect(first).toEqual({ created: true, conversation: { id: c, userId: 'dl_user', locale: 'id-ID', seq: 0 } });
    const again = await s.create({ id: c, userId: 'dl_someone_else' }, t + 1);
    expect(again.created).toBe(false);
    expect(again.conversation.userId).toBe('dl_user');
    const ids = [];
    for (const text of ['a', 'b', 'c']) ids.push((await s.append(c, msg(text), t + 2))!);
    expect(ids.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(ids[0]!.id).toBe(`${c}|0000001`);
    const all = (await s.activities(c, 0, t + 3))!;
    expect(all.watermark).toBe(3);
    expect(all.activities).toEqual([
      { type: 'message', text: 'a', id: `${c}|0000001` },
      { type: 'message', text: 'b', id: `${c}|0000002` },
      { type: 'message', text: 'c', id: `${c}|0000003` },
    ]);
    expect((await s.activities(c, 2, t + 3))!.activities.map((a) => a.text)).toEqual(['c']);
    expect((await s.activities(c, 3, t + 3))!.activities).toEqual([]);
    expect((await s.activities(c, 99, t + 3))!).toEqual({ activities: [], watermark: 3 });
    expect(await s.open(c, t + 4)).toEqual({ id: c, userId: 'dl_user', locale: 'id-ID', seq: 3 });
    // Unknown conversations.
    expect(await s.open(id(), t)).toBeUndefined();
    expect(await s.append(id(), msg('x'), t)).toBeUndefined();
    expect(await s.activities(id(), 0, t)).toBeUndefined();
  });

  it('keeps the newest activities within the count and byte caps (the watermark keeps counting)', async () => {
    const s = createDirectLineStore(backend(kind).store, limits({ maxActivitiesPerConversation: 3, maxBytesPerConversation: 400 }));
    const c = id();
    const t = Date.now();
    await s.create({ id: c, userId: 'u' }, t);
    for (let i = 1; i <= 5; i++) await s.append(c, msg(`m${i}`), t);
    let page = (await s.activities(c, 0, t))!;
    expect(page.watermark).toBe(5);
    expect(page.activities.map((a) => [a.text, a.id])).toEqual([
      ['m3', `${c}|0000003`],
      ['m4', `${c}|0000004`],
      ['m5', `${c}|0000005`],
    ]);
    // One big activity pushes the older ones out (but is itself kept, even over the cap).
    await s.append(c, { type: 'message', text: 'x'.repeat(500) }, t);
    page = (await s.activities(c, 0, t))!;
    expect(page.watermark).toBe(6);
    expect(page.activities.map((a) => a.id)).toEqual([`${c}|0000006`]);
  });

  it('forgets a conversation idle for conversationIdleMs (any use keeps it)', async () => {
    const s = createDirectLineStore(backend(kind).store, limits({ conversationIdleMs: 60_000 }));
    const c = id();
    const t = Date.now();
    await s.create({ id: c, userId: 'u' }, t);
    await s.append(c, msg('halo'), t + 10_000);
    expect(await s.activities(c, 0, t + 65_000)).toBeDefined(); // 55 s after the last use
    if (kind === 'redis') {
      // Redis expires by its own clock (PEXPIRE): only the sweep's view of time can be simulated.
      await s.sweep(t + 65_000 + 60_001);
      expect(await s.open(c, t + 65_000 + 60_001)).toBeUndefined();
    } else {
      expect(await s.open(c, t + 65_000 + 60_001)).toBeUndefined();
      await s.sweep(t + 65_000 + 60_001);
      expect(s.size()).toBe(0);
    }
  });

  it('keeps at most maxConversations and maxTotalBytes, evicting the least recently active', async () => {
    const s = createDirectLineStore(backend(kind).store, limits({ maxConversations: 2, maxTotalBytes: 1500 }));
    const [a, b, c] = [id(), id(), id()];
    const t = Date.now();
    await s.create({ id: a, userId: 'ua' }, t);
    await s.create({ id: b, userId: 'ub' }, t + 1);
    await s.activities(a, 0, t + 10_000); // a is now more recently active than b
    await s.create({ id: c, userId: 'uc' }, t + 10_001);
    expect(await s.open(b, t + 10_002)).toBeUndefined();
    expect(await s.open(a, t + 10_003)).toBeDefined();
    expect(await s.open(c, t + 20_000)).toBeDefined();
    expect(s.size()).toBe(2);
    // Bytes: c writes 1 KB, then a writes 1 KB: c (older) goes.
    await s.append(c, { type: 'message', text: 'c'.repeat(1000) }, t + 30_000);
    await s.append(a, { type: 'message', text: 'a'.repeat(1000) }, t + 40_000);
    expect(await s.open(c, t + 40_001)).toBeUndefined();
    expect((await s.activities(a, 0, t + 40_002))!.activities).toHaveLength(1);
  });

  it('agrees on one master secret', async () => {
    const be = backend(kind);
    const s = createDirectLineStore(be.store, limits());
    const first = await s.masterSecret('first-secret');
    expect(first).toBe('first-secret');
    expect(await s.masterSecret('second-secret')).toBe('first-secret');
    if (kind !== 'memory') expect(await createDirectLineStore(be.twin(), limits()).masterSecret('third')).toBe('first-secret');
  });

  it('leases a conversation to one holder at a time; only the holder gives it back; it lapses', async () => {
    const be = backend(kind);
    const one = createDirectLineStore(be.store, limits());
    const two = kind === 'memory' ? one : createDirectLineStore(be.twin(), limits());
    const c = id();
    const t = Date.now();
    expect(await one.lease(c, 'h1', 60_000, t)).toBe(true);
    if (kind === 'memory') return; // one process: its forward queue serialises, every lease is granted
    expect(await two.lease(c, 'h2', 60_000, t)).toBe(false);
    await two.unlease(c, 'h2'); // not the holder: no effect
    expect(await two.lease(c, 'h2', 60_000, t)).toBe(false);
    await one.unlease(c, 'h1');
    expect(await two.lease(c, 'h2', 200, Date.now())).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await one.lease(c, 'h3', 60_000, Date.now())).toBe(true); // h2's lapsed
    expect(await one.lease(id(), 'h1', 60_000, Date.now())).toBe(true); // other conversations are free
  });

  if (kind !== 'memory') {
    it('two instances appending to one conversation at once: each seq once, nothing lost, one snapshot per read', async () => {
      const be = backend(kind);
      const one = createDirectLineStore(be.store, limits());
      const two = createDirectLineStore(be.twin(), limits());
      const c = id();
      const t = Date.now();
      const [x, y] = await Promise.all([one.create({ id: c, userId: 'u' }, t), two.create({ id: c, userId: 'u2' }, t)]);
      expect([x.created, y.created].sort()).toEqual([false, true]);
      const seen: string[] = [];
      let watermark = 0;
      const poll = async () => {
        const p = (await (seen.length % 2 ? one : two).activities(c, watermark, Date.now()))!;
        seen.push(...p.activities.map((a) => String(a.text)));
        watermark = p.watermark;
      };
      // A client polls one request at a time (alternating instances) while both instances write.
      let writing = true;
      const poller = (async () => {
        while (writing) await poll();
      })();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).append(c, msg(`w${i}`), Date.now())));
      writing = false;
      await poller;
      await poll();
      expect(results.map((r) => r!.seq).sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(watermark).toBe(40);
      expect([...seen].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `w${i}`).sort());
    });
  }
});
