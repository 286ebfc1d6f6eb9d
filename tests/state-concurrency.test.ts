/**
 * Concurrent turns in one conversation never corrupt its state (SQLite and Redis): a double-clicked
 * choice, two different messages at once, five messages at once to a new conversation. Each step is
 * recognised by the content of its node (tests/helpers/state.ts), not by wording written here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationData } from '../src/conversation/data.js';
import { reviveFlowState } from '../src/flow/engine.js';
import { labelsOf } from './helpers/content.js';
import { Conversation, repliesText, type ChannelServer, type ReceivedActivity, type SendResult, type TestBot } from './helpers/harness.js';
import type { RedisHandle } from './helpers/redis-server.js';
import {
  FIRST_QUESTION,
  M,
  RESET_CAUSE,
  RESET_TOPIC,
  SLOW,
  click,
  expectCauseQuestion,
  expectEnofaReset,
  expectNormal,
  expectPersonOffer,
  expectResetProcedure,
  readConversationData,
  showsMenu,
  showsReset,
  storeDown,
  uniquePrefix,
  useTracked,
} from './helpers/state.js';

const t = useTracked();

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
    redis = await t.redis();
    slow = await startSlowChannel(150);
  }, SLOW);
  afterAll(async () => {
    await slow?.close();
  });

  const backends: Array<[string, () => Record<string, string>]> = [
    ['sqlite', () => ({ STORAGE: 'sqlite', DATA_DIR: t.tempDir() })],
    ['redis', () => ({ STORAGE: 'redis', REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix() })],
  ];

  /** Every concurrent request is answered (200, a reply): a sensible answer or the store apology, never an error. */
  function expectAnswered(r: SendResult, sensible: (text: string) => boolean): void {
    expect(r.status).toBe(200);
    expect(r.replies.length).toBeGreaterThan(0);
    expect(sensible(r.text) || storeDown(r.text), r.text.slice(0, 300)).toBe(true);
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
    expectCauseQuestion(await click(c, menu, RESET_TOPIC));
    expectResetProcedure(await c.send('1'));
  }

  it.each(backends)(
    'STORAGE=%s: a double-clicked choice, then the procedure continues at the next step',
    async (_kind, makeEnv) => {
      const bot = await t.start(makeEnv());
      const c = new Conversation(bot.url, slow);
      const first = await c.send(FIRST_QUESTION);
      expectCauseQuestion(first);

      const both = await Promise.all([sendOwn(c, RESET_CAUSE), sendOwn(c, RESET_CAUSE)]);
      // One click runs the step; the duplicate shows the step's question again (no new topic, no restart).
      for (const x of both) expectAnswered(x, (text) => showsReset(text) || text.includes(M.checkQuestion));
      expect(both.some((x) => showsReset(x.text))).toBe(true);

      const data = await expectReadableState(bot, c);
      expect(data.flow.path.at(-1)).toBe('reset-aplikasi/reset-prosedur');

      const r = await c.send('belum');
      expectEnofaReset(r);
      expectPersonOffer(await click(c, r, M.checkUnsolvedLabel));
    },
    SLOW,
  );

  it.each(backends)(
    'STORAGE=%s: two different messages at once, then the conversation still works',
    async (_kind, makeEnv) => {
      const bot = await t.start(makeEnv());
      const c = new Conversation(bot.url, slow);
      expectCauseQuestion(await c.send(FIRST_QUESTION));

      const [one, menu] = await Promise.all([sendOwn(c, '1'), sendOwn(c, 'menu')]);
      expectAnswered(one, showsReset);
      expectAnswered(menu, showsMenu);
      expect(showsReset(menu.text)).toBe(false);
      expect(showsMenu(one.text)).toBe(false);

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
      const bot = await t.start(makeEnv());
      const c = new Conversation(bot.url, slow);
      const all = await Promise.all(Array.from({ length: 5 }, () => sendOwn(c, FIRST_QUESTION)));
      for (const x of all) expectAnswered(x, (text) => labelsOf('reset-aplikasi/penyebab').every((l) => text.includes(`[${l}]`)));

      const data = await expectReadableState(bot, c);
      expect(data.flow.path.at(-1)).toBe('reset-aplikasi/penyebab');
      expectResetProcedure(await c.send('1'));
      await expectWorksFromMenu(c);
    },
    SLOW,
  );
});
