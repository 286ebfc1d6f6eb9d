import { describe, expect, it } from 'vitest';
import { expectStartupRefused } from './helpers/startup.js';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('uses documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.storage.kind).toBe('sqlite');
    expect(c.storage.ttlSeconds).toBe(30 * 86400);
    expect(c.rateLimit).toEqual({ messages: 10, windowMs: 10_000 });
    expect(c.auth.appId).toBeUndefined();
  });

  it('rejects a wrong value with one line naming the variable and what is allowed', () => {
    try {
      loadConfig({ PORT: 'abc' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^PORT="abc": must be a whole number between 0 and 65535$/);
    }
  });

  it('lists every problem at once', () => {
    const err = (() => {
      try {
        loadConfig({ PORT: '70000', STORAGE: 'mongo', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'STORAGE', 'LOG_LEVEL']);
    expect(err?.problems[1]).toContain('must be one of memory, sqlite, redis');
  });

  it('requires REDIS_URL with STORAGE=redis and a password with an app id', () => {
    expect(() => loadConfig({ STORAGE: 'redis' })).toThrow(/REDIS_URL: required when STORAGE=redis/);
    expect(() => loadConfig({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001' })).toThrow(/MicrosoftAppPassword: required/);
  });

  it('parses agent accounts and rejects malformed ones', () => {
    const hash = 'a'.repeat(64);
    expect(loadConfig({ AGENTS: `budi:Budi Santoso:${hash}` }).agents).toEqual([{ id: 'budi', name: 'Budi Santoso', keyHash: hash }]);
    expect(() => loadConfig({ AGENTS: 'budi:Budi' })).toThrow(/AGENTS: entry "budi:Budi" must look like/);
  });

  it('stops `npm start`-style start-up with the clear line and exit code 1', () => {
    expectStartupRefused({ PORT: 'abc' }, 'PORT="abc": must be a whole number between 0 and 65535');
  });
});
