/**
 * The build's last step (src/cli/warm-cache.ts): it fills the start-up cache so the next start reads
 * it, says so, and never fails the build: a content problem is left for the server to report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { intentsWith } from './helpers/startup.js';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'warm-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const warm = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/warm-cache.ts'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe('warming the start-up cache at build time', () => {
  it('trains and writes once, then finds it there', () => {
    const first = warm({ CACHE_DIR: cacheDir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('trained and written');
    expect(readdirSync(cacheDir).some((f) => f.startsWith('intent-model-'))).toBe(true);
    const again = warm({ CACHE_DIR: cacheDir });
    expect(again.stdout).toContain('already there');
  });

  it('does not fail the build on bad content: the server reports it at start-up', () => {
    const bad = intentsWith('pindah-kpp.yaml', 'id: [not closed');
    const r = warm({ CACHE_DIR: cacheDir, INTENTS_DIR: bad });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('not filled (the content has problems)');
    rmSync(bad, { recursive: true, force: true });
  });
});
