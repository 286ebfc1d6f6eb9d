/**
 * State storage backends for the bot.
 *
 * All backends implement the Bot Framework's `Storage` shape (declared here, so storage does not
 * depend on the SDK) with exactly the eTag semantics of botbuilder's `MemoryStorage` (proved by tests/storage.conformance.test.ts):
 *  - `read(keys)` returns only the keys that exist (missing keys are absent from the result); every
 *    returned item carries an `eTag`.
 *  - `write(changes)`: an item whose `eTag` is missing or `'*'` overwrites; otherwise the eTag must equal
 *    the stored one, else the write rejects with a conflict (`isStoreConflict(err) === true`). A write
 *    with an eTag to a key that does not exist (any more) creates it, like `MemoryStorage`.
 *  - every successful write gives the item a new eTag; the caller's objects are never mutated.
 *  - `delete(keys)` ignores keys that do not exist.
 *
 * The sqlite and redis backends apply a multi-key `write` atomically (all items or none), which is
 * stricter than `MemoryStorage` (it writes the non-conflicting items of a batch and still rejects).
 */
import path from 'node:path';
import { MemoryStorage } from './memory-storage.js';
import { RedisStorage } from './redis-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

export type StoreKind = 'memory' | 'sqlite' | 'redis';

/** Items by key, each an object with an optional `eTag` (the SDK's `StoreItems`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's own shape: callers store their own documents.
export type StoreItems = Record<string, any>;

/** The SDK's `Storage` interface, structurally: a store passes wherever botbuilder wants one. */
export interface Storage {
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

export interface BotStore extends Storage {
  /** Resolves when the backend answers; rejects (quickly) when it is unavailable. */
  ping(): Promise<void>;
  /** Releases timers, connections and file handles. Idempotent. */
  close(): Promise<void>;
  readonly kind: StoreKind;
}

export interface CreateStoreOptions {
  kind: StoreKind;
  /** sqlite: directory of the database file when `sqliteFile` is not given (default `./data`). */
  dataDir?: string;
  /** sqlite: path of the database file (default `<dataDir>/bot-state.sqlite`). */
  sqliteFile?: string;
  /** redis: connection URL, e.g. `redis://127.0.0.1:6379/0` (required for kind `redis`). */
  redisUrl?: string;
  /** redis: key prefix (default `efaktur-bot:`). */
  redisPrefix?: string;
  /** sqlite/redis: items expire this many seconds after their last write. Ignored by `memory`. */
  ttlSeconds?: number;
  /** sqlite/redis: only keys starting with one of these prefixes expire (default / empty: all keys). */
  ttlPrefixes?: string[];
}

export const DEFAULT_SQLITE_FILE_NAME = 'bot-state.sqlite';

export function createStore(options: CreateStoreOptions): BotStore {
  switch (options.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite': {
      const file = options.sqliteFile ?? path.join(options.dataDir ?? 'data', DEFAULT_SQLITE_FILE_NAME);
      return new SqliteStorage({ path: file, ttlSeconds: options.ttlSeconds, ttlPrefixes: options.ttlPrefixes });
    }
    case 'redis': {
      if (!options.redisUrl) {
        throw new Error('createStore: kind "redis" needs redisUrl (e.g. redis://127.0.0.1:6379)');
      }
      return new RedisStorage({
        url: options.redisUrl,
        prefix: options.redisPrefix,
        ttlSeconds: options.ttlSeconds,
        ttlPrefixes: options.ttlPrefixes,
      });
    }
    default: {
      const kind: never = options.kind;
      throw new Error(`createStore: unknown storage kind ${JSON.stringify(kind)}`);
    }
  }
}

/** Thrown by the sqlite and redis backends when a write carries a stale eTag. */
export class StoreConflictError extends Error {
  readonly code = 'ESTORECONFLICT';
  constructor(readonly key: string) {
    super(`eTag conflict on key "${key}": the item was changed by another writer`);
    this.name = 'StoreConflictError';
  }
}

/** botbuilder-core MemoryStorage: `Storage: error writing "${key}" due to eTag conflict.` */
const MEMORY_STORAGE_CONFLICT = /^Storage: error writing ".*" due to eTag conflict\.$/s;

/** True for an eTag conflict of any backend (ours, or botbuilder's own MemoryStorage). */
export function isStoreConflict(err: unknown): boolean {
  if (err instanceof StoreConflictError) return true;
  if (!(err instanceof Error)) return false;
  if (err.name === 'StoreConflictError' || (err as { code?: unknown }).code === 'ESTORECONFLICT') return true;
  return MEMORY_STORAGE_CONFLICT.test(err.message);
}

// ---- helpers shared by the backends (used only inside functions, so the import cycle
// index.ts <-> backend files is harmless) ----

/** Normalised TTL configuration: `ttlMs` undefined means "no expiry". */
export interface TtlPolicy {
  ttlMs: number | undefined;
  prefixes: string[] | undefined;
}

export function makeTtlPolicy(ttlSeconds: number | undefined, ttlPrefixes: string[] | undefined): TtlPolicy {
  if (ttlSeconds === undefined) return { ttlMs: undefined, prefixes: undefined };
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number of seconds, got ${String(ttlSeconds)}`);
  }
  const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
  const prefixes = ttlPrefixes && ttlPrefixes.length > 0 ? [...ttlPrefixes] : undefined;
  return { ttlMs, prefixes };
}

/** TTL in milliseconds for this key, or undefined when the key does not expire. */
export function ttlMsForKey(policy: TtlPolicy, key: string): number | undefined {
  if (policy.ttlMs === undefined) return undefined;
  if (!policy.prefixes) return policy.ttlMs;
  return policy.prefixes.some((p) => key.startsWith(p)) ? policy.ttlMs : undefined;
}

/**
 * Splits a store item into the JSON document to persist (without `eTag`) and the eTag the writer
 * expects (`undefined` = unconditional overwrite, for a missing eTag or `'*'`).
 */
export function splitItem(key: string, item: unknown): { doc: string; expectedETag: string | undefined } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new TypeError(`Storage: the item for key "${key}" must be an object`);
  }
  const { eTag, ...rest } = item as Record<string, unknown>;
  const doc = JSON.stringify(rest);
  // Same test as MemoryStorage: a falsy eTag or '*' means "overwrite whatever is stored".
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a caller's eTag of another type is compared in its String() form, as it always was.
  const expectedETag = !eTag || eTag === '*' ? undefined : String(eTag);
  return { doc, expectedETag };
}

/** Rebuilds the item returned by `read`: the stored document with its current eTag. */
export function joinItem(doc: string, eTag: string): Record<string, unknown> {
  const parsed = JSON.parse(doc) as Record<string, unknown>;
  return { ...parsed, eTag };
}
