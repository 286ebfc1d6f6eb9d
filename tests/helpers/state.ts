/**
 * What the state tests (state-restart, state-concurrency) share: bot processes, in-process bots,
 * Redis servers and folders that are stopped or removed again even when a test fails, and what each
 * step of the "Belum Registrasi" procedure looks like — read from the live content, so an editor's
 * rewording breaks nothing, while a conversation that lands on the wrong step still fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { contactsMarkdown } from '../../src/answers/index.js';
import type { ConversationData } from '../../src/conversation/data.js';
import type { App } from '../../src/server.js';
import { labelTo, labelsOf, liveCatalog, showsAnswer } from './content.js';
import {
  lastChoices,
  spawnBot,
  startBot,
  startChannel,
  type BotProcess,
  type ChannelServer,
  type Conversation,
  type SendResult,
  type TestBot,
} from './harness.js';
import { freePort, startRedis, type RedisHandle } from './redis-server.js';
import { stateKey } from './server.js';

export const SLOW = 60_000;
/** Tests that start bot processes several times (each start may take a while on a busy machine). */
export const SPAWNS = 120_000;

// ---- what each step of the "Belum Registrasi" procedure looks like ----

const bot = liveCatalog().bot;
export const M = bot.messages;
export const FIRST_QUESTION = 'status efaktur saya belum registrasi';
const CAUSE = 'reset-aplikasi/penyebab';
const RESET = 'reset-aplikasi/reset-prosedur';
const ENOFA = 'reset-aplikasi/reset-enofa';
/** The cause that leads to the reset procedure, as the user clicks it. */
export const RESET_CAUSE = labelTo(CAUSE, 'reset-prosedur');
/** The menu choice that starts the reset topic. */
export const RESET_TOPIC = labelTo(`${bot.roles.menu}/${liveCatalog().intents.get(bot.roles.menu)!.start}`, 'intent:reset-aplikasi');
export const REFERENCE = /KP-[2-9A-HJKMNP-Z]{6}/;
/** The apology when the store is unavailable, with the contacts. */
export const storeDown = (text: string) => text.includes(M.storeDown);
export const showsReset = (text: string) => showsAnswer(text, RESET);
export const showsEnofa = (text: string) => showsAnswer(text, ENOFA);
/** The menu, as the command "menu" shows it. */
export const showsMenu = (text: string) =>
  labelsOf(`${bot.roles.menu}/${liveCatalog().intents.get(bot.roles.menu)!.start}`).every((l) => text.includes(`[${l}]`));

export function expectNormal(r: SendResult): void {
  expect(r.status).toBe(200);
  expect(r.replies.length).toBeGreaterThan(0);
  expect(storeDown(r.text)).toBe(false);
}

/** Step 1: the cause question. */
export function expectCauseQuestion(r: SendResult): void {
  expectNormal(r);
  expect(lastChoices(r.replies)).toEqual(labelsOf(CAUSE));
  expect(showsReset(r.text)).toBe(false);
}

/** Step 2: the reset procedure, ending with the check question. */
export function expectResetProcedure(r: SendResult): void {
  expectNormal(r);
  expect(showsReset(r.text)).toBe(true);
  expect(lastChoices(r.replies)).toEqual([M.checkSolvedLabel, M.checkUnsolvedLabel]);
  expect(showsEnofa(r.text)).toBe(false);
}

/** Step 3: the e-Nofa "Reset Aplikasi Client" procedure (not the first reset again). */
export function expectEnofaReset(r: SendResult): void {
  expectNormal(r);
  expect(showsEnofa(r.text)).toBe(true);
  expect(lastChoices(r.replies)).toEqual([M.checkSolvedLabel, M.checkUnsolvedLabel]);
  expect(showsReset(r.text)).toBe(false);
}

/** Step 4: the offer of a person. */
export function expectPersonOffer(r: SendResult): void {
  expectNormal(r);
  expect(r.text).toContain(M.escalateConfirm);
  expect(lastChoices(r.replies)).toEqual([M.escalateYesLabel, M.escalateNoLabel]);
  expect(showsEnofa(r.text)).toBe(false);
}

/** Step 5: the hand-off with its reference and the contacts; returns the reference. */
export function expectHandoff(r: SendResult): string {
  expectNormal(r);
  expect(r.text).toMatch(REFERENCE);
  expect(r.text).toContain(bot.contacts.channels[0]!.value);
  return r.text.match(REFERENCE)![0];
}

/** The store apology: the contacts, and no half-served step. */
export function expectStoreApology(r: SendResult): void {
  expect(r.status).toBe(200);
  expect(storeDown(r.text)).toBe(true);
  expect(r.text).toContain(contactsMarkdown(bot));
  expect(showsReset(r.text)).toBe(false);
}

/** Clicks a suggested action: Web Chat posts the action's title/value as the user's text. */
export async function click(c: Conversation, prev: SendResult, label: string): Promise<SendResult> {
  const choices = lastChoices(prev.replies);
  expect(choices, `no choice "${label}" in [${choices.join(' | ')}]`).toContain(label);
  return c.send(label);
}

export async function readConversationData(app: App, c: Conversation): Promise<ConversationData | undefined> {
  const key = stateKey(c);
  const items = await app.store.read([key]);
  return (items[key] as { data?: ConversationData } | undefined)?.data;
}

export const uniquePrefix = () => `efaktur-test-${randomUUID().slice(0, 8)}:`;

export const BASE_ENV = { RATE_LIMIT_MESSAGES: '1000', LOG_LEVEL: 'warn' };

export interface Tracked {
  /** The channel every bot of the file replies to. */
  readonly channel: ChannelServer;
  /** Spawns a bot process (retried once when merely slow to start); killed after each test. */
  spawn(env: Record<string, string>, port?: number): Promise<BotProcess>;
  /** Kills a bot process hard (no graceful shutdown). */
  kill9(p: BotProcess): Promise<void>;
  /** Starts a bot in-process; stopped after each test. */
  start(env: Record<string, string>): Promise<TestBot>;
  /** Tracks something in-process that must be stopped after the test. */
  track(x: { stop(): Promise<void> }): void;
  /** Starts a Redis server; stopped after the file. */
  redis(): Promise<RedisHandle>;
  /** A temporary folder; removed after the file. */
  tempDir(): string;
}

/** Registers the hooks that stop and remove everything the tests of the file start. */
export function useTracked(): Tracked {
  let channel: ChannelServer | undefined;
  const processes = new Set<BotProcess>();
  const inProcess = new Set<{ stop(): Promise<void> }>();
  const redisServers = new Set<RedisHandle>();
  const tempDirs: string[] = [];

  // Last resort if the worker exits before the hooks ran (the redis helper has the same hook).
  process.once('exit', () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });

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

  return {
    get channel() {
      if (!channel) throw new Error('useTracked: the channel is not running (use it inside a test)');
      return channel;
    },
    /**
     * The harness gives a start 20 s; on a loaded machine (several test suites on two cores) a start
     * can take longer, so a start that merely did not become ready in time (the harness already killed
     * it) is tried once more. A bot that exits during start-up fails at once.
     */
    async spawn(env, port) {
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
    },
    async kill9(p) {
      await p.kill('SIGKILL');
      processes.delete(p);
    },
    async start(env) {
      const b = await startBot({ ...BASE_ENV, ...env });
      inProcess.add(b);
      return b;
    },
    track: (x) => inProcess.add(x),
    async redis() {
      const r = await startRedis();
      redisServers.add(r);
      return r;
    },
    tempDir() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'efaktur-state-'));
      tempDirs.push(dir);
      return dir;
    },
  };
}
