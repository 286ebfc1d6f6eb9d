/**
 * State that survives restarts and scales out, through the real protocol:
 *  - a bot process killed (SIGKILL) mid-procedure continues at the right step after a restart
 *    (SQLite file and Redis);
 *  - two processes sharing Redis serve one conversation alternately without losing or repeating a step;
 *  - Redis going away gives a quick apology with the Kring Pajak contacts, /readyz 503, and the bot
 *    recovers by itself when Redis is back;
 *  - retention (TTL) makes an old conversation start fresh;
 *  - SQLite is the default store of a fresh clone.
 * Concurrent turns in one conversation: state-concurrency.test.ts. Each step is recognised by the
 * content of its node (tests/helpers/state.ts), not by wording written here.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationData } from '../src/conversation/data.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createApp } from '../src/server.js';
import { createStore, DEFAULT_SQLITE_FILE_NAME } from '../src/storage/index.js';
import { liveCatalog } from './helpers/content.js';
import { Conversation, type BotProcess } from './helpers/harness.js';
import { freePort, type RedisHandle } from './helpers/redis-server.js';
import { stateKey } from './helpers/server.js';
import {
  FIRST_QUESTION,
  M,
  RESET_CAUSE,
  SLOW,
  SPAWNS,
  click,
  expectCauseQuestion,
  expectEnofaReset,
  expectHandoff,
  expectNormal,
  expectPersonOffer,
  expectResetProcedure,
  expectStoreApology,
  readConversationData,
  showsEnofa,
  showsReset,
  uniquePrefix,
  useTracked,
} from './helpers/state.js';

const t = useTracked();

// ---- 1. restart mid-procedure ----

describe('a bot process killed mid-procedure continues at the right step after a restart', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await t.redis();
  }, SLOW);

  const backends: Array<[string, () => Record<string, string>]> = [
    ['sqlite', () => ({ STORAGE: 'sqlite', DATA_DIR: t.tempDir() })],
    ['redis', () => ({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() })],
  ];

  it.each(backends)(
    'STORAGE=%s: SIGKILL after the reset procedure, then again after the e-Nofa reset',
    async (_kind, makeEnv) => {
      const env = makeEnv();
      const port = await freePort();
      let bot = await t.spawn(env, port);
      const c = new Conversation(bot.url, t.channel);

      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expectResetProcedure(await c.send('1'));

      // Hard kill (no graceful shutdown), start again on the same port and the same store.
      await t.kill9(bot);
      bot = await t.spawn(env, port);
      c.botUrl = bot.url;
      expectEnofaReset(await c.send('belum'));

      // Once more, now on another port (e.g. a new container behind the load balancer).
      await t.kill9(bot);
      bot = await t.spawn(env);
      c.botUrl = bot.url;
      expectPersonOffer(await c.send('belum'));

      // The hand-off after two restarts still knows the whole path.
      const r = await c.send('iya');
      expectHandoff(r);
      expect(r.text).toContain(liveCatalog().intents.get('reset-aplikasi')!.title);
    },
    SPAWNS,
  );
});

// ---- 2. two instances sharing Redis ----

describe('two bot processes sharing Redis', () => {
  let redis: RedisHandle;
  const AGENT_KEY = 'agent-key-for-state-tests-0123456789';
  beforeAll(async () => {
    redis = await t.redis();
  }, SLOW);

  it(
    'serve one conversation alternately, message by message, without a lost or repeated step',
    async () => {
      const env = { STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix(), AGENT_API_KEY: AGENT_KEY };
      // One after the other: two starts at once compete for the CPU.
      const a = await t.spawn(env);
      const b = await t.spawn(env);
      expect(a.port).not.toBe(b.port);
      const c = new Conversation(a.url, t.channel);
      const on = (p: BotProcess) => {
        c.botUrl = p.url;
        return c;
      };

      let r = await on(a).send(FIRST_QUESTION);
      expectCauseQuestion(r);
      r = await click(on(b), r, RESET_CAUSE);
      expectResetProcedure(r);
      r = await click(on(a), r, M.checkUnsolvedLabel);
      expectEnofaReset(r);
      r = await click(on(b), r, M.checkUnsolvedLabel);
      expectPersonOffer(r);
      r = await click(on(a), r, M.escalateYesLabel);
      const ref = expectHandoff(r);

      // The ticket written by A is visible to B, with every step of both instances.
      const res = await fetch(`${b.url}/api/handoffs/${ref}`, { headers: { 'x-agent-key': AGENT_KEY } });
      expect(res.status).toBe(200);
      const ticket = (await res.json()) as { conversationId: string; path: string[]; choices: string[]; transcript: Array<{ from: string; text: string }> };
      expect(ticket.conversationId).toBe(c.id);
      expect(ticket.path).toEqual(expect.arrayContaining(['reset-aplikasi/penyebab', 'reset-aplikasi/reset-prosedur', 'reset-aplikasi/reset-enofa']));
      expect(ticket.choices).toContain(RESET_CAUSE);
      const userTurns = ticket.transcript.filter((e) => e.from === 'user').map((e) => e.text);
      expect(userTurns).toEqual([FIRST_QUESTION, RESET_CAUSE, M.checkUnsolvedLabel, M.checkUnsolvedLabel, M.escalateYesLabel]);
    },
    SPAWNS,
  );
});

// ---- 4. Redis stopped and started again ----

describe('Redis stopped mid-conversation and started again', () => {
  it(
    'apologises quickly with the Kring Pajak contacts, reports not ready, and recovers by itself',
    async () => {
      const redis = await t.redis();
      const bot = await t.start({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() });
      const c = new Conversation(bot.url, t.channel);
      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);

      await redis.stop();

      const t0 = performance.now();
      const down = await c.send('1');
      const apologyMs = performance.now() - t0;
      expectStoreApology(down); // with the contacts, and no half-served step
      expect(apologyMs).toBeLessThan(5000);

      const notReady = await fetch(`${bot.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { checks: { storage: string } }).checks.storage).toMatch(/unavailable/);

      await redis.restart(); // an empty Redis: the conversation state is gone
      const t1 = performance.now();
      let ready = 0;
      while (performance.now() - t1 < 10_000) {
        ready = (await fetch(`${bot.url}/readyz`)).status;
        if (ready === 200) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const recoveryMs = performance.now() - t1;
      expect(ready).toBe(200);
      expect(recoveryMs).toBeLessThan(5000);

      // Normal service again, and state is saved again (the next step follows).
      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expectResetProcedure(await c.send('1'));
      console.info(`redis outage: apology after ${Math.round(apologyMs)} ms, ready again ${Math.round(recoveryMs)} ms after restart`);
    },
    SLOW,
  );
});

// ---- 5. retention ----

describe('retention', () => {
  it(
    'a conversation whose state expired starts fresh',
    async () => {
      const dir = t.tempDir();
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        STORAGE: 'sqlite',
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        INTENTS_DIR: path.resolve('intents'),
        RATE_LIMIT_MESSAGES: '1000',
      });
      const store = createStore({ kind: 'sqlite', dataDir: dir, ttlSeconds: 1 });
      const app = createApp(config, { store, logger: createLogger('silent') });
      t.track(app);
      const url = await app.start();
      const c = new Conversation(url, t.channel);

      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expectResetProcedure(await c.send('1'));
      expect((await readConversationData(app, c))?.flow.path).toContain('reset-aplikasi/reset-prosedur');

      await new Promise((res) => setTimeout(res, 1500));
      expect(await readConversationData(app, c)).toBeUndefined();

      // "belum" would have led to the e-Nofa reset; now it is a message in a new conversation.
      const r = await c.send('belum');
      // A new conversation reads "belum" on its own (a topic guess or a did-you-mean), never as the next step.
      expectNormal(r);
      expect(showsEnofa(r.text)).toBe(false);
      expect(showsReset(r.text)).toBe(false);
      const data = await readConversationData(app, c);
      expect(data?.flow.path ?? []).not.toContain('reset-aplikasi/reset-prosedur');
      expect((data?.transcript ?? []).map((e) => e.text)).not.toContain(FIRST_QUESTION);
      expect(fs.existsSync(path.join(dir, DEFAULT_SQLITE_FILE_NAME))).toBe(true);
    },
    SLOW,
  );
});

// ---- 6. SQLite is the default ----

describe('SQLite is the default on a fresh clone', () => {
  it('loadConfig({}) chooses sqlite in ./data', () => {
    const config = loadConfig({});
    expect(config.storage.kind).toBe('sqlite');
    expect(config.storage.dataDir).toBe(path.resolve('data'));
  });

  it(
    'a spawned bot without STORAGE creates <DATA_DIR>/bot-state.sqlite and keeps the conversation there',
    async () => {
      const dir = t.tempDir();
      const file = path.join(dir, 'bot-state.sqlite');
      // Empty values count as unset (and override anything inherited from the test runner's environment).
      const bot = await t.spawn({ STORAGE: '', REDIS_URL: '', DATA_DIR: dir });
      expect(fs.existsSync(file)).toBe(true);
      const ready = (await (await fetch(`${bot.url}/readyz`)).json()) as { checks: { storage: string } };
      expect(ready.checks.storage).toBe('ok');

      const c = new Conversation(bot.url, t.channel);
      expectCauseQuestion(await c.send(FIRST_QUESTION));

      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare('SELECT doc FROM items WHERE key = ?').get(stateKey(c)) as { doc: string } | undefined;
        expect(row).toBeDefined();
        const data = (JSON.parse(row!.doc) as { data: ConversationData }).data;
        expect(data.flow.path).toContain('reset-aplikasi/penyebab');
      } finally {
        db.close();
      }
    },
    SLOW,
  );
});
