/**
 * Agent console security (issue 18, items 5–7), against the real server and a real store (memory,
 * SQLite, Redis):
 *  - sign-in limits per source address and per agent id (429 + Retry-After), shared by instances;
 *  - keys shorter than 16 characters never sign in;
 *  - cookies forged from the configuration, with a far-future expiry, or without a session record
 *    are refused; the session secret is shared by instances;
 *  - signing out ends the session on every instance.
 * The session secret itself is tested in tests/console-session-secret.test.ts, the AGENTS helper and
 * source addresses in tests/console-agent-keys.test.ts.
 *
 * Requests come from several loopback addresses (127.0.0.x) so that the per-source counters of one
 * test do not touch the next; X-Forwarded-For is sent on purpose and must be ignored.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sign } from 'cookie-signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LOGIN_LIMITS } from '../src/web/console/login-limits.js';
import { SESSION_TTL_MS, sessionRecordKey } from '../src/web/console/sessions.js';
import {
  AGENTS,
  API_KEY,
  BASE_ENV,
  KEYS,
  b64,
  call,
  cookieOf,
  cookieWith,
  login,
  logout,
  me,
  storedSecret,
  tmpDirs,
  tokenOf,
  type Reply,
} from './helpers/console-security.js';
import { startBot, type TestBot } from './helpers/harness.js';
import { startRedis, type RedisHandle } from './helpers/redis-server.js';

const tmpDir = tmpDirs();

const { perAgent, perSource } = LOGIN_LIMITS;

/** The same checks on every store; `env()` gives the environment of one app on that store. */
function storeSuite(kind: 'memory' | 'sqlite' | 'redis') {
  describe(`sign-in limits and sessions (${kind} store)`, () => {
    let redis: RedisHandle | undefined;
    let env: Record<string, string>;
    let bot: TestBot;
    beforeAll(async () => {
      if (kind === 'redis') redis = await startRedis();
      env = {
        ...BASE_ENV,
        STORAGE: kind,
        ...(kind === 'sqlite' ? { DATA_DIR: tmpDir() } : {}),
        ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:` } : {}),
      };
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
      const derived = createHash('sha256')
        .update(`agent-session|${API_KEY}|${cfg.agents.map((a) => `${a.id}:${a.keyHash}`).join(',')}`)
        .digest();
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
