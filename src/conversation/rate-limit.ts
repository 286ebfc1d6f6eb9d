/**
 * Per-conversation and per-user message limits, counted in the bot's store (src/storage/rate-limiters.ts:
 * Redis, SQLite or memory) so that N instances on one store allow the limit once, not N times. A noisy
 * conversation is answered politely and cheaply (no matching, no state write), so it cannot slow the
 * others; the notice is sent once per window (the message that first goes over the limit).
 *
 * Fixed windows of `windowMs` starting at a key's first message. When the store cannot count (Redis
 * down), messages are let through: the turn then meets the same store and apologises, and a limiter
 * outage must not silence every user.
 */
import type { BotStore } from '../storage/index.js';
import { StoreLimiter } from '../storage/rate-limiters.js';

export type RateVerdict = { allowed: true; degraded?: true } | { allowed: false; notify: boolean };

export const SQLITE_MESSAGE_LIMITS_TABLE = 'bot_message_limits';

export class RateLimiter {
  private readonly perConversation: StoreLimiter;
  private readonly perUser: StoreLimiter;

  constructor(store: BotStore | undefined, limit: number, windowMs: number) {
    const make = (name: 'conversation' | 'user') =>
      new StoreLimiter(store, {
        redisKeyPrefix: `rate:messages:${name}:`,
        sqliteTable: SQLITE_MESSAGE_LIMITS_TABLE,
        keyPrefix: `messages-${name}`,
        points: limit,
        durationSeconds: windowMs / 1000,
      });
    this.perConversation = make('conversation');
    this.perUser = make('user');
  }

  get backend(): StoreLimiter['backend'] {
    return this.perConversation.backend;
  }

  /**
   * Counts one message for its conversation and its user. `notify` is true for the message that
   * first went over a limit in its window (the user is told once, then the bot stays silent).
   */
  async check(conversationKey: string, userKey: string): Promise<RateVerdict> {
    let results;
    try {
      results = await Promise.all([this.perConversation.take(conversationKey), this.perUser.take(userKey)]);
    } catch {
      return { allowed: true, degraded: true };
    }
    const over = results.filter((r) => !r.allowed);
    if (!over.length) return { allowed: true };
    return { allowed: false, notify: over.some((r) => r.consumed === this.perConversation.points + 1) };
  }

  close(): void {
    this.perConversation.close();
    this.perUser.close();
  }
}
