/**
 * Agent console security (issue 18, items 5–7), against the real server and a real store (memory,
 * SQLite, Redis):
 *  - sign-in limits per source address and per agent id (429 + Retry-After), shared by instances;
 *  - keys shorter than 16 characters never sign in, and the AGENTS helper refuses to hash them;
 *  - cookies forged from the configuration, with a far-future expiry, or without a session record
 *    are refused; the session secret is random, kept in the store and shared by instances;
 *  - signing out ends the session on every instance.
 *
 * Requests come from several loopback addresses (127.0.0.x) so that the per-source counters of one
 * test do not touch the next; X-Forwarded-For is sent on purpose and must be ignored.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sign } from 'cookie-signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { LOGIN_LIMITS, sourceKey } from '../src/web/console/login-limits.js';
import { SESSION_SECRET_KEY, SESSION_TTL_MS, sessionRecordKey } from '../src/web/console/sessions.js';
import { agentEntry, agentKeyHash } from '../src/web/console/agent-key.js';
import { startBot, type TestBot } from './helpers/harness.js';
import { startRedis, type RedisHandle } from './helpers/redis-server.js';

const sha = (k: string) => createHash('sha256').update(k).digest('hex');
const KEYS = {
  budi: 'kunci-budi-rahasia-123',
  siti: 'kunci-siti-rahasia-456',
  rina: 'kunci-rina-rahasia-789',
  dewi: 'kunci-dewi-rahasia-012',
  /** exactly 16 characters: the shortest key that works */
  pas: 'enambelas-karakt',
  /** 15 characters: its hash is valid configuration, but the key never signs in */
  pendek: 'lima-belas-kara',
};
const AGENTS = Object.entries(KEYS)
  .map(([id, key]) => `${id}:Agen ${id}:${sha(key)}`)
  .join(',');
const API_KEY = 'kunci-api-agen-uji-1234567890';
const BASE_ENV = { AGENTS, AGENT_API_KEY: API_KEY, LOG_LEVEL: 'warn' };

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request from a chosen local address (the server sees it as the TCP peer). */
function call(base: string, method: string, route: string, o: { body?: unknown; cookie?: string; from?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(route, base);
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        localAddress: o.from,
        agent: false,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}),
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...o.headers,
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw ? JSON.parse(raw) : undefined }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const login = (base: string, agentId: string, key: string, from = '127.0.0.1', headers?: Record<string, string>) =>
  call(base, 'POST', '/agent/api/login', { body: { agentId, key }, from, headers });
const cookieOf = (r: Reply): string => {
  const set = r.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0]!;
};
const me = (base: string, cookie: string) => call(base, 'GET', '/agent/api/me', { cookie });
const logout = (base: string, cookie: string) => call(base, 'POST', '/agent/api/logout', { cookie, headers: { 'x-requested-with': 'agent-console' } });
/** The cookie's value (decoded) and its parts. */
function tokenOf(cookie: string): { token: string; body: { sid: string; sub: string; exp: number } } {
  const token = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const body = JSON.parse(Buffer.from(token.slice(0, token.lastIndexOf('.')), 'base64url').toString('utf8'));
  return { token, body };
}
const cookieWith = (token: string) => `agent_session=${encodeURIComponent(token)}`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
async function storedSecret(bot: TestBot): Promise<string | undefined> {
  const item = (await bot.app.store.read([SESSION_SECRET_KEY]))[SESSION_SECRET_KEY] as { secret?: string } | undefined;
  return item?.secret;
}

const tmpDirs: string[] = [];
const tmpDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'console-sec-'));
  tmpDirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

const { perAgent, perSource } = LOGIN_LIMITS;

/** The same checks on every store; `env()` gives the environment of one app on that store. */
function storeSuite(kind: 'memory' | 'sqlite' | 'redis') {
  describe(`sign-in limits and sessions (${kind} store)`, () => {
    let redis: RedisHandle | undefined;
    let env: Record<string, string>;
    let bot: TestBot;
    beforeAll(async () => {
      if (kind === 'redis') redis = await startRedis();
      env = { ...BASE_ENV, STORAGE: kind, ...(kind === 'sqlite' ? { DATA_DIR: tmpDir() } : {}), ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:` } : {}) };
      bot = await startBot(env);
    });
    afterAll(async () => {
      await bot?.stop();
      await redis?.stop();
    });

    it(`per source: ${perSource.failures} wrong keys (any ids), then 429 with Retry-After even for a right key; X-Forwarded-For is ignored; other sources unaffected`, async () => {
      const from = '127.0.0.2';
      for (let i = 0; i < perSource.failures; i++) {
        const r = await login(bot.url, `x${i}`, 'salah-salah-salah-salah', from, { 'x-forwarded-for': `203.0.113.${i}` });
        expect(r.status, `attempt ${i + 1}`).toBe(401);
      }
      const blocked = await login(bot.url, 'budi', KEYS.budi, from, { 'x-forwarded-for': '198.51.100.7' });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('too-many-sign-ins');
      expect(blocked.body.limit).toBe('source');
      expect(blocked.body.retryAfterSeconds).toBe(Number(blocked.headers['retry-after']));
      expect(blocked.body.error).toMatch(/too many failed sign-ins from this address: try again in \d+ minutes?/);
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(perSource.windowSeconds);
      expect(blocked.headers['set-cookie']).toBeUndefined();
      // Another source signs in as usual.
      expect((await login(bot.url, 'budi', KEYS.budi, '127.0.0.12')).status).toBe(200);
    });

    it('per source: a parallel burst of 120 wrong keys gets at most the limit of 401s, the rest 429', async () => {
      const from = '127.0.0.4';
      const replies = await Promise.all(Array.from({ length: 120 }, (_, i) => login(bot.url, `burst${i % 7}`, `salah-${i}-salah-salah`, from)));
      const counts = { 401: 0, 429: 0, other: 0 };
      for (const r of replies) counts[r.status === 401 ? 401 : r.status === 429 ? 429 : 'other'] += 1;
      expect(counts.other).toBe(0);
      expect(counts[401]).toBeLessThanOrEqual(perSource.failures);
      expect(counts[429]).toBeGreaterThanOrEqual(120 - perSource.failures);
    });

    it(`per agent: ${perAgent.failures} wrong keys for one id from different sources, then 429 for that id only`, async () => {
      for (let i = 0; i < perAgent.failures; i++) {
        expect((await login(bot.url, 'siti', 'salah-salah-salah-salah', `127.0.1.${i + 1}`)).status, `attempt ${i + 1}`).toBe(401);
      }
      const blocked = await login(bot.url, 'siti', KEYS.siti, '127.0.1.200');
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('too-many-sign-ins');
      expect(blocked.body.limit).toBe('agent');
      expect(blocked.body.error).toMatch(/for this agent id/);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Other agents, from the same source, are not affected.
      expect((await login(bot.url, 'rina', KEYS.rina, '127.0.1.200')).status).toBe(200);
      // Unknown ids are limited the same way (429 does not tell which ids exist).
      for (let i = 0; i < perAgent.failures; i++) await login(bot.url, 'tidak-ada', 'salah-salah-salah-salah', `127.0.2.${i + 1}`);
      expect((await login(bot.url, 'tidak-ada', 'salah-salah-salah-salah', '127.0.2.200')).status).toBe(429);
    });

    it("a success clears that agent's counter but does not reset the source's counter for other agents", async () => {
      // The agent's counter: 9 failures, a success, then 9 more failures are still 401 (not 429).
      for (let i = 0; i < perAgent.failures - 1; i++) expect((await login(bot.url, 'dewi', 'salah-salah-salah-salah', `127.0.3.${i + 1}`)).status).toBe(401);
      expect((await login(bot.url, 'dewi', KEYS.dewi, '127.0.3.100')).status).toBe(200);
      for (let i = 0; i < perAgent.failures - 1; i++) expect((await login(bot.url, 'dewi', 'salah-salah-salah-salah', `127.0.3.${i + 101}`)).status).toBe(401);

      // The source's counter: limit - 1 failures, a success (own key), one more failure, then blocked.
      const from = '127.0.0.3';
      for (let i = 0; i < perSource.failures - 1; i++) expect((await login(bot.url, `y${i}`, 'salah-salah-salah-salah', from)).status).toBe(401);
      expect((await login(bot.url, 'budi', KEYS.budi, from)).status).toBe(200);
      expect((await login(bot.url, 'z', 'salah-salah-salah-salah', from)).status).toBe(401);
      const r = await login(bot.url, 'rina', KEYS.rina, from);
      expect(r.status).toBe(429);
      expect(r.body.limit).toBe('source');
    });

    it('keys shorter than 16 characters never sign in (even when AGENTS holds their hash); 16 is enough', async () => {
      expect(KEYS.pendek).toHaveLength(15);
      expect(loadConfig({ AGENTS }).agents.map((a) => a.id)).toContain('pendek'); // a hash cannot tell the length
      const r = await login(bot.url, 'pendek', KEYS.pendek, '127.0.0.5');
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('wrong-credentials');
      expect(r.headers['set-cookie']).toBeUndefined();
      expect((await login(bot.url, 'pas', KEYS.pas, '127.0.0.5')).status).toBe(200);
    });

    it('refuses forged cookies: signed with a key derived from the configuration, a far-future expiry, no session record, an expired record', async () => {
      const ok = await login(bot.url, 'budi', KEYS.budi);
      expect(ok.status).toBe(200);
      const cookie = cookieOf(ok);
      expect((await me(bot.url, cookie)).status).toBe(200);
      const { body } = tokenOf(cookie);
      expect(body.sub).toBe('budi');
      expect(body.exp - Date.now()).toBeLessThanOrEqual(SESSION_TTL_MS);

      // The old scheme: HMAC key = sha256 of AGENT_API_KEY and the AGENTS hashes (all in the configuration).
      const cfg = loadConfig({ AGENTS });
      const derived = createHash('sha256').update(`agent-session|${API_KEY}|${cfg.agents.map((a) => `${a.id}:${a.keyHash}`).join(',')}`).digest();
      const oldBody = b64({ sub: 'budi', exp: Date.UTC(5138, 0, 1) });
      const oldStyle = `${oldBody}.${createHmac('sha256', derived).update(oldBody).digest('base64url')}`;
      expect((await me(bot.url, cookieWith(oldStyle))).status).toBe(401);
      // The live session's own body, re-signed with that derived key: the signature is what fails.
      expect((await me(bot.url, cookieWith(sign(b64(body), derived)))).status).toBe(401);

      const secret = await storedSecret(bot);
      expect(secret).toBeDefined();
      // The real secret with an expiry in the year 5138: refused, also when the record says the same.
      const farFuture = { ...body, exp: Date.UTC(5138, 0, 1) };
      expect((await me(bot.url, cookieWith(sign(b64(farFuture), secret!)))).status).toBe(401);
      const recordKey = sessionRecordKey(body.sid);
      const record = (await bot.app.store.read([recordKey]))[recordKey] as Record<string, unknown>;
      await bot.app.store.write({ [recordKey]: { ...record, expiresAt: farFuture.exp, eTag: '*' } });
      expect((await me(bot.url, cookieWith(sign(b64(farFuture), secret!)))).status).toBe(401);
      await bot.app.store.write({ [recordKey]: { ...record, eTag: '*' } });
      expect((await me(bot.url, cookie)).status).toBe(200);

      // The real secret but a session id the server never issued.
      const invented = { sid: randomBytes(32).toString('base64url'), sub: 'budi', exp: Date.now() + 60_000 };
      expect((await me(bot.url, cookieWith(sign(b64(invented), secret!)))).status).toBe(401);
      // Another agent's id in a genuine session's body.
      expect((await me(bot.url, cookieWith(sign(b64({ ...body, sub: 'siti' }), secret!)))).status).toBe(401);
      // A record that has expired (the server-side expiry counts, whatever the cookie says).
      const past = { sid: randomBytes(32).toString('base64url'), sub: 'budi', exp: Date.now() - 1000 };
      await bot.app.store.write({ [sessionRecordKey(past.sid)]: { agentId: 'budi', expiresAt: past.exp, createdAt: new Date().toISOString(), eTag: '*' } });
      expect((await me(bot.url, cookieWith(sign(b64(past), secret!)))).status).toBe(401);
    });

    it('sign-out deletes the session: a copied cookie gets 401 afterwards', async () => {
      const r = await login(bot.url, 'rina', KEYS.rina);
      const cookie = cookieOf(r);
      const copy = cookie;
      expect((await me(bot.url, copy)).status).toBe(200);
      const out = await logout(bot.url, cookie);
      expect(out.status).toBe(200);
      expect(out.headers['set-cookie']?.[0]).toMatch(/Max-Age=0/);
      expect((await me(bot.url, copy)).status).toBe(401);
      const queue = await call(bot.url, 'GET', '/agent/api/queue', { cookie: copy });
      expect(queue.status).toBe(401);
      expect(queue.body.code).toBe('sign-in-required');
      const key = sessionRecordKey(tokenOf(copy).body.sid);
      expect((await bot.app.store.read([key]))[key]).toBeUndefined();
    });

    if (kind !== 'memory') {
      it('two instances on one store: the secret is shared, a session from A works on B, sign-out on B ends it on A, limits are shared', async () => {
        const other = await startBot(env);
        try {
          const r = await login(bot.url, 'budi', KEYS.budi);
          const cookie = cookieOf(r);
          expect((await me(other.url, cookie)).status).toBe(200);
          expect(await storedSecret(other)).toBe(await storedSecret(bot));
          expect((await logout(other.url, cookie)).status).toBe(200);
          expect((await me(bot.url, cookie)).status).toBe(401);
          expect((await me(other.url, cookie)).status).toBe(401);

          // Failures on A and on B add up for one agent id.
          const half = Math.ceil(perAgent.failures / 2);
          for (let i = 0; i < perAgent.failures; i++) {
            expect((await login(i < half ? bot.url : other.url, 'siti2', 'salah-salah-salah-salah', `127.0.4.${i + 1}`)).status).toBe(401);
          }
          expect((await login(bot.url, 'siti2', 'salah-salah-salah-salah', '127.0.4.100')).status).toBe(429);
          expect((await login(other.url, 'siti2', 'salah-salah-salah-salah', '127.0.4.101')).status).toBe(429);
        } finally {
          await other.stop();
        }
      });
    }

    if (kind === 'redis') {
      it('answers 503 (not 401 or 200) while the store is down, and works again after', async () => {
        const r = await login(bot.url, 'budi', KEYS.budi, '127.0.0.6');
        const cookie = cookieOf(r);
        await redis!.stop();
        expect((await login(bot.url, 'budi', KEYS.budi, '127.0.0.6')).status).toBe(503);
        const down = await me(bot.url, cookie);
        expect(down.status).toBe(503);
        expect(down.body.code).toBe('store-unavailable');
        await redis!.restart();
        // Redis came back empty (data is not kept): the old session is gone, a new sign-in works.
        const deadline = Date.now() + 10_000;
        let again: Reply;
        do {
          await new Promise((res) => setTimeout(res, 200));
          again = await login(bot.url, 'budi', KEYS.budi, '127.0.0.6');
        } while (again.status === 503 && Date.now() < deadline);
        expect(again.status).toBe(200);
        expect((await me(bot.url, cookie)).status).toBe(401);
        expect((await me(bot.url, cookieOf(again))).status).toBe(200);
      });
    }
  });
}

storeSuite('memory');
storeSuite('sqlite');
storeSuite('redis');

describe('the session secret (sqlite file shared by instances)', () => {
  it('is random (never derived from the configuration), created once in the store by instances starting together, and kept across restarts', async () => {
    const dir = tmpDir();
    const env = { ...BASE_ENV, STORAGE: 'sqlite', DATA_DIR: dir };
    let a = await startBot(env);
    let b = await startBot(env);
    let cookies: string[];
    try {
      expect(await storedSecret(a)).toBeUndefined();
      // Both sign in at once, before any secret exists: they must agree on one.
      const [ra, rb] = await Promise.all([login(a.url, 'budi', KEYS.budi), login(b.url, 'siti', KEYS.siti)]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      cookies = [cookieOf(ra), cookieOf(rb)];
      for (const c of cookies) {
        expect((await me(a.url, c)).status).toBe(200);
        expect((await me(b.url, c)).status).toBe(200);
      }
      const secret = await storedSecret(a);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await storedSecret(b)).toBe(secret);
      // Nothing in the configuration produces it.
      expect(secret).not.toContain(API_KEY);
      const other = await startBot({ ...BASE_ENV, STORAGE: 'sqlite', DATA_DIR: tmpDir() });
      try {
        expect((await login(other.url, 'budi', KEYS.budi)).status).toBe(200);
        expect(await storedSecret(other)).not.toBe(secret);
        // A session of this store is unknown to a store with the same configuration.
        expect((await me(other.url, cookies[0]!)).status).toBe(401);
      } finally {
        await other.stop();
      }
    } finally {
      await a.stop();
      await b.stop();
    }
    // Restarted instances keep the secret and the sessions.
    a = await startBot(env);
    b = await startBot(env);
    try {
      expect((await me(a.url, cookies[0]!)).status).toBe(200);
      expect((await me(b.url, cookies[1]!)).status).toBe(200);
      // Sign-out on A ends the session on B too.
      expect((await logout(a.url, cookies[1]!)).status).toBe(200);
      expect((await me(b.url, cookies[1]!)).status).toBe(401);
      expect((await me(a.url, cookies[1]!)).status).toBe(401);
      expect((await me(b.url, cookies[0]!)).status).toBe(200);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('SESSION_SECRET: at least 32 characters; when set, cookies are signed with it and no secret is generated', async () => {
    expect(() => loadConfig({ SESSION_SECRET: 'a'.repeat(31) })).toThrow(ConfigError);
    try {
      loadConfig({ SESSION_SECRET: 'terlalu-pendek' });
    } catch (err) {
      expect((err as ConfigError).problems[0]).toMatch(/^SESSION_SECRET=.*: must be at least 32 characters/);
    }
    const configured = randomBytes(32).toString('base64url');
    expect(loadConfig({ SESSION_SECRET: configured }).sessionSecret).toBe(configured);

    // src/server.ts does not pass config.sessionSecret to the console (yet): it reads SESSION_SECRET then.
    const before = process.env.SESSION_SECRET;
    process.env.SESSION_SECRET = configured;
    let bot: TestBot | undefined;
    try {
      bot = await startBot({ ...BASE_ENV, STORAGE: 'memory', SESSION_SECRET: configured });
      const r = await login(bot.url, 'budi', KEYS.budi);
      expect(r.status).toBe(200);
      const { token, body } = tokenOf(cookieOf(r));
      expect(sign(b64(body), configured)).toBe(token);
      expect((await me(bot.url, cookieOf(r))).status).toBe(200);
      expect(await storedSecret(bot)).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.SESSION_SECRET;
      else process.env.SESSION_SECRET = before;
      await bot?.stop();
    }
  });
});

describe('AGENTS entries and source addresses', () => {
  it('the helper refuses keys shorter than 16 characters and makes entries loadConfig accepts', () => {
    expect(() => agentKeyHash('a'.repeat(15))).toThrow(/at least 16 characters/);
    expect(agentKeyHash(KEYS.pas)).toBe(sha(KEYS.pas));
    const entry = agentEntry('budi', 'Budi Santoso', KEYS.budi);
    expect(loadConfig({ AGENTS: entry }).agents).toEqual([{ id: 'budi', name: 'Budi Santoso', keyHash: sha(KEYS.budi) }]);

    const cli = (args: string[], input?: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/web/console/agent-key.ts', ...args], { input, encoding: 'utf8' });
    const short = cli(['budi', 'Budi Santoso', '--stdin'], 'pendek-sekali\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/refused: the key must be at least 16 characters/);
    expect(short.stdout).toBe('');
    const made = cli(['budi', 'Budi Santoso']);
    expect(made.status).toBe(0);
    const key = made.stdout.match(/key .*: (\S+)/)![1]!;
    expect(key.length).toBeGreaterThanOrEqual(16);
    expect(made.stdout).toContain(`AGENTS entry: budi:Budi Santoso:${sha(key)}`);
  });

  it('counts IPv4 as is (also IPv4-mapped IPv6) and IPv6 per /64', () => {
    expect(sourceKey('203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });
});
