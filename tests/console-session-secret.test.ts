/**
 * The agent console's session secret (issue 18, item 7): random, never derived from the
 * configuration, created once in a store shared by instances (SQLite file) and kept across restarts;
 * or SESSION_SECRET, when configured.
 */
import { randomBytes } from 'node:crypto';
import { sign } from 'cookie-signature';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { API_KEY, BASE_ENV, KEYS, b64, cookieOf, login, logout, me, storedSecret, tmpDirs, tokenOf } from './helpers/console-security.js';
import { startBot, type TestBot } from './helpers/harness.js';

const tmpDir = tmpDirs();

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
