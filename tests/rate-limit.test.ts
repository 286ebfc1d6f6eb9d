/**
 * Rate limits shared through the store (src/storage/rate-limiters.ts, src/bot/rate-limit.ts, the web
 * chat's token routes): two instances on one Redis (or one SQLite file) together allow the limit
 * once, not twice — per conversation, per user and per source address.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/conversation/rate-limit.js';
import type { BotStore } from '../src/storage/index.js';
import { StoreLimiter } from '../src/storage/rate-limiters.js';
import { RedisStorage } from '../src/storage/redis-storage.js';
import { SqliteStorage } from '../src/storage/sqlite-storage.js';
import { liveCatalog } from './helpers/content.js';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './helpers/harness.js';
import { startRedis, type RedisHandle } from './helpers/redis-server.js';

let redis: RedisHandle;
let channel: ChannelServer;
const dirs: string[] = [];
const stores: BotStore[] = [];
const bots: TestBot[] = [];

beforeAll(async () => {
  redis = await startRedis();
  channel = await startChannel();
});
afterAll(async () => {
  for (const b of bots) await b.stop().catch(() => undefined);
  for (const s of stores) await s.close();
  await channel?.close();
  await redis?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rate-limit-'));
  dirs.push(d);
  return d;
};

/** Two store objects on the same data, like two instances. */
function twoStores(kind: 'sqlite' | 'redis'): [BotStore, BotStore] {
  const open = (() => {
    if (kind === 'sqlite') {
      const file = path.join(tmp(), 'bot.sqlite');
      return () => new SqliteStorage({ path: file });
    }
    const prefix = `rl-${randomBytes(4).toString('hex')}:`;
    return () => new RedisStorage({ url: redis.url, prefix });
  })();
  const pair: [BotStore, BotStore] = [open(), open()];
  stores.push(...pair);
  return pair;
}

/** The notice a limited conversation gets once, as _bot.yaml words it. */
const NOTICE = liveCatalog().bot.messages.rateLimited;
const noticed = (text: string) => text.includes(NOTICE);

const spec = { redisKeyPrefix: 'test:limit:', sqliteTable: 'test_limits', keyPrefix: 'test', points: 5, durationSeconds: 60 };

describe.each(['sqlite', 'redis'] as const)('StoreLimiter on %s', (kind) => {
  it('two instances together allow the limit once; other keys are not affected', async () => {
    const [a, b] = twoStores(kind);
    const one = new StoreLimiter(a, spec);
    const two = new StoreLimiter(b, spec);
    expect(one.backend).toBe(kind);
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await (i % 2 ? one : two).take('k'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    expect(results.map((r) => r.consumed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(results[5]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[5]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await one.take('other')).allowed).toBe(true);
    // A parallel burst on both: exactly the limit gets through.
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).take('burst')));
    expect(burst.filter((r) => r.allowed)).toHaveLength(5);
    one.close();
    two.close();
  });
});

describe('StoreLimiter without a shared store', () => {
  it('counts in this process (memory store, or none)', async () => {
    const l = new StoreLimiter(undefined, spec);
    expect(l.backend).toBe('memory');
    const r = [];
    for (let i = 0; i < 6; i++) r.push((await l.take('k')).allowed);
    expect(r).toEqual([true, true, true, true, true, false]);
  });

  it('a store that cannot count: the bot lets messages through (degraded), it does not silence users', async () => {
    const down = new RedisStorage({ url: 'redis://127.0.0.1:9', prefix: 'x:', commandTimeoutMs: 200 });
    stores.push(down);
    const limiter = new RateLimiter(down, 1, 10_000);
    expect(await limiter.check('c:1', 'u:1')).toEqual({ allowed: true, degraded: true });
  });
});

describe('bot message limits across instances (RATE_LIMIT_MESSAGES=5)', () => {
  it.each(['redis', 'sqlite'] as const)(
    '%s: one conversation alternating between two instances gets 5 answers, one notice, then silence',
    async (kind) => {
      const env =
        kind === 'redis'
          ? { STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: `rlbot-${randomBytes(4).toString('hex')}:` }
          : { STORAGE: 'sqlite', DATA_DIR: tmp() };
      const a = await startBot({ ...env, RATE_LIMIT_MESSAGES: '5', RATE_LIMIT_WINDOW_SECONDS: '60', LOG_LEVEL: 'silent' });
      const b = await startBot({ ...env, RATE_LIMIT_MESSAGES: '5', RATE_LIMIT_WINDOW_SECONDS: '60', LOG_LEVEL: 'silent' });
      bots.push(a, b);
      const c = new Conversation(a.url, channel);
      const results = [];
      for (let i = 0; i < 9; i++) {
        c.botUrl = i % 2 ? b.url : a.url;
        results.push(await c.send(`halo ${i}`));
      }
      const notices = results.filter((r) => noticed(r.text));
      expect(notices).toHaveLength(1);
      expect(results.slice(0, 5).every((r) => r.replies.length > 0 && !noticed(r.text))).toBe(true);
      expect(noticed(results[5]!.text)).toBe(true);
      expect(results.slice(6).every((r) => r.replies.length === 0)).toBe(true);
      // Per user too: the same user in a new conversation is still over the limit…
      const sameUser = new Conversation(b.url, channel);
      const r1 = await sameUser.post({ ...sameUser.activity({ text: 'halo lagi' }), from: { id: c.userId, name: 'Pengguna Uji', role: 'user' } });
      expect(r1.replies.filter((x) => x.type === 'message' && !noticed(x.text ?? ''))).toHaveLength(0);
      // …while another user is answered at once on either instance.
      const other = new Conversation(a.url, channel);
      const answered = await other.send('lupa pw');
      expect(answered.replies.length).toBeGreaterThan(0);
      expect(noticed(answered.text)).toBe(false);
      await Promise.all([a.stop(), b.stop()]);
    },
    60_000,
  );
});

/** POST from a chosen local address (the server sees it as the TCP peer). */
function postFrom(url: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress: from, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web chat token generation per source across instances (30 per minute)', () => {
  it('two instances on one Redis allow 30 from one address together; X-Forwarded-For does not change the source; another address is unaffected', async () => {
    const env = { STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: `rltok-${randomBytes(4).toString('hex')}:`, LOG_LEVEL: 'silent' };
    const a = await startBot(env);
    const b = await startBot(env);
    bots.push(a, b);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      statuses.push(await postFrom(`${i % 2 ? b.url : a.url}/v3/directline/tokens/generate`, '127.0.0.7', { 'x-forwarded-for': `203.0.113.${i}` }));
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect(await postFrom(`${b.url}/v3/directline/tokens/generate`, '127.0.0.8')).toBe(200);
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);
});
