/**
 * The AGENTS helper (src/web/console/agent-key.ts, as a function and as a command) refuses keys
 * shorter than 16 characters (issue 18, item 6), and sign-in failures are counted per source address:
 * IPv4 as is, IPv6 per /64.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { sourceKey } from '../src/web/console/login-limits.js';
import { agentEntry, agentKeyHash } from '../src/web/console/agent-key.js';
import { KEYS, sha } from './helpers/console-security.js';

describe('AGENTS entries and source addresses', () => {
  it('the helper refuses keys shorter than 16 characters and makes entries loadConfig accepts', () => {
    expect(() => agentKeyHash('a'.repeat(15))).toThrow(/at least 16 characters/);
    expect(agentKeyHash(KEYS.pas)).toBe(sha(KEYS.pas));
    const entry = agentEntry('budi', 'Budi Santoso', KEYS.budi);
    expect(loadConfig({ AGENTS: entry }).agents).toEqual([{ id: 'budi', name: 'Budi Santoso', keyHash: sha(KEYS.budi) }]);

    const cli = (args: string[], input?: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/web/console/agent-key.ts', ...args], { input, encoding: 'utf8' });
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
