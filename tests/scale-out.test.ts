/**
 * Scale-out of the built-in Direct Line (issue 21, item 1): two bot processes (`spawnBot`, real
 * processes) on one real redis-server serve one web chat. A client alternates between them — the
 * token from A used on B, a message posted on A answered when polling B and the reverse — and one
 * instance is killed and restarted in the middle. Every activity is seen exactly once, in order,
 * with contiguous ids. Also: the hop key and conversation ids are accepted by every instance
 * (in-process pair), and a SQLite instance keeps its web chats across a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { RedisStorage } from '../src/storage/redis-storage.js';
import { registerWebChat } from '../src/web/routes.js';
import { dlRequest, RoamingClient, sleep } from './helpers/directline-client.js';
import { postForgedMessage, spawnBot, startBot, type BotProcess, type TestBot } from './helpers/harness.js';
import { freePort, startRedis, type RedisHandle } from './helpers/redis-server.js';

const T = 120_000;

/** The environment of instances that share the test's Redis under a fresh key prefix. */
const sharedRedis = (name: string, logLevel: string) => ({
  STORAGE: 'redis',
  REDIS_URL: redis.url,
  REDIS_PREFIX: `${name}-${randomBytes(4).toString('hex')}:`,
  RATE_LIMIT_MESSAGES: '1000',
  LOG_LEVEL: logLevel,
});

const processes = new Set<BotProcess>();
const inProcess: TestBot[] = [];
const dirs: string[] = [];
let redis: RedisHandle;

/** A start can be slow on a loaded 2-core machine: one more try when it merely timed out. */
async function spawnTracked(env: Record<string, string>, port: number): Promise<BotProcess> {
  let p: BotProcess;
  try {
    p = await spawnBot(env, port);
  } catch (err) {
    if (!/did not become ready/.test((err as Error).message)) throw err;
    p = await spawnBot(env, port);
  }
  processes.add(p);
  return p;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all([...processes].map((p) => p.kill('SIGKILL')));
  for (const b of inProcess) await b.stop().catch(() => undefined);
  await redis?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, T);

describe('two instances on one Redis serve one web chat', () => {
  it(
    'alternating client, restart in the middle: nothing lost, nothing doubled',
    async () => {
      const env = sharedRedis('so', 'warn');
      const [portA, portB] = [await freePort(), await freePort()];
      let a = await spawnTracked(env, portA);
      const b = await spawnTracked(env, portB);
      const client = new RoamingClient();

      // A token from A, the conversation started on B, the welcome read on A.
      const g = await dlRequest(a.url, 'POST', '/v3/directline/tokens/generate');
      expect(g.status).toBe(200);
      const started = await dlRequest(b.url, 'POST', '/v3/directline/conversations', g.body.token, { locale: 'id-ID' });
      expect(started.status).toBe(201);
      client.token = started.body.token;
      client.conversationId = started.body.conversationId;
      expect(client.conversationId).toBe(g.body.conversationId);
      const welcome = await client.waitForBot(a.url);
      expect(welcome.text).toMatch(/selamat datang/i);
      // Starting again on A is idempotent (one conversation, no second welcome).
      const again = await dlRequest(a.url, 'POST', '/v3/directline/conversations', client.token, {});
      expect(again.status).toBe(200);

      // Posted on A, answered when polling B; posted on B, answered when polling A.
      const p1 = await client.post(a.url, 'lupa pw');
      const r1 = await client.waitForBot(b.url, p1);
      expect(r1.text).toMatch(/password/i);
      const p2 = await client.post(b.url, 'menu');
      await client.waitForBot(a.url, p2);

      // A token refreshed on B works on A.
      const refreshed = await dlRequest(b.url, 'POST', '/v3/directline/tokens/refresh', client.token);
      expect(refreshed.status).toBe(200);
      client.token = refreshed.body.token;
      await client.poll(a.url);

      // A dies; the chat goes on through B; A comes back on the same port and carries on.
      await a.kill('SIGKILL');
      processes.delete(a);
      const p3 = await client.post(b.url, 'status efaktur belum registrasi');
      await client.waitForBot(b.url, p3);
      a = await spawnTracked(env, portA);
      const reconnect = await dlRequest(a.url, 'GET', `/v3/directline/conversations/${client.conversationId}?watermark=${client.watermark}`, client.token);
      expect(reconnect.status).toBe(200);
      const p4 = await client.post(a.url, '1');
      await client.waitForBot(b.url, p4);
      const p5 = await client.post(b.url, 'belum');
      await client.waitForBot(a.url, p5);

      // One more poll on each: nothing new, nothing repeated.
      expect(await client.poll(a.url)).toEqual([]);
      expect(await client.poll(b.url)).toEqual([]);
      await client.expectSeenExactlyOnce(a.url);
      await client.expectSeenExactlyOnce(b.url);
      // Every post got exactly one echo and its replies; the bot's replies never doubled.
      const echoes = client.seen.filter((x) => x.from.role === 'user').map((x) => x.id);
      expect(echoes).toEqual([p1, p2, p3, p4, p5]);
      for (const p of [p1, p2, p3, p4, p5]) expect(client.seen.filter((x) => x.replyToId === p).length).toBeGreaterThan(0);

      // A local caller naming this conversation under another serviceUrl is refused by both instances
      // (the conversation id carries the channel's MAC: no store lookup, no per-process list).
      for (const base of [a.url, b.url]) {
        const forged = await postForgedMessage(base, { serviceUrl: 'http://127.0.0.1:9/', conversationId: client.conversationId, userId: 'dl_x' });
        expect(forged.status).toBe(403);
      }
    },
    T,
  );
});

describe('the hop key across instances (in-process pair on one Redis)', () => {
  it(
    'is the same on every instance: a reply or proactive message to any instance with it lands in the shared conversation',
    async () => {
      const env = sharedRedis('hop', 'silent');
      const a = await startBot(env);
      const b = await startBot(env);
      inProcess.push(a, b);
      const urlA = a.app.webChat()!.directLine!.serviceUrl();
      const urlB = b.app.webChat()!.directLine!.serviceUrl();
      expect(new URL(urlA).pathname).toBe(new URL(urlB).pathname);
      expect(urlA).not.toBe(urlB); // different ports

      const client = new RoamingClient();
      const g = await dlRequest(a.url, 'POST', '/v3/directline/tokens/generate');
      const s = await dlRequest(a.url, 'POST', '/v3/directline/conversations', g.body.token, {});
      client.token = s.body.token;
      client.conversationId = s.body.conversationId;
      await client.waitForBot(b.url);
      // The SDK's proactive path on B with a conversation reference that names A's serviceUrl (a hand-off
      // recorded while the user talked to A): B's bot posts to A's channel, A accepts B's key.
      const reference = {
        channelId: 'webchat',
        serviceUrl: urlA,
        conversation: { id: client.conversationId },
        bot: { id: 'efaktur-helpdesk-bot', name: 'Asisten e-Faktur' },
        user: { id: 'dl_x' },
      };
      await b.app.adapter.continueConversationAsync('', reference as never, async (ctx) => {
        await ctx.sendActivity('Halo, saya petugas helpdesk.');
      });
      // And A's key on B's channel endpoint (an instance at another address holding A's reference).
      const raw = await fetch(`${b.url}${new URL(urlA).pathname}v3/conversations/${encodeURIComponent(client.conversationId)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'Pesan susulan', from: { id: 'agent-1', name: 'Petugas' } }),
      });
      expect(raw.status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (!client.seen.some((x) => x.text === 'Pesan susulan') && Date.now() < deadline) {
        await client.poll(client.seen.length % 2 ? a.url : b.url);
        await sleep(50);
      }
      expect(client.seen.map((x) => x.text)).toEqual(expect.arrayContaining(['Halo, saya petugas helpdesk.', 'Pesan susulan']));
      await client.expectSeenExactlyOnce(b.url);
      await Promise.all([a.stop(), b.stop()]);
    },
    T,
  );
});

describe('one activity at a time per conversation, across instances', () => {
  it(
    'messages posted on two instances at once reach the bot one after the other (a lease in Redis)',
    async () => {
      // A fake bot that takes 300 ms per activity and records how many of one conversation overlap.
      const inFlight = new Map<string, number>();
      let maxOverlap = 0;
      let received = 0;
      const fakeBot = http.createServer((rq, rs) => {
        let body = '';
        rq.on('data', (c) => (body += c));
        rq.on('end', () => {
          const conv = (JSON.parse(body) as { conversation: { id: string } }).conversation.id;
          const n = (inFlight.get(conv) ?? 0) + 1;
          inFlight.set(conv, n);
          maxOverlap = Math.max(maxOverlap, n);
          received += 1;
          setTimeout(() => {
            inFlight.set(conv, (inFlight.get(conv) ?? 1) - 1);
            rs.writeHead(200);
            rs.end();
          }, 300);
        });
      });
      await new Promise<void>((r) => fakeBot.listen(0, '127.0.0.1', () => r()));
      const botUrl = `http://127.0.0.1:${(fakeBot.address() as AddressInfo).port}/api/messages`;
      const prefix = `lease-${randomBytes(4).toString('hex')}:`;
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'redis', REDIS_URL: redis.url, LOG_LEVEL: 'silent' });
      const servers: restify.Server[] = [];
      const stores: RedisStorage[] = [];
      const bases: string[] = [];
      for (const _ of [0, 1]) {
        const store = new RedisStorage({ url: redis.url, prefix });
        stores.push(store);
        const server = restify.createServer({ handleUncaughtExceptions: false });
        server.use(restify.plugins.queryParser({ mapParams: false }));
        let base = '';
        registerWebChat(server, { config, logger: createLogger('silent'), baseUrl: () => base, store, directLine: { botEndpoint: () => botUrl } });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        servers.push(server);
        bases.push(base);
      }
      try {
        const [a, b] = bases as [string, string];
        const g = await dlRequest(a, 'POST', '/v3/directline/tokens/generate');
        const s = await dlRequest(b, 'POST', '/v3/directline/conversations', g.body.token, {});
        expect(s.status).toBe(201); // its join goes to the bot now (300 ms)
        const path = `/v3/directline/conversations/${s.body.conversationId}/activities`;
        const t0 = performance.now();
        const posts = await Promise.all([
          dlRequest(a, 'POST', path, s.body.token, { type: 'message', text: 'satu' }),
          dlRequest(b, 'POST', path, s.body.token, { type: 'message', text: 'dua' }),
        ]);
        const ms = performance.now() - t0;
        expect(posts.map((p) => p.status)).toEqual([200, 200]);
        expect(received).toBe(3);
        expect(maxOverlap).toBe(1);
        expect(ms).toBeGreaterThanOrEqual(600); // the join, then one message, then the other
      } finally {
        for (const server of servers) await new Promise<void>((r) => server.close(() => r()));
        for (const store of stores) await store.close();
        fakeBot.closeAllConnections();
        await new Promise<void>((r) => fakeBot.close(() => r()));
      }
    },
    T,
  );
});

describe('Redis outage', () => {
  it(
    'the web chat answers 503 with Retry-After while Redis is down, and starts new chats once it is back (emptied)',
    async () => {
      const own = await startRedis();
      try {
        const bot = await startBot({ STORAGE: 'redis', REDIS_URL: own.url, RATE_LIMIT_MESSAGES: '1000', LOG_LEVEL: 'silent' });
        inProcess.push(bot);
        const client = new RoamingClient();
        const g = await dlRequest(bot.url, 'POST', '/v3/directline/tokens/generate');
        const s = await dlRequest(bot.url, 'POST', '/v3/directline/conversations', g.body.token, {});
        client.token = s.body.token;
        client.conversationId = s.body.conversationId;
        await client.waitForBot(bot.url);
        await own.stop();
        const down = await fetch(`${bot.url}/v3/directline/conversations/${client.conversationId}/activities?watermark=`, {
          headers: { authorization: `Bearer ${client.token}` },
        });
        expect(down.status).toBe(503);
        expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
        await own.restart(); // same port, no data: the conversation is gone with it
        const deadline = Date.now() + 15_000;
        while ((await fetch(`${bot.url}/readyz`)).status !== 200 && Date.now() < deadline) await sleep(100);
        const gone = await dlRequest(bot.url, 'GET', `/v3/directline/conversations/${client.conversationId}/activities?watermark=`, client.token);
        expect(gone.status).toBe(404);
        const fresh = new RoamingClient();
        const g2 = await dlRequest(bot.url, 'POST', '/v3/directline/tokens/generate');
        const s2 = await dlRequest(bot.url, 'POST', '/v3/directline/conversations', g2.body.token, {});
        expect(s2.status).toBe(201);
        fresh.token = s2.body.token;
        fresh.conversationId = s2.body.conversationId;
        await fresh.waitForBot(bot.url);
        await bot.stop();
      } finally {
        await own.stop();
      }
    },
    T,
  );
});

describe('one SQLite instance keeps its web chats across a restart', () => {
  it(
    'the same token and watermark continue after kill -9 and a new start',
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-out-sqlite-'));
      dirs.push(dataDir);
      const env = { STORAGE: 'sqlite', DATA_DIR: dataDir, RATE_LIMIT_MESSAGES: '1000', LOG_LEVEL: 'warn' };
      const port = await freePort();
      let bot = await spawnTracked(env, port);
      const client = new RoamingClient();
      const g = await dlRequest(bot.url, 'POST', '/v3/directline/tokens/generate');
      const s = await dlRequest(bot.url, 'POST', '/v3/directline/conversations', g.body.token, {});
      client.token = s.body.token;
      client.conversationId = s.body.conversationId;
      await client.waitForBot(bot.url);
      const p1 = await client.post(bot.url, 'lupa pw');
      await client.waitForBot(bot.url, p1);
      await bot.kill('SIGKILL');
      processes.delete(bot);
      bot = await spawnTracked(env, port);
      expect(await client.poll(bot.url)).toEqual([]);
      const p2 = await client.post(bot.url, 'menu');
      await client.waitForBot(bot.url, p2);
      await client.expectSeenExactlyOnce(bot.url);
    },
    T,
  );
});
