/**
 * The built-in Direct Line's limits with tiny values: a second server with only the web chat
 * (`registerWebChat`) relays to the real bot, so eviction, idle expiry and the token rate limit show
 * within seconds.
 */
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { registerWebChat } from '../src/web/routes.js';
import { botMessages, Client, sleep } from './helpers/directline-client.js';
import { startBot, type TestBot } from './helpers/harness.js';

const T = 30_000;

describe('built-in Direct Line limits (tiny values)', () => {
  let bot: TestBot;
  let server: restify.Server;
  let dl: Client;
  let webChat: ReturnType<typeof registerWebChat>;

  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'warn' });
    // A second server with only the web chat, tiny limits, relaying to the real bot above.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'memory', LOG_LEVEL: 'silent' });
    server = restify.createServer({ handleUncaughtExceptions: false });
    server.use(restify.plugins.queryParser({ mapParams: false }));
    let base = '';
    webChat = registerWebChat(server, {
      config,
      logger: createLogger('silent'),
      baseUrl: () => base,
      tokenRate: { max: 6, windowMs: 60_000 },
      directLine: {
        botEndpoint: () => `${bot.url}/api/messages`,
        limits: { maxConversations: 2, conversationIdleMs: 1500, maxActivitiesPerConversation: 4 },
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dl = new Client(base);
  }, T);
  afterAll(async () => {
    webChat?.directLine?.close();
    await new Promise<void>((r) => server.close(() => r()));
    await bot?.stop();
  });

  it(
    'keeps at most maxConversations (least recently active evicted) and caps activity lists',
    async () => {
      const a = await dl.start();
      await dl.pollUntil(a, '', (all) => botMessages(all).length > 0, 'welcome a');
      for (const text of ['halo', 'lupa pw', 'menu']) expect((await dl.post(a, { type: 'message', text })).status).toBe(200);
      const listA = await dl.activities(a);
      expect(listA.activities.length).toBeLessThanOrEqual(4);
      expect(Number(listA.watermark)).toBeGreaterThan(4);
      const b = await dl.start();
      await dl.pollUntil(b, '', (all) => botMessages(all).length > 0, 'welcome b');
      await dl.activities(a); // a is now more recently active than b
      const c = await dl.start();
      expect(webChat.directLine!.size()).toBe(2);
      expect((await dl.req('GET', `/v3/directline/conversations/${b.conversationId}/activities?watermark=`, b.token)).status).toBe(404);
      expect((await dl.req('GET', `/v3/directline/conversations/${a.conversationId}/activities?watermark=`, a.token)).status).toBe(200);
      expect((await dl.req('GET', `/v3/directline/conversations/${c.conversationId}/activities?watermark=`, c.token)).status).toBe(200);
    },
    T,
  );

  it(
    'forgets idle conversations',
    async () => {
      const s = await dl.start();
      await dl.pollUntil(s, '', (all) => botMessages(all).length > 0, 'welcome');
      await sleep(2500);
      const r = await dl.req('GET', `/v3/directline/conversations/${s.conversationId}/activities?watermark=`, s.token);
      expect(r.status).toBe(404);
      expect(webChat.directLine!.size()).toBe(0);
    },
    T,
  );

  it(
    'rate-limits token generation per address',
    async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
      let limited: { status: number; headers: Headers; body: any } | undefined;
      for (let i = 0; i < 8 && !limited; i++) {
        const r = await dl.req('POST', '/v3/directline/tokens/generate');
        if (r.status === 429) limited = r;
        else expect(r.status).toBe(200);
      }
      expect(limited?.status).toBe(429);
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited!.body.error.message).toMatch(/too many/);
    },
    T,
  );
});
