/**
 * The one-file server `npm start` runs (src/cli/bundle-server.ts), bundled here from the sources with
 * the same options, started as a real process: ready, the chat page and every file it loads, the
 * agent console page and its script, a conversation over the built-in Direct Line reaching the reset
 * topic's first question, a second start reading the start-up cache; all started from another folder; and the modules' "am I the
 * program?" checks stay false inside it (a bundled CLI must not run).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleServer } from '../src/cli/bundle-server.js';
import { botMessages, Client } from './helpers/directline-client.js';
import { AGENTS } from './helpers/console-security.js';
import { spawnBot, type BotProcess } from './helpers/harness.js';
import { freePort } from './helpers/redis-server.js';

// In the project's folder, as dist/server.mjs is: the bundle finds its external packages (better-sqlite3,
// esbuild) in node_modules, and sits at another depth than the modules, so a module that looked for its
// files from the bundle's place instead of its own would miss them.
const outfile = path.resolve(`.bundle-test-${process.pid}.mjs`);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bundle-data-'));
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'bundle-cache-'));

// Started from another folder (a service manager's working directory): only the configured paths and each
// module's own place can lead to the files.
const start = async (): Promise<BotProcess> =>
  spawnBot({ DATA_DIR: dataDir, CACHE_DIR: cacheDir, INTENTS_DIR: path.resolve('intents'), LOG_LEVEL: 'info', AGENTS, STORAGE: 'sqlite' }, await freePort(), {
    args: ['--disable-warning=DEP0111', outfile],
    cwd: dataDir,
  });

describe('the bundled server (npm start)', () => {
  let first: BotProcess;

  beforeAll(async () => {
    await bundleServer({ entry: 'src/index.ts', outfile, ownDir: 'src' });
    first = await start();
  }, 60_000);
  afterAll(async () => {
    await first?.kill();
    rmSync(outfile, { force: true });
    for (const d of [dataDir, cacheDir]) rmSync(d, { recursive: true, force: true });
  });

  it('serves the chat page and every script and style it loads', async () => {
    const page = await fetch(`${first.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect([a, (await fetch(`${first.url}${a}`)).status]).toEqual([a, 200]);
  });

  it('serves the agent console page and its script', async () => {
    const page = await fetch(`${first.url}/agent`);
    expect(page.status).toBe(200);
    const scripts = [...(await page.text()).matchAll(/src="(\/[^"]+\.js[^"]*)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      const r = await fetch(`${first.url}${s}`);
      expect([s, r.status]).toEqual([s, 200]);
      expect((await r.text()).length).toBeGreaterThan(1000);
    }
  });

  it('answers over the built-in Direct Line: "belum registrasi" gets the reset topic\'s question with its choices', async () => {
    const dl = new Client(first.url);
    const s = await dl.start();
    const r = await dl.post(s, { type: 'message', from: { id: s.userId }, text: 'aplikasi efaktur saya status belum registrasi', locale: 'id-ID' });
    expect(r.status).toBe(200);
    const got = await dl.pollUntil(s, '', (all) => botMessages(all).some((m) => (m.suggestedActions?.actions.length ?? 0) >= 2), 'the question');
    expect(botMessages(got.activities).length).toBeGreaterThan(0);
    const turns = first
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"turn"'))
      .map((l) => JSON.parse(l) as { outcome: string; outcomeIntent?: string });
    expect(turns.map((t) => [t.outcome, t.outcomeIntent])).toContainEqual(['question', 'reset-aplikasi']);
    // No bundled command-line tool ran (each prints its usage when started without arguments).
    expect(first.output()).not.toMatch(/usage:/i);
  });

  it('stops cleanly, and a second start reads the catalog and the model from the start-up cache', async () => {
    expect(await first.kill()).toBe(0);
    const files = readdirSync(cacheDir).sort();
    expect(files.some((f) => f.startsWith('catalog-'))).toBe(true);
    expect(files.some((f) => f.startsWith('intent-model-'))).toBe(true);
    const again = await start();
    try {
      expect(again.output()).toMatch(/"matcherFromCache":true/);
      expect(readdirSync(cacheDir).sort()).toEqual(files);
    } finally {
      await again.kill();
    }
  });
});
