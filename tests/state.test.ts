/**
 * State that survives restarts and scales out, through the real protocol:
 *  - a bot process killed (SIGKILL) mid-procedure continues at the right step after a restart
 *    (SQLite file and Redis);
 *  - two processes sharing Redis serve one conversation alternately without losing or repeating a step;
 *  - concurrent turns in one conversation never corrupt its state;
 *  - Redis going away gives a quick apology with the Kring Pajak contacts, /readyz 503, and the bot
 *    recovers by itself when Redis is back;
 *  - retention (TTL) makes an old conversation start fresh;
 *  - SQLite is the default store of a fresh clone.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { reviveFlowState } from '../src/flow/engine.js';
import { createLogger } from '../src/log.js';
import { createApp, type App } from '../src/server.js';
import { createStore, DEFAULT_SQLITE_FILE_NAME } from '../src/storage/index.js';
import type { ConversationData } from '../src/bot/helpdesk-bot.js';
import {
  Conversation,
  lastChoices,
  repliesText,
  spawnBot,
  startBot,
  startChannel,
  type BotProcess,
  type ChannelServer,
  type ReceivedActivity,
  type SendResult,
  type TestBot,
} from './helpers/harness.js';
import { freePort, startRedis, type RedisHandle } from './helpers/redis-server.js';

const SLOW = 60_000;
/** Tests that start bot processes several times (each start may take a while on a busy machine). */
const SPAWNS = 120_000;

// ---- what each step of the "Belum Registrasi" procedure looks like ----

const FIRST_QUESTION = 'status efaktur saya belum registrasi';
const CHECK = /Apakah masalahnya sudah teratasi\?/;
const RESET_STEPS = /Certificates-based authentication failed/;
const ENOFA_RESET = /16 digit/;
const OFFER = ['Ya, hubungkan', 'Tidak, terima kasih'];
const REFERENCE = /KP-[2-9A-HJKMNP-Z]{6}/;
const STORE_DOWN = /sedang mengalami gangguan/;

function expectNormal(r: SendResult): void {
  expect(r.status).toBe(200);
  expect(r.replies.length).toBeGreaterThan(0);
  expect(r.text).not.toMatch(STORE_DOWN);
}

/** Step 1: the cause question. */
function expectCauseQuestion(r: SendResult): void {
  expectNormal(r);
  expect(r.text).toMatch(/Belum Registrasi/);
  expect(lastChoices(r.replies)).toContain('Database rusak / kena virus');
  expect(r.text).not.toMatch(RESET_STEPS);
}

/** Step 2: the 8-step reset procedure, ending with the check question. */
function expectResetProcedure(r: SendResult): void {
  expectNormal(r);
  expect(r.text).toMatch(RESET_STEPS);
  expect(r.text).toMatch(/\n8\. /);
  expect(r.text).toMatch(CHECK);
  expect(r.text).not.toMatch(ENOFA_RESET);
}

/** Step 3: the e-Nofa "Reset Aplikasi Client" procedure (not the first reset again). */
function expectEnofaReset(r: SendResult): void {
  expectNormal(r);
  expect(r.text).toMatch(/Reset Aplikasi Client/);
  expect(r.text).toMatch(ENOFA_RESET);
  expect(r.text).toMatch(CHECK);
  expect(r.text).not.toMatch(RESET_STEPS);
}

/** Step 4: the offer of a person. */
function expectPersonOffer(r: SendResult): void {
  expectNormal(r);
  expect(r.text).toMatch(/petugas/i);
  expect(lastChoices(r.replies)).toEqual(OFFER);
  expect(r.text).not.toMatch(ENOFA_RESET);
}

/** Step 5: the hand-off with its reference; returns the reference. */
function expectHandoff(r: SendResult): string {
  expectNormal(r);
  expect(r.text).toMatch(REFERENCE);
  expect(r.text).toMatch(/1500200/);
  return r.text.match(REFERENCE)![0];
}

/** Clicks a suggested action: Web Chat posts the action's title/value as the user's text. */
async function click(c: Conversation, prev: SendResult, label: string): Promise<SendResult> {
  const choices = lastChoices(prev.replies);
  expect(choices, `no choice "${label}" in [${choices.join(' | ')}]`).toContain(label);
  return c.send(label);
}

/** The store key botbuilder's ConversationState uses (namespace ''). */
const stateKey = (c: Conversation) => `${c.channelId}/conversations/${c.id}/`;

async function readConversationData(app: App, c: Conversation): Promise<ConversationData | undefined> {
  const key = stateKey(c);
  const items = await app.store.read([key]);
  return (items[key] as { data?: ConversationData } | undefined)?.data;
}

// ---- resources: everything started here is stopped again, even when a test fails ----

let channel: ChannelServer;
const processes = new Set<BotProcess>();
const inProcess = new Set<{ stop(): Promise<void> }>();
const redisServers = new Set<RedisHandle>();
const tempDirs: string[] = [];

const BASE_ENV = { RATE_LIMIT_MESSAGES: '1000', LOG_LEVEL: 'warn' };

/**
 * Spawns a bot process and tracks it for the hooks. The harness gives a start 20 s; on a loaded
 * machine (several test suites on two cores) a start can take longer, so a start that merely did
 * not become ready in time (the harness already killed it) is tried once more. A bot that exits
 * during start-up fails at once.
 */
async function spawnTracked(env: Record<string, string>, port?: number): Promise<BotProcess> {
  const thePort = port ?? (await freePort());
  let p: BotProcess;
  try {
    p = await spawnBot({ ...BASE_ENV, ...env }, thePort);
  } catch (err) {
    if (!/did not become ready/.test((err as Error).message)) throw err;
    console.warn(`bot on port ${thePort} was slow to start; trying once more`);
    p = await spawnBot({ ...BASE_ENV, ...env }, thePort);
  }
  processes.add(p);
  return p;
}

// Last resort if the worker exits before the hooks ran (the redis helper has the same hook).
process.once('exit', () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

async function kill9(p: BotProcess): Promise<void> {
  await p.kill('SIGKILL');
  processes.delete(p);
}

async function startTracked(env: Record<string, string>): Promise<TestBot> {
  const bot = await startBot({ ...BASE_ENV, ...env });
  inProcess.add(bot);
  return bot;
}

async function redisTracked(): Promise<RedisHandle> {
  const r = await startRedis();
  redisServers.add(r);
  return r;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktur-state-'));
  tempDirs.push(dir);
  return dir;
}

const uniquePrefix = () => `efaktur-test-${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  channel = await startChannel();
});

afterEach(async () => {
  await Promise.all([...processes].map((p) => p.kill('SIGKILL')));
  processes.clear();
  await Promise.all([...inProcess].map((b) => b.stop().catch(() => undefined)));
  inProcess.clear();
}, SLOW);

afterAll(async () => {
  await Promise.all([...processes].map((p) => p.kill('SIGKILL')));
  await Promise.all([...redisServers].map((r) => r.stop()));
  await channel?.close();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}, SLOW);

// ---- 1. restart mid-procedure ----

describe('a bot process killed mid-procedure continues at the right step after a restart', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await redisTracked();
  }, SLOW);

  const backends: Array<[string, () => Record<string, string>]> = [
    ['sqlite', () => ({ STORAGE: 'sqlite', DATA_DIR: tempDir() })],
    ['redis', () => ({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() })],
  ];

  it.each(backends)(
    'STORAGE=%s: SIGKILL after the reset procedure, then again after the e-Nofa reset',
    async (_kind, makeEnv) => {
      const env = makeEnv();
      const port = await freePort();
      let bot = await spawnTracked(env, port);
      const c = new Conversation(bot.url, channel);

      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expectResetProcedure(await c.send('1'));

      // Hard kill (no graceful shutdown), start again on the same port and the same store.
      await kill9(bot);
      bot = await spawnTracked(env, port);
      c.botUrl = bot.url;
      expectEnofaReset(await c.send('belum'));

      // Once more, now on another port (e.g. a new container behind the load balancer).
      await kill9(bot);
      bot = await spawnTracked(env);
      c.botUrl = bot.url;
      expectPersonOffer(await c.send('belum'));

      // The hand-off after two restarts still knows the whole path.
      const r = await c.send('iya');
      expectHandoff(r);
      expect(r.text).toMatch(/Belum Registrasi|reset/i);
    },
    SPAWNS,
  );
});

// ---- 2. two instances sharing Redis ----

describe('two bot processes sharing Redis', () => {
  let redis: RedisHandle;
  const AGENT_KEY = 'agent-key-for-state-tests-0123456789';
  beforeAll(async () => {
    redis = await redisTracked();
  }, SLOW);

  it(
    'serve one conversation alternately, message by message, without a lost or repeated step',
    async () => {
      const env = { STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix(), AGENT_API_KEY: AGENT_KEY };
      // One after the other: two starts at once compete for the CPU.
      const a = await spawnTracked(env);
      const b = await spawnTracked(env);
      expect(a.port).not.toBe(b.port);
      const c = new Conversation(a.url, channel);
      const on = (p: BotProcess) => {
        c.botUrl = p.url;
        return c;
      };

      let r = await on(a).send(FIRST_QUESTION);
      expectCauseQuestion(r);
      r = await click(on(b), r, 'Database rusak / kena virus');
      expectResetProcedure(r);
      r = await click(on(a), r, 'Belum teratasi');
      expectEnofaReset(r);
      r = await click(on(b), r, 'Belum teratasi');
      expectPersonOffer(r);
      r = await click(on(a), r, 'Ya, hubungkan');
      const ref = expectHandoff(r);

      // The ticket written by A is visible to B, with every step of both instances.
      const res = await fetch(`${b.url}/api/handoffs/${ref}`, { headers: { 'x-agent-key': AGENT_KEY } });
      expect(res.status).toBe(200);
      const ticket = (await res.json()) as { conversationId: string; path: string[]; choices: string[]; transcript: Array<{ from: string; text: string }> };
      expect(ticket.conversationId).toBe(c.id);
      expect(ticket.path).toEqual(expect.arrayContaining(['reset-aplikasi/penyebab', 'reset-aplikasi/reset-prosedur', 'reset-aplikasi/reset-enofa']));
      expect(ticket.choices).toContain('Database rusak / kena virus');
      const userTurns = ticket.transcript.filter((e) => e.from === 'user').map((e) => e.text);
      expect(userTurns).toEqual([FIRST_QUESTION, 'Database rusak / kena virus', 'Belum teratasi', 'Belum teratasi', 'Ya, hubungkan']);
    },
    SPAWNS,
  );
});

// ---- 3. concurrent turns in one conversation ----

/**
 * A channel like `startChannel`, but each reply POST is answered only after `delayMs`: a turn that is
 * sending its replies has not saved its state yet, so turns sent together really overlap (both load
 * the same state) instead of being served one after the other by chance.
 */
async function startSlowChannel(delayMs: number): Promise<ChannelServer> {
  const received = new Map<string, ReceivedActivity[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const m = req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities/);
      if (req.method !== 'POST' || !m) {
        res.writeHead(404);
        res.end();
        return;
      }
      const conv = decodeURIComponent(m[1]!);
      const list = received.get(conv) ?? [];
      list.push(JSON.parse(body || '{}') as ReceivedActivity);
      received.set(conv, list);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: randomUUID() }));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    failNext() {
      throw new Error('not supported by the slow channel');
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('concurrent turns in one conversation never corrupt its state', () => {
  let redis: RedisHandle;
  let slow: ChannelServer;
  beforeAll(async () => {
    redis = await redisTracked();
    slow = await startSlowChannel(150);
  }, SLOW);
  afterAll(async () => {
    await slow?.close();
  });

  const backends: Array<[string, () => Record<string, string>]> = [
    ['sqlite', () => ({ STORAGE: 'sqlite', DATA_DIR: tempDir() })],
    ['redis', () => ({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() })],
  ];

  /** Every concurrent request is answered (200, a reply): a sensible answer or the store apology, never an error. */
  function expectAnswered(r: SendResult, sensible: RegExp): void {
    expect(r.status).toBe(200);
    expect(r.replies.length).toBeGreaterThan(0);
    expect(r.text).toMatch(new RegExp(`${sensible.source}|${STORE_DOWN.source}`));
  }

  /** The stored state is a well-formed document the bot can use as it is. */
  async function expectReadableState(bot: TestBot, c: Conversation): Promise<ConversationData> {
    const data = await readConversationData(bot.app, c);
    expect(data).toBeDefined();
    expect(Array.isArray(data!.transcript)).toBe(true);
    // reviveFlowState starts fresh for an unusable shape: the stored one must come back unchanged.
    expect(reviveFlowState(data!.flow)).toEqual({ ...reviveFlowState(undefined), ...data!.flow });
    expect(data!.flow.path.length).toBeGreaterThan(0);
    return data!;
  }

  /**
   * Sends one message and returns only the replies of that turn (`replyToId` = the activity's id):
   * `Conversation.send` returns every reply that reached the conversation while the request ran,
   * which mixes the replies of turns that run at the same time.
   */
  async function sendOwn(c: Conversation, text: string): Promise<SendResult> {
    const activity = c.activity({ text });
    const r = await c.post(activity);
    const own = (c.channel.received.get(c.id) ?? []).filter((a) => a.replyToId === activity.id);
    return { ...r, replies: own, text: repliesText(own) };
  }

  /** From any state: the menu, the topic, the cause question, the reset procedure. */
  async function expectWorksFromMenu(c: Conversation): Promise<void> {
    const menu = await c.send('menu');
    expectNormal(menu);
    expectCauseQuestion(await click(c, menu, 'Status "Belum Registrasi" / reset'));
    expectResetProcedure(await c.send('1'));
  }

  it.each(backends)(
    'STORAGE=%s: a double-clicked choice, then the procedure continues at the next step',
    async (_kind, makeEnv) => {
      const bot = await startTracked(makeEnv());
      const c = new Conversation(bot.url, slow);
      const first = await c.send(FIRST_QUESTION);
      expectCauseQuestion(first);

      const both = await Promise.all([sendOwn(c, 'Database rusak / kena virus'), sendOwn(c, 'Database rusak / kena virus')]);
      // One click runs the step; the duplicate shows the step's question again (no new topic, no restart).
      for (const x of both) expectAnswered(x, new RegExp(`${RESET_STEPS.source}|Apakah masalahnya sudah teratasi`));
      expect(both.some((x) => RESET_STEPS.test(x.text))).toBe(true);

      const data = await expectReadableState(bot, c);
      expect(data.flow.path.at(-1)).toBe('reset-aplikasi/reset-prosedur');

      const r = await c.send('belum');
      expectEnofaReset(r);
      expectPersonOffer(await click(c, r, 'Belum teratasi'));
    },
    SLOW,
  );

  it.each(backends)(
    'STORAGE=%s: two different messages at once, then the conversation still works',
    async (_kind, makeEnv) => {
      const bot = await startTracked(makeEnv());
      const c = new Conversation(bot.url, slow);
      expectCauseQuestion(await c.send(FIRST_QUESTION));

      const [one, menu] = await Promise.all([sendOwn(c, '1'), sendOwn(c, 'menu')]);
      expectAnswered(one, RESET_STEPS);
      expectAnswered(menu, /Silakan pilih topik/);
      expect(menu.text).not.toMatch(RESET_STEPS);
      expect(one.text).not.toMatch(/Silakan pilih topik/);

      const data = await expectReadableState(bot, c);
      // Whichever turn was saved last, the state is that turn's state, not a mix.
      const last = data.flow.path.at(-1);
      if (last === 'reset-aplikasi/reset-prosedur') expect(data.flow.prompt?.kind).toBe('check');
      expect(data.transcript.filter((e) => e.from === 'user').map((e) => e.text)[0]).toBe(FIRST_QUESTION);

      await expectWorksFromMenu(c);
      await expectReadableState(bot, c);
    },
    SLOW,
  );

  it.each(backends)(
    'STORAGE=%s: five messages at once to a new conversation',
    async (_kind, makeEnv) => {
      const bot = await startTracked(makeEnv());
      const c = new Conversation(bot.url, slow);
      const all = await Promise.all(Array.from({ length: 5 }, () => sendOwn(c, FIRST_QUESTION)));
      for (const x of all) expectAnswered(x, /Belum Registrasi/);

      const data = await expectReadableState(bot, c);
      expect(data.flow.path.at(-1)).toBe('reset-aplikasi/penyebab');
      expectResetProcedure(await c.send('1'));
      await expectWorksFromMenu(c);
    },
    SLOW,
  );
});

// ---- 4. Redis stopped and started again ----

describe('Redis stopped mid-conversation and started again', () => {
  it(
    'apologises quickly with the Kring Pajak contacts, reports not ready, and recovers by itself',
    async () => {
      const redis = await redisTracked();
      const bot = await startTracked({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() });
      const c = new Conversation(bot.url, channel);
      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);

      await redis.stop();

      const t0 = performance.now();
      const down = await c.send('1');
      const apologyMs = performance.now() - t0;
      expect(down.status).toBe(200);
      expect(down.text).toMatch(STORE_DOWN);
      expect(down.text).toMatch(/1500200/);
      expect(down.text).toMatch(/Kring Pajak/);
      expect(down.text).not.toMatch(RESET_STEPS); // no half-served step
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
      const dir = tempDir();
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'sqlite', DATA_DIR: dir, LOG_LEVEL: 'silent', INTENTS_DIR: path.resolve('intents'), RATE_LIMIT_MESSAGES: '1000' });
      const store = createStore({ kind: 'sqlite', dataDir: dir, ttlSeconds: 1 });
      const app = createApp(config, { store, logger: createLogger('silent') });
      inProcess.add(app);
      const url = await app.start();
      const c = new Conversation(url, channel);

      expectCauseQuestion(await c.send(FIRST_QUESTION));
      expectResetProcedure(await c.send('1'));
      expect((await readConversationData(app, c))?.flow.path).toContain('reset-aplikasi/reset-prosedur');

      await new Promise((res) => setTimeout(res, 1500));
      expect(await readConversationData(app, c)).toBeUndefined();

      // "belum" would have led to the e-Nofa reset; now it is a message in a new conversation.
      const r = await c.send('belum');
      // A new conversation reads "belum" on its own (a topic guess or a did-you-mean), never as the next step.
      expectNormal(r);
      expect(r.text).not.toMatch(ENOFA_RESET);
      expect(r.text).not.toMatch(RESET_STEPS);
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
      const dir = tempDir();
      const file = path.join(dir, 'bot-state.sqlite');
      // Empty values count as unset (and override anything inherited from the test runner's environment).
      const bot = await spawnTracked({ STORAGE: '', REDIS_URL: '', DATA_DIR: dir });
      expect(fs.existsSync(file)).toBe(true);
      const ready = (await (await fetch(`${bot.url}/readyz`)).json()) as { checks: { storage: string } };
      expect(ready.checks.storage).toBe('ok');

      const c = new Conversation(bot.url, channel);
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
