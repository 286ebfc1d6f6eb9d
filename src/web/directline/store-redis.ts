/**
 * Direct Line conversations in Redis (STORAGE=redis), on the bot store's own ioredis connection, so
 * every instance on that Redis serves every web chat. Keys, under the store's REDIS_PREFIX:
 *
 *   directline:c:<id>    hash {user, locale, seq}        the conversation; seq = newest activity = watermark
 *   directline:a:<id>    list of activity JSON           the stored activities (seq − n, seq], oldest first
 *   directline:active    sorted set id → last active ms  expiry and least-recently-active eviction
 *   directline:bytes     hash id → stored bytes          per-conversation size (kept apart from the
 *                                                        conversation's keys so eviction can subtract it
 *                                                        even when those keys already expired)
 *   directline:total     integer                         stored bytes over all conversations
 *   directline:secret    string                          the channel's master secret (tokens.ts), no TTL
 *   directline:lease:<id> string                         which instance is handing the bot an activity of
 *                                                        this conversation (PX: the bot timeout)
 *
 * Every key but the secret has a TTL of the idle time, renewed by each use, so a conversation nobody
 * touches disappears even when no instance runs to sweep it. Each operation is one Lua script, atomic
 * across instances. The scripts build the keys of evicted conversations from their ids: one Redis
 * server (or one cluster slot), not a cluster spread over slots.
 */
import type { Redis } from 'ioredis';
import type { RedisStorage } from '../../storage/redis-storage.js';
import { activityId, type Activity } from './activities.js';
import type { StoreLimits } from './limits.js';
import type { ActivityPage, DirectLineStore, StoredConversation } from './store.js';

/** Shared head of the scripts. KEYS: active, bytes, total, conv, acts. ARGV 1-9: see `args()`. */
const PRELUDE = `
local active, sizes, total, conv, acts = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local cpre, apre, id, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local idle = tonumber(ARGV[5])
local maxConv, maxTotal = tonumber(ARGV[6]), tonumber(ARGV[7])
local maxActs, maxBytes = tonumber(ARGV[8]), tonumber(ARGV[9])

local function drop(victim)
  local b = tonumber(redis.call('HGET', sizes, victim) or '0')
  redis.call('DEL', cpre .. victim, apre .. victim)
  redis.call('ZREM', active, victim)
  redis.call('HDEL', sizes, victim)
  if b ~= 0 then redis.call('DECRBY', total, b) end
end

-- Idle conversations (their own keys may already have expired): a few per call, the timer the rest.
local function sweep(limit)
  local ids = redis.call('ZRANGEBYSCORE', active, '-inf', tonumber(now) - idle, 'LIMIT', 0, limit)
  for _, victim in ipairs(ids) do drop(victim) end
  return #ids
end

-- Least recently active first, never the conversation at hand.
local function evict()
  while true do
    local n = redis.call('ZCARD', active)
    local t = tonumber(redis.call('GET', total) or '0')
    if n <= maxConv and t <= maxTotal then return end
    local oldest = redis.call('ZRANGE', active, 0, 1)
    local victim = oldest[1]
    if victim == id then victim = oldest[2] end
    if not victim then return end
    drop(victim)
  end
end

local function touch()
  redis.call('ZADD', active, now, id)
  redis.call('PEXPIRE', conv, idle)
  redis.call('PEXPIRE', acts, idle)
  redis.call('PEXPIRE', active, idle)
  redis.call('PEXPIRE', sizes, idle)
  redis.call('PEXPIRE', total, idle)
end
`;

/** ARGV 10-11: user, locale. Returns {created 0|1, user, locale, seq, conversations}. */
const CREATE_LUA = `${PRELUDE}
sweep(10)
if redis.call('EXISTS', conv) == 1 then
  touch()
  local v = redis.call('HMGET', conv, 'user', 'locale', 'seq')
  return {0, v[1], v[2], v[3], redis.call('ZCARD', active)}
end
if redis.call('ZSCORE', active, id) then drop(id) end
redis.call('DEL', acts)
redis.call('HSET', conv, 'user', ARGV[10], 'locale', ARGV[11], 'seq', 0)
redis.call('HSET', sizes, id, 0)
touch()
evict()
return {1, ARGV[10], ARGV[11], '0', redis.call('ZCARD', active)}
`;

/** Returns {user, locale, seq} or nil. */
const OPEN_LUA = `${PRELUDE}
if redis.call('EXISTS', conv) == 0 then return false end
touch()
local v = redis.call('HMGET', conv, 'user', 'locale', 'seq')
return {v[1], v[2], v[3]}
`;

/** ARGV 10: the activity's JSON. Returns its seq, or nil. */
const APPEND_LUA = `${PRELUDE}
sweep(10)
if redis.call('EXISTS', conv) == 0 then return false end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
local doc = ARGV[10]
redis.call('RPUSH', acts, doc)
local bytes = redis.call('HINCRBY', sizes, id, #doc)
redis.call('INCRBY', total, #doc)
local n = redis.call('LLEN', acts)
while n > 1 and (n > maxActs or bytes > maxBytes) do
  local old = redis.call('LPOP', acts)
  bytes = redis.call('HINCRBY', sizes, id, -#old)
  redis.call('DECRBY', total, #old)
  n = n - 1
end
touch()
evict()
return seq
`;

/** ARGV 10: the watermark the client has. Returns {seq, {docs after it}} or nil. */
const ACTIVITIES_LUA = `${PRELUDE}
if redis.call('EXISTS', conv) == 0 then return false end
touch()
local seq = tonumber(redis.call('HGET', conv, 'seq'))
local want = seq - tonumber(ARGV[10])
local list = {}
if want > 0 then
  local n = redis.call('LLEN', acts)
  if want > n then want = n end
  if want > 0 then list = redis.call('LRANGE', acts, -want, -1) end
end
return {seq, list}
`;

/** Returns {dropped, conversations}. */
const SWEEP_LUA = `${PRELUDE}
local dropped = sweep(200)
return {dropped, redis.call('ZCARD', active)}
`;

/** KEYS: secret; ARGV: a fresh one. Returns the stored secret (creating it when absent). */
const SECRET_LUA = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

/** KEYS: lease; ARGV: holder. Deletes the lease only if the holder still has it. */
const UNLEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;

type Reply = string | number | null | Reply[];
type ScriptedRedis = Redis & {
  directLineCreate(...args: string[]): Promise<Reply>;
  directLineOpen(...args: string[]): Promise<Reply>;
  directLineAppend(...args: string[]): Promise<Reply>;
  directLineActivities(...args: string[]): Promise<Reply>;
  directLineSweep(...args: string[]): Promise<Reply>;
  directLineSecret(key: string, fresh: string): Promise<string>;
  directLineUnlease(key: string, holder: string): Promise<number>;
};

export class RedisDirectLineStore implements DirectLineStore {
  readonly kind = 'redis' as const;
  private readonly redis: ScriptedRedis;
  private readonly base: string;
  private lastSize = 0;

  constructor(
    private readonly store: RedisStorage,
    private readonly limits: StoreLimits,
  ) {
    this.redis = store.client as ScriptedRedis;
    this.base = `${store.prefix}directline:`;
    const scripts: Array<[string, string]> = [
      ['directLineCreate', CREATE_LUA],
      ['directLineOpen', OPEN_LUA],
      ['directLineAppend', APPEND_LUA],
      ['directLineActivities', ACTIVITIES_LUA],
      ['directLineSweep', SWEEP_LUA],
    ];
    for (const [name, lua] of scripts) this.redis.defineCommand(name, { numberOfKeys: 5, lua });
    this.redis.defineCommand('directLineSecret', { numberOfKeys: 1, lua: SECRET_LUA });
    this.redis.defineCommand('directLineUnlease', { numberOfKeys: 1, lua: UNLEASE_LUA });
  }

  async create(c: { id: string; userId: string; locale?: string }, now: number): Promise<{ conversation: StoredConversation; created: boolean }> {
    await this.ready();
    const r = asArray(await this.redis.directLineCreate(...this.args(c.id, now), c.userId, c.locale ?? ''));
    this.lastSize = Number(r[4]);
    return { conversation: conversation(c.id, r[1], r[2], r[3]), created: Number(r[0]) === 1 };
  }

  async open(id: string, now: number): Promise<StoredConversation | undefined> {
    await this.ready();
    const r = await this.redis.directLineOpen(...this.args(id, now));
    if (r === null) return undefined;
    const v = asArray(r);
    return conversation(id, v[0], v[1], v[2]);
  }

  async append(id: string, activity: Activity, now: number): Promise<{ id: string; seq: number } | undefined> {
    await this.ready();
    const { id: _ignored, ...rest } = activity;
    const r = await this.redis.directLineAppend(...this.args(id, now), JSON.stringify(rest));
    if (r === null) return undefined;
    const seq = Number(r);
    return { id: activityId(id, seq), seq };
  }

  async activities(id: string, after: number, now: number): Promise<ActivityPage | undefined> {
    await this.ready();
    const r = await this.redis.directLineActivities(...this.args(id, now), String(after));
    if (r === null) return undefined;
    const [seqReply, docsReply] = asArray(r);
    const seq = Number(seqReply);
    const docs = asArray(docsReply ?? []);
    // The list is the contiguous range (seq − n, seq]: the k-th of the last `docs.length` has seq − len + 1 + k.
    const first = seq - docs.length + 1;
    const activities = docs.map((doc, k) => ({ ...(JSON.parse(String(doc)) as Activity), id: activityId(id, first + k) }));
    return { activities, watermark: seq };
  }

  size(): number {
    return this.lastSize;
  }

  async sweep(now: number): Promise<void> {
    await this.ready();
    for (let round = 0; round < 50; round++) {
      const [dropped, left] = asArray(await this.redis.directLineSweep(...this.args('', now)));
      this.lastSize = Number(left);
      if (Number(dropped) < 200) return;
    }
  }

  async lease(id: string, holder: string, ttlMs: number): Promise<boolean> {
    await this.ready();
    return (await this.redis.set(`${this.base}lease:${id}`, holder, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async unlease(id: string, holder: string): Promise<void> {
    await this.ready();
    await this.redis.directLineUnlease(`${this.base}lease:${id}`, holder);
  }

  async masterSecret(fresh: string): Promise<string> {
    await this.ready();
    return this.redis.directLineSecret(`${this.base}secret`, fresh);
  }

  async close(): Promise<void> {
    // The connection is the bot store's; it closes it.
  }

  /** Commands are not queued while disconnected: wait for the connection like the store does (bounded). */
  private async ready(): Promise<void> {
    if (this.store.client.status !== 'ready') await this.store.ping();
  }

  private args(id: string, now: number): string[] {
    const l = this.limits;
    return [
      `${this.base}active`,
      `${this.base}bytes`,
      `${this.base}total`,
      `${this.base}c:${id}`,
      `${this.base}a:${id}`,
      `${this.base}c:`,
      `${this.base}a:`,
      id,
      String(Math.floor(now)),
      String(Math.max(1, Math.floor(l.conversationIdleMs))),
      String(l.maxConversations),
      String(l.maxTotalBytes),
      String(l.maxActivitiesPerConversation),
      String(l.maxBytesPerConversation),
    ];
  }
}

function asArray(r: Reply): Reply[] {
  if (!Array.isArray(r)) throw new Error(`unexpected reply from the direct line script: ${JSON.stringify(r)}`);
  return r;
}

function conversation(id: string, user: Reply | undefined, locale: Reply | undefined, seq: Reply | undefined): StoredConversation {
  return { id, userId: String(user ?? ''), ...(typeof locale === 'string' && locale ? { locale } : {}), seq: Number(seq ?? 0) };
}
