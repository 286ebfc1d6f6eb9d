/**
 * A bound on how many conversations the store keeps (issue 18: one client could create thousands,
 * each kept for the whole retention). Conversation state lives under `<channel>/conversations/<id>/`;
 * over the budget, the least recently written ones are deleted. Each store answers "how many, and which
 * are the oldest" in its own way: SQLite by the expiry column, Redis by each key's remaining TTL, memory
 * by write order. Hand-written because it is about this bot's key layout, not generic plumbing.
 */
import type { BotStore } from './index.js';
import { MemoryStorage } from './memory-storage.js';
import { RedisStorage } from './redis-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

export interface BudgetReport {
  /** Conversations stored when last checked. */
  stored: number;
  budget: number;
  /** Conversations evicted since start. */
  evicted: number;
  checkedAt?: string;
}

const isConversationKey = (key: string) => /^[^/]+\/conversations\/.+\/$/.test(key);

export class ConversationBudget {
  private report: BudgetReport;

  constructor(
    private readonly store: BotStore,
    readonly budget: number,
  ) {
    this.report = { stored: 0, budget, evicted: 0 };
  }

  get status(): BudgetReport {
    return { ...this.report };
  }

  /** Counts, and evicts the least recently written conversations beyond the budget. */
  async enforce(now = new Date()): Promise<BudgetReport> {
    const { count, evict } = await this.backend();
    const stored = await count();
    let evicted = 0;
    if (stored > this.budget) evicted = await evict(stored - this.budget);
    this.report = { stored: stored - evicted, budget: this.budget, evicted: this.report.evicted + evicted, checkedAt: now.toISOString() };
    return this.status;
  }

  private async backend(): Promise<{ count: () => Promise<number>; evict: (n: number) => Promise<number> }> {
    const s = this.store;
    if (s instanceof SqliteStorage) {
      const db = s.database;
      const where = "key GLOB '*/conversations/*/' AND (expires_at IS NULL OR expires_at > ?)";
      return {
        count: async () => (db.prepare(`SELECT COUNT(*) AS n FROM items WHERE ${where}`).get(Date.now()) as { n: number }).n,
        // The soonest to expire were written longest ago (one TTL for all conversation keys).
        evict: async (n) =>
          db.prepare(`DELETE FROM items WHERE key IN (SELECT key FROM items WHERE ${where} ORDER BY expires_at ASC LIMIT ?)`).run(Date.now(), n).changes,
      };
    }
    if (s instanceof RedisStorage) {
      const keys = async () => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await s.client.scan(cursor, 'MATCH', `${s.prefix}*/conversations/*/`, 'COUNT', 1000);
          cursor = next;
          found.push(...batch);
        } while (cursor !== '0');
        return found;
      };
      return {
        count: async () => (await keys()).length,
        evict: async (n) => {
          const all = await keys();
          const ttls = await Promise.all(all.map((k) => s.client.pttl(k)));
          const oldest = all
            .map((k, i) => ({ k, ttl: ttls[i]! < 0 ? Number.MAX_SAFE_INTEGER : ttls[i]! }))
            .sort((a, b) => a.ttl - b.ttl)
            .slice(0, n);
          return oldest.length ? s.client.del(...oldest.map((o) => o.k)) : 0;
        },
      };
    }
    if (s instanceof MemoryStorage) {
      return {
        count: async () => s.keysInWriteOrder().filter(isConversationKey).length,
        evict: async (n) => {
          const oldest = s.keysInWriteOrder().filter(isConversationKey).slice(0, n);
          await s.delete(oldest);
          return oldest.length;
        },
      };
    }
    return { count: async () => 0, evict: async () => 0 };
  }
}
