/**
 * Where the built-in Direct Line keeps its conversations: the user bound to each, its activities with
 * their sequence numbers (the watermarks), its last activity (for expiry) and the channel's master
 * secret. One interface, three implementations, picked from the bot's store:
 *
 *   STORAGE=redis   store-redis.ts: hashes, lists and a sorted set on the store's own connection, each
 *                   operation one Lua script (atomic across instances), keys under REDIS_PREFIX with a
 *                   TTL of the idle time; instances share everything.
 *   STORAGE=sqlite  store-sqlite.ts: tables in the store's file; survives a restart (and processes on
 *                   one file share it).
 *   STORAGE=memory  store-memory.ts: this process only, lost on restart (like the memory store).
 *
 * The Storage API (read/write whole documents with eTags) is too coarse for this: an append would
 * rewrite the whole list and two instances appending at once would conflict; hence this interface.
 *
 * Invariants every implementation keeps:
 *  - `append` gives the next sequence number of the conversation, atomically: two instances appending
 *    at once get two different numbers, and each number is used once;
 *  - a conversation's stored activities are always the contiguous range (seq − n, seq], trimmed from
 *    the oldest (at most `maxActivitiesPerConversation`, at most `maxBytesPerConversation`);
 *  - `activities(after)` reads the list and the watermark in one consistent snapshot, so a client that
 *    polls with the watermark it got never misses an activity nor sees one twice;
 *  - a conversation idle for `conversationIdleMs` is gone; at most `maxConversations` conversations
 *    and `maxTotalBytes` stored bytes are kept (the least recently active are evicted);
 *  - at most one holder has a conversation's lease (the bot gets its activities one at a time, even
 *    when the user's messages arrive on different instances).
 */
import type { BotStore } from '../../storage/index.js';
import { RedisStorage } from '../../storage/redis-storage.js';
import { SqliteStorage } from '../../storage/sqlite-storage.js';
import type { Activity } from './activities.js';
import type { StoreLimits } from './limits.js';
import { MemoryDirectLineStore } from './store-memory.js';
import { RedisDirectLineStore } from './store-redis.js';
import { SqliteDirectLineStore } from './store-sqlite.js';

export interface StoredConversation {
  id: string;
  userId: string;
  locale?: string;
  /** Sequence number of the newest activity (the watermark); 0 before the first. */
  seq: number;
}

export interface ActivityPage {
  /** The activities after the asked watermark, oldest first, each with its `id`. */
  activities: Activity[];
  watermark: number;
}

export interface DirectLineStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /** Creates the conversation unless it exists (then it is only marked active); `created` says which. */
  create(c: { id: string; userId: string; locale?: string }, now: number): Promise<{ conversation: StoredConversation; created: boolean }>;
  /** The conversation, marked active; undefined when unknown, expired or evicted. */
  open(id: string, now: number): Promise<StoredConversation | undefined>;
  /** Stores the activity under the next seq (its `id` is set from it); undefined when the conversation is gone. */
  append(id: string, activity: Activity, now: number): Promise<{ id: string; seq: number } | undefined>;
  /** The activities with seq > `after` and the watermark, marking the conversation active; undefined when gone. */
  activities(id: string, after: number, now: number): Promise<ActivityPage | undefined>;
  /** Conversations kept, as last seen by this instance (exact for the memory store). */
  size(): number;
  /** Drops idle conversations now. */
  sweep(now: number): Promise<void>;
  /**
   * Takes the conversation's hop to the bot for `holder` (one activity at a time per conversation
   * across instances, as the old single-process queue did): true when taken, false while another
   * holder has it. It lapses after `ttlMs` (an instance that died holding it).
   */
  lease(id: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** Gives the lease back (only if `holder` still has it). */
  unlease(id: string, holder: string): Promise<void>;
  /** The channel's master secret: the stored one, or `fresh` stored now when there is none. */
  masterSecret(fresh: string): Promise<string>;
  close(): Promise<void>;
}

/** The implementation that matches the bot's store (memory when there is none, e.g. in tests). */
export function createDirectLineStore(store: BotStore | undefined, limits: StoreLimits): DirectLineStore {
  if (store instanceof RedisStorage) return new RedisDirectLineStore(store, limits);
  if (store instanceof SqliteStorage) return new SqliteDirectLineStore(store.database, limits);
  return new MemoryDirectLineStore(limits);
}
