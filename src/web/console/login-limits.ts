/**
 * Limits on agent console sign-ins (issue 18, item 5), per agent id and per source address, counted
 * with rate-limiter-flexible in the bot's store so that all instances share the counts:
 *
 *   STORAGE=redis   RateLimiterRedis on the store's own ioredis connection (keys under REDIS_PREFIX)
 *   STORAGE=sqlite  RateLimiterSQLite (better-sqlite3) on a second connection to the store's file,
 *                   table `agent_login_limits` (several processes on one file share it)
 *   STORAGE=memory  RateLimiterMemory (one process, like the memory store itself)
 *
 * Every attempt takes a point from both counters *before* the key is checked, atomically in the
 * store, so parallel guesses cannot slip through between a check and a count. A successful sign-in
 * gives back its own point on the source counter (the source's earlier failures stay counted, so
 * signing in as oneself does not buy more guesses at other agents) and clears that agent's counter.
 *
 * The source is the TCP peer address (never X-Forwarded-For, which anyone can write); IPv6 addresses
 * count per /64, the block one host usually controls. Behind a reverse proxy every request has the
 * proxy's address, so the per-source limit then applies to everyone together.
 */
import net from 'node:net';
import Database from 'better-sqlite3';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { BotStore } from '../../storage/index.js';

export const LOGIN_LIMITS = {
  /** Failed sign-ins for one agent id (from anywhere) within the window. */
  perAgent: { failures: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins from one source address (for any ids) within the window. An office behind one NAT shares it. */
  perSource: { failures: 30, windowSeconds: 15 * 60 },
} as const;

export const SQLITE_LIMITS_TABLE = 'agent_login_limits';
const PURGE_EVERY_MS = 5 * 60 * 1000;

export type LoginCheck =
  | { allowed: true }
  | { allowed: false; limit: 'agent' | 'source'; retryAfterSeconds: number };

/** IPv6 address as eight 16-bit groups, or undefined. Written here because node:net only validates. */
function ipv6Groups(address: string): number[] | undefined {
  let a = address.replace(/%.*$/, '');
  const v4 = a.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    if (!net.isIPv4(v4[2]!)) return undefined;
    const [p, q, r, s] = v4[2]!.split('.').map(Number) as [number, number, number, number];
    a = `${v4[1]}${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string | undefined) => (h ? h.split(':').map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The counter key of a peer address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (net.isIPv4(address)) return address;
  if (net.isIPv6(address)) {
    const g = ipv6Groups(address);
    if (!g) return address.toLowerCase();
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
  }
  return address;
}

/** One of the store's counters failed (not a limit reached): the caller answers 503. */
export class LoginLimitUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`sign-in limits unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'LoginLimitUnavailableError';
  }
}

export class LoginLimits {
  private readonly perAgent: RateLimiterAbstract;
  private readonly perSource: RateLimiterAbstract;
  private readonly db: Database.Database | undefined;
  private readonly purgeTimer: NodeJS.Timeout | undefined;
  private setupError: Error | undefined;
  /** Resolves when the backend can take commands (the Redis connection waits like the store does). */
  private readonly ready: () => Promise<void>;
  readonly backend: 'redis' | 'sqlite' | 'memory';

  constructor(store: BotStore, limits: typeof LOGIN_LIMITS = LOGIN_LIMITS) {
    const redis = store.kind === 'redis' ? (store as unknown as { client?: { status?: string }; prefix?: string }) : undefined;
    const sqlitePath = store.kind === 'sqlite' ? (store as unknown as { path?: unknown }).path : undefined;
    const make = (name: 'agent' | 'source', points: number, duration: number): RateLimiterAbstract => {
      if (redis?.client) {
        return new RateLimiterRedis({ storeClient: redis.client, keyPrefix: `${redis.prefix ?? ''}agent-console:login:${name}`, points, duration, rejectIfRedisNotReady: true });
      }
      if (this.db) {
        return new RateLimiterSQLite({ storeClient: this.db, storeType: 'better-sqlite3', tableName: SQLITE_LIMITS_TABLE, keyPrefix: `login-${name}`, points, duration }, (err?: Error) => {
          if (err) this.setupError = err;
        });
      }
      return new RateLimiterMemory({ keyPrefix: `login-${name}`, points, duration });
    };
    if (!redis?.client && typeof sqlitePath === 'string' && sqlitePath !== ':memory:') {
      this.db = new Database(sqlitePath);
      this.db.pragma('busy_timeout = 5000');
    }
    this.backend = redis?.client ? 'redis' : this.db ? 'sqlite' : 'memory';
    // Right after start (or a reconnect) the shared connection is not ready yet: the store's ping
    // waits for it (bounded by its command timeout) instead of failing the first sign-in.
    this.ready = redis?.client ? async () => (redis.client!.status === 'ready' ? undefined : store.ping()) : async () => undefined;
    this.perAgent = make('agent', limits.perAgent.failures, limits.perAgent.windowSeconds);
    this.perSource = make('source', limits.perSource.failures, limits.perSource.windowSeconds);
    if (this.db) {
      // Our own purge instead of the library's clearExpiredByTimeout, whose timer has no error handler
      // (an unhandled rejection once the connection is closed).
      const limiters = [this.perAgent, this.perSource] as unknown as Array<{ clearExpired(ms: number): Promise<void> }>;
      this.purgeTimer = setInterval(() => {
        for (const l of limiters) void l.clearExpired(Date.now()).catch(() => undefined);
      }, PURGE_EVERY_MS);
      this.purgeTimer.unref();
    }
  }

  private static agentKey(agentId: string): string {
    return agentId.slice(0, 64);
  }

  /**
   * Counts one sign-in attempt for the source and the agent id (before its key is checked). Refused
   * when either is over its limit. Throws LoginLimitUnavailableError when the store cannot count.
   */
  async attempt(source: string, agentId: string | undefined): Promise<LoginCheck> {
    if (this.setupError) throw new LoginLimitUnavailableError(this.setupError);
    await this.ready().catch((err: unknown) => {
      throw new LoginLimitUnavailableError(err);
    });
    const results = await Promise.allSettled([
      this.perSource.consume(source),
      agentId === undefined ? Promise.resolve(undefined) : this.perAgent.consume(LoginLimits.agentKey(agentId)),
    ]);
    let refused: LoginCheck | undefined;
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      if (!(r.reason instanceof RateLimiterRes)) throw new LoginLimitUnavailableError(r.reason);
      const retryAfterSeconds = Math.max(1, Math.ceil(r.reason.msBeforeNext / 1000));
      if (!refused || (!refused.allowed && retryAfterSeconds > refused.retryAfterSeconds)) refused = { allowed: false, limit: i === 0 ? 'source' : 'agent', retryAfterSeconds };
    }
    return refused ?? { allowed: true };
  }

  /** After a successful sign-in: its own point back on the source counter, the agent's counter cleared. */
  async succeeded(source: string, agentId: string): Promise<void> {
    await Promise.all([this.perSource.reward(source, 1), this.perAgent.delete(LoginLimits.agentKey(agentId))]);
  }

  close(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    if (this.db?.open) this.db.close();
  }
}
