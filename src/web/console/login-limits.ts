/**
 * Limits on agent console sign-ins (issue 18, item 5), per agent id and per source address, counted
 * with rate-limiter-flexible in the bot's store so that all instances share the counts:
 *
 *   STORAGE=redis   RateLimiterRedis on the store's own ioredis connection (keys under REDIS_PREFIX)
 *   STORAGE=sqlite  RateLimiterSQLite (better-sqlite3) on the store's own connection to its file,
 *                   table `agent_login_limits` (several processes on one file share it)
 *   STORAGE=memory  RateLimiterMemory (one process, like the memory store itself)
 *
 * (the backend is picked by `StoreLimiter`, src/storage/rate-limiters.ts, shared with the bot's and
 * the web chat's limits).
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
import type { BotStore } from '../../storage/index.js';
import { StoreLimiter } from '../../storage/rate-limiters.js';

export const LOGIN_LIMITS = {
  /** Failed sign-ins for one agent id (from anywhere) within the window. */
  perAgent: { failures: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins from one source address (for any ids) within the window. An office behind one NAT shares it. */
  perSource: { failures: 30, windowSeconds: 15 * 60 },
} as const;

export const SQLITE_LIMITS_TABLE = 'agent_login_limits';

export type LoginCheck = { allowed: true } | { allowed: false; limit: 'agent' | 'source'; retryAfterSeconds: number };

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
    return `${g
      .slice(0, 4)
      .map((x) => x.toString(16))
      .join(':')}::/64`;
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
  private readonly perAgent: StoreLimiter;
  private readonly perSource: StoreLimiter;
  readonly backend: 'redis' | 'sqlite' | 'memory';

  constructor(store: BotStore, limits: typeof LOGIN_LIMITS = LOGIN_LIMITS) {
    const make = (name: 'agent' | 'source', points: number, durationSeconds: number) =>
      new StoreLimiter(store, {
        redisKeyPrefix: `agent-console:login:${name}`,
        sqliteTable: SQLITE_LIMITS_TABLE,
        keyPrefix: `login-${name}`,
        points,
        durationSeconds,
      });
    this.perAgent = make('agent', limits.perAgent.failures, limits.perAgent.windowSeconds);
    this.perSource = make('source', limits.perSource.failures, limits.perSource.windowSeconds);
    this.backend = this.perAgent.backend;
  }

  private static agentKey(agentId: string): string {
    return agentId.slice(0, 64);
  }

  /**
   * Counts one sign-in attempt for the source and the agent id (before its key is checked). Refused
   * when either is over its limit. Throws LoginLimitUnavailableError when the store cannot count.
   */
  async attempt(source: string, agentId: string | undefined): Promise<LoginCheck> {
    await this.perSource.ready().catch((err: unknown) => {
      throw new LoginLimitUnavailableError(err);
    });
    const results = await Promise.allSettled([
      this.perSource.take(source),
      agentId === undefined ? Promise.resolve(undefined) : this.perAgent.take(LoginLimits.agentKey(agentId)),
    ]);
    let refused: LoginCheck | undefined;
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') throw new LoginLimitUnavailableError(r.reason);
      if (!r.value || r.value.allowed) continue;
      const { retryAfterSeconds } = r.value;
      if (!refused || (!refused.allowed && retryAfterSeconds > refused.retryAfterSeconds))
        refused = { allowed: false, limit: i === 0 ? 'source' : 'agent', retryAfterSeconds };
    }
    return refused ?? { allowed: true };
  }

  /** After a successful sign-in: its own point back on the source counter, the agent's counter cleared. */
  async succeeded(source: string, agentId: string): Promise<void> {
    await Promise.all([this.perSource.limiter.reward(source, 1), this.perAgent.limiter.delete(LoginLimits.agentKey(agentId))]);
  }

  close(): void {
    this.perAgent.close();
    this.perSource.close();
  }
}
