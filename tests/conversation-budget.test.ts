/**
 * The store keeps at most STATE_MAX_CONVERSATIONS conversations (issue 18, finding 8): beyond it the
 * least recently written are evicted, on every store, and /readyz shows the figures.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type BotStore } from '../src/storage/index.js';
import { ConversationBudget } from '../src/storage/budget.js';
import { startRedis } from './helpers/redis-server.js';
import { useServer } from './helpers/server.js';

const key = (i: number) => `webchat/conversations/conv-${i}/`;

async function fill(store: BotStore, n: number): Promise<void> {
  // One at a time, so "least recently written" is well defined (SQLite and Redis order by expiry).
  for (let i = 0; i < n; i++) {
    await store.write({ [key(i)]: { data: { i }, eTag: '*' } });
    await new Promise((r) => setTimeout(r, 3));
  }
  await store.write({ 'agents/teams-channel': { reference: {}, eTag: '*' } }); // not a conversation
}

describe('conversation budget', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  const stores: Array<[string, () => BotStore]> = [
    ['memory', () => createStore({ kind: 'memory' })],
    ['sqlite', () => createStore({ kind: 'sqlite', dataDir: mkdtempSync(path.join(os.tmpdir(), 'budget-')), ttlSeconds: 3600 })],
    ['redis', () => createStore({ kind: 'redis', redisUrl: redis.url, redisPrefix: `budget-${Math.random().toString(36).slice(2)}:`, ttlSeconds: 3600 })],
  ];

  it.each(stores)('%s: over the budget the least recently written conversations go, other keys stay', async (_name, make) => {
    const store = make();
    try {
      await fill(store, 12);
      // Conversation 0 is used again: it is now the most recent.
      await store.write({ [key(0)]: { data: { i: 0, again: true }, eTag: '*' } });
      const budget = new ConversationBudget(store, 8);
      const r = await budget.enforce();
      expect(r).toMatchObject({ stored: 8, budget: 8, evicted: 4 });
      const left = await store.read(Array.from({ length: 12 }, (_, i) => key(i)));
      expect(Object.keys(left).sort()).toEqual([0, 5, 6, 7, 8, 9, 10, 11].map(key).sort());
      expect(Object.keys(await store.read(['agents/teams-channel']))).toHaveLength(1);
      expect((await budget.enforce()).evicted).toBe(4); // nothing more to do
    } finally {
      await store.close();
    }
  });

  describe('over HTTP', () => {
    const server = useServer({ STATE_MAX_CONVERSATIONS: '100' });
    it('/readyz reports stored conversations, the budget and evictions', async () => {
      await server.conversation().send('halo');
      const r = await (await fetch(`${server.url}/readyz`)).json();
      expect(r.conversations).toMatchObject({ budget: 100, evicted: 0 });
      expect(typeof r.conversations.stored).toBe('number');
    });
  });
});
