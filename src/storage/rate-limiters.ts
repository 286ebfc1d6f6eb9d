/**
 * Counters for rate limits, kept where the bot's store keeps its data so that every instance on that
 * store shares them (rate-limiter-flexible does the counting; this module only picks its backend):
 *
 *   STORAGE=redis   RateLimiterRedis on the store's own ioredis connection (keys under REDIS_PREFIX)
 *   STORAGE=sqlite  RateLimiterSQLite (better-sqlite3) on the store's own connection, in a table of
 *                   its own (several processes on one file share it)
 *   STORAGE=memory  RateLimiterMemory (one process, like the memory store itself)
 *
 * Fixed windows: a key's window starts with its first point and lasts `durationSeconds`; every call
 * takes its point atomically in the store, also when the limit is already reached, so parallel
 * requests on several instances cannot slip through between a check and a count.
 */
import type Database from 'better-sqlite3';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { BotStore } from './index.js';
import { RedisStorage } from './redis-storage.js';
import { SqliteStorage } from './sqlite-storage.js';

export type LimiterBackend = 'redis' | 'sqlite' | 'memory';

export interface StoreLimiterSpec {
  /** Redis: key prefix after the store's REDIS_PREFIX, e.g. `agent-console:login:agent`. */
  redisKeyPrefix: string;
  /** SQLite: table of the counters (letters, digits and `_`); several limiters may share one. */
  sqliteTable: string;
  /** SQLite and memory: key prefix inside the table (tells limiters sharing a table apart). */
  keyPrefix: string;
  /** Points per window. */
  points: number;
  /** Window length in seconds (whole seconds: Redis counts expiry in seconds). */
  durationSeconds: number;
}

/** Expired SQLite rows are deleted this often (they are never counted anyway). */
const SQLITE_PURGE_EVERY_MS = 5 * 60 * 1000;

export class StoreLimiter {
  readonly limiter: RateLimiterAbstract;
  readonly backend: LimiterBackend;
  readonly points: number;
  private setupError: Error | undefined;
  private readonly purgeTimer: NodeJS.Timeout | undefined;
  private readonly waitReady: () => Promise<void>;

  constructor(store: BotStore | undefined, spec: StoreLimiterSpec) {
    this.points = spec.points;
    const duration = Math.max(1, Math.round(spec.durationSeconds));
    if (store instanceof RedisStorage) {
      this.backend = 'redis';
      const client = store.client;
      this.limiter = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${store.prefix}${spec.redisKeyPrefix}`,
        points: spec.points,
        duration,
        rejectIfRedisNotReady: true,
      });
      // Right after start (or a reconnect) the shared connection is not ready yet: the store's ping
      // waits for it (bounded by its command timeout) instead of failing the first request.
      this.waitReady = async () => (client.status === 'ready' ? undefined : store.ping());
    } else if (store instanceof SqliteStorage) {
      this.backend = 'sqlite';
      const db = store.database;
      const sqlite = new RateLimiterSQLite(
        {
          storeClient: withStatementCache(db),
          storeType: 'better-sqlite3',
          tableName: spec.sqliteTable,
          keyPrefix: spec.keyPrefix,
          points: spec.points,
          duration,
        },
        (err?: Error) => {
          if (err) this.setupError = err;
        },
      );
      this.limiter = sqlite;
      this.waitReady = async () => undefined;
      // Our own purge instead of the library's clearExpiredByTimeout, whose timer has no error handler
      // (an unhandled rejection once the connection is closed).
      const purgeable = sqlite as unknown as { clearExpired(nowMs: number): Promise<void> };
      this.purgeTimer = setInterval(() => {
        if (!db.open) return clearInterval(this.purgeTimer);
        void purgeable.clearExpired(Date.now()).catch(() => undefined);
      }, SQLITE_PURGE_EVERY_MS);
      this.purgeTimer.unref();
    } else {
      this.backend = 'memory';
      this.limiter = new RateLimiterMemory({ keyPrefix: spec.keyPrefix, points: spec.points, duration });
      this.waitReady = async () => undefined;
    }
  }

  /** Resolves when the backend can count; rejects when it cannot (the store is unavailable). */
  async ready(): Promise<void> {
    if (this.setupError) throw this.setupError;
    await this.waitReady();
  }

  /**
   * Takes `points` for `key`. Resolves with the counter either way (`allowed` false over the limit);
   * rejects only when the store could not count.
   */
  async take(key: string, points = 1): Promise<LimitResult> {
    await this.ready();
    try {
      const res = await this.limiter.consume(key, points);
      return { allowed: true, consumed: res.consumedPoints, retryAfterSeconds: 0 };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return { allowed: false, consumed: err.consumedPoints, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    }
  }

  /** Stops the purge timer (the connection belongs to the store, which closes it). */
  close(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
  }
}

const cachedConnections = new WeakMap<Database.Database, Database.Database>();

type Transaction = Database.Transaction<(run: () => unknown) => unknown>;

/**
 * The connection as the library sees it, with `prepare` cached by SQL text and `transaction` built
 * once: RateLimiterSQLite prepares its upsert and wraps it in a new transaction function on every call,
 * which was most of its cost (prepare: 38 → 23 µs CPU per count; the wrapper, four functions with their
 * properties per call: about as much again under load). Everything else goes to the connection itself.
 * The library uses a handful of fixed statements, so the cache stays tiny.
 */
function withStatementCache(db: Database.Database): Database.Database {
  let proxy = cachedConnections.get(db);
  if (proxy) return proxy;
  const statements = new Map<string, Database.Statement>();
  // better-sqlite3's own transaction semantics (BEGIN/COMMIT, a savepoint when nested, rollback on a
  // throw), around whatever function the library passes.
  const inTransaction: Transaction = db.transaction((run: () => unknown) => run());
  const transaction = (fn: (...args: unknown[]) => unknown) => {
    const variant =
      (t: (run: () => unknown) => unknown) =>
      (...args: unknown[]) =>
        t(() => fn(...args));
    /* eslint-disable @typescript-eslint/unbound-method -- better-sqlite3 declares the transaction variants as methods, but they are standalone functions that ignore `this`. */
    return Object.assign(variant(inTransaction), {
      deferred: variant(inTransaction.deferred),
      immediate: variant(inTransaction.immediate),
      exclusive: variant(inTransaction.exclusive),
      database: db,
    });
    /* eslint-enable @typescript-eslint/unbound-method */
  };
  proxy = new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') {
        return (sql: string) => {
          let stmt = statements.get(sql);
          if (!stmt) {
            stmt = target.prepare(sql);
            statements.set(sql, stmt);
          }
          return stmt;
        };
      }
      if (key === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  cachedConnections.set(db, proxy);
  return proxy;
}

export interface LimitResult {
  allowed: boolean;
  /** Points taken in this window so far, this call included. */
  consumed: number;
  /** Seconds until the window ends (0 when allowed). */
  retryAfterSeconds: number;
}
