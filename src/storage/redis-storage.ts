import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { type BotStore, StoreConflictError, type StoreItems, type TtlPolicy, joinItem, makeTtlPolicy, splitItem, ttlMsForKey } from './index.js';

export interface RedisStorageOptions {
  /** e.g. `redis://127.0.0.1:6379/0`, `rediss://user:pass@host:6380` */
  url: string;
  /** Prepended to every key (default `efaktur-bot:`). */
  prefix?: string;
  /** Items expire this many seconds after their last write (fractions allowed; PEXPIRE). */
  ttlSeconds?: number;
  /** Only keys starting with one of these prefixes expire (default / empty: all keys). */
  ttlPrefixes?: string[];
  /**
   * Upper bound for one operation (waiting for the connection + the command), default 1000 ms.
   * While Redis is unreachable every operation rejects after at most this long.
   */
  commandTimeoutMs?: number;
}

export const DEFAULT_REDIS_PREFIX = 'efaktur-bot:';
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** Redis could not be reached (or did not answer) within `commandTimeoutMs`. */
export class StoreUnavailableError extends Error {
  readonly code = 'ESTOREUNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Each item is a hash `{doc, etag}` under `prefix + key`.
 * KEYS: the full keys. Returns a flat list doc1, etag1, doc2, etag2, ... (nil for a missing key).
 */
const READ_LUA = `
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'doc', 'etag')
  out[2 * i - 1] = v[1]
  out[2 * i] = v[2]
end
return out
`;

/**
 * Atomic compare-and-set of a batch. KEYS: the full keys. ARGV, 4 per key:
 * expected eTag ('' = overwrite), new eTag, doc, ttl in ms ('0' = no expiry).
 * Returns 0 on success, or the 1-based index of the first key whose eTag is stale (nothing written).
 * Like MemoryStorage, an item that does not exist is created whatever eTag the writer sent.
 */
const WRITE_LUA = `
for i = 1, #KEYS do
  local expected = ARGV[4 * i - 3]
  if expected ~= '' then
    local current = redis.call('HGET', KEYS[i], 'etag')
    if current and current ~= expected then
      return i
    end
  end
end
for i = 1, #KEYS do
  local key = KEYS[i]
  redis.call('DEL', key)
  redis.call('HSET', key, 'doc', ARGV[4 * i - 1], 'etag', ARGV[4 * i - 2])
  local ttl = tonumber(ARGV[4 * i])
  if ttl > 0 then
    redis.call('PEXPIRE', key, ttl)
  end
end
return 0
`;

type ScriptedRedis = Redis & {
  botStoreRead(numKeys: number, ...keys: string[]): Promise<(string | null)[]>;
  botStoreWrite(numKeys: number, ...keysAndArgs: string[]): Promise<number>;
};

/**
 * `Storage` over Redis (ioredis) with MemoryStorage's eTag semantics, enforced by Lua scripts.
 *
 * Availability: commands are never queued while disconnected (`enableOfflineQueue: false`); an
 * operation waits at most `commandTimeoutMs` for the connection and the reply, then rejects with
 * `StoreUnavailableError`. The client keeps reconnecting in the background (backoff 100 ms steps,
 * capped at 1 s), so the same store object works again as soon as Redis is back.
 */
export class RedisStorage implements BotStore {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly client: Redis;
  private readonly redis: ScriptedRedis;
  private readonly ttl: TtlPolicy;
  private readonly timeoutMs: number;
  private readonly readyWaiters = new Set<() => void>();
  private lastError: Error | undefined;
  private closed = false;

  constructor(options: RedisStorageOptions) {
    if (!options || typeof options.url !== 'string' || options.url === '') {
      throw new TypeError('RedisStorage: options.url is required (e.g. redis://127.0.0.1:6379)');
    }
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.ttl = makeTtlPolicy(options.ttlSeconds, options.ttlPrefixes);
    const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`RedisStorage: commandTimeoutMs must be a positive number, got ${String(timeoutMs)}`);
    }
    this.timeoutMs = timeoutMs;

    this.client = new Redis(options.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 2000),
      // Never give up reconnecting; small backoff so recovery is quick.
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
      // Do not replay writes that were in flight when the connection dropped: the caller was
      // already told they failed.
      autoResendUnfulfilledCommands: false,
    });
    this.redis = this.client as ScriptedRedis;
    this.redis.defineCommand('botStoreRead', { lua: READ_LUA, readOnly: true });
    this.redis.defineCommand('botStoreWrite', { lua: WRITE_LUA });
    // Without a listener ioredis prints every connection error; remember the last one instead.
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
    this.client.on('ready', () => {
      this.lastError = undefined;
      for (const wake of this.readyWaiters) wake();
      this.readyWaiters.clear();
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    if (keys.length === 0) return {};
    const full = keys.map((k) => this.prefix + k);
    const reply = await this.run('read', () => this.redis.botStoreRead(full.length, ...full));
    const result: StoreItems = {};
    keys.forEach((key, i) => {
      const doc = reply[2 * i];
      const eTag = reply[2 * i + 1];
      if (typeof doc === 'string' && typeof eTag === 'string') result[key] = joinItem(doc, eTag);
    });
    return result;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const fullKeys: string[] = [];
    const args: string[] = [];
    for (const key of keys) {
      const { doc, expectedETag } = splitItem(key, changes[key]);
      const ttlMs = ttlMsForKey(this.ttl, key);
      fullKeys.push(this.prefix + key);
      args.push(expectedETag ?? '', randomUUID(), doc, String(ttlMs ?? 0));
    }
    const conflictIndex = await this.run('write', () => this.redis.botStoreWrite(fullKeys.length, ...fullKeys, ...args));
    if (conflictIndex !== 0) {
      throw new StoreConflictError(keys[Number(conflictIndex) - 1] ?? '?');
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    const full = keys.map((k) => this.prefix + k);
    await this.run('delete', () => this.client.del(...full));
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.readyWaiters) wake();
    this.readyWaiters.clear();
    if (this.client.status === 'ready') {
      try {
        await withDeadline(this.client.quit(), this.timeoutMs, 'quit');
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.client.disconnect(false);
  }

  /** Waits for the connection and runs `op`, all within `commandTimeoutMs`. */
  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('RedisStorage is closed');
    const started = performance.now();
    if (this.client.status !== 'ready') {
      await this.waitReady(what);
    }
    const remaining = Math.max(1, this.timeoutMs - (performance.now() - started));
    try {
      return await withDeadline(op(), remaining, what);
    } catch (err) {
      if (err instanceof StoreConflictError || isRedisReplyError(err)) throw err;
      throw new StoreUnavailableError(`Redis ${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private waitReady(what: string): Promise<void> {
    if (this.client.status === 'end') {
      return Promise.reject(new StoreUnavailableError(`Redis ${what} failed: the connection was closed`));
    }
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.closed) reject(new Error('RedisStorage is closed'));
        else resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(wake);
        const cause = this.lastError ? `; last error: ${this.lastError.message}` : '';
        reject(
          new StoreUnavailableError(`Redis unavailable: no connection within ${this.timeoutMs} ms for ${what} (status ${this.client.status}${cause})`, {
            cause: this.lastError,
          }),
        );
      }, this.timeoutMs);
      this.readyWaiters.add(wake);
    });
  }
}

/** An error reply from the server (e.g. WRONGTYPE): the server is up, so not "unavailable". */
function isRedisReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} timed out after ${Math.round(ms)} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the wrapped promise's own rejection, passed on unchanged.
        reject(err);
      },
    );
  });
}
