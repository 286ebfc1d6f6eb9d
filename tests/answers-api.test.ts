/**
 * Canned answers for agents outside chat: the agent HTTP API (src/web/agent-api.ts) and the
 * command-line tool (src/cli/answers.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CannedAnswer } from '../src/answers/index.js';
import { INTENTS, index, mustGet } from './helpers/answers.js';
import { useServer } from './helpers/server.js';

// ---------------------------------------------------------------------------------------------
// 5. The agent HTTP API
// ---------------------------------------------------------------------------------------------

interface ApiItem {
  id: string;
  code: string;
  title: string;
  tags: string[];
  intent?: string;
  match?: 'code' | 'title' | 'body';
  score?: number;
}

describe('canned answers: HTTP API', () => {
  const KEY = 'agent-key-for-answers-tests-0123456789';
  const offServer = useServer();
  const onServer = useServer({ AGENT_API_KEY: KEY });

  const get = (server: { url: string }, p: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
    fetch(`${server.url}${p}`, { headers });

  it('is off (404) without AGENT_API_KEY', async () => {
    for (const p of ['/api/answers', '/api/answers?q=reset', '/api/answers/reset', '/api/answers/reset-aplikasi/reset-prosedur']) {
      const r = await get(offServer, p);
      expect(r.status, p).toBe(404);
      const body = (await r.json()) as { error: string };
      expect(body.error).toMatch(/AGENT_API_KEY/);
      expect(JSON.stringify(body)).not.toContain(mustGet('reset').title);
    }
  });

  it('needs the right agent key (401 otherwise)', async () => {
    for (const p of ['/api/answers?q=reset', '/api/answers/reset', '/api/answers/reset-aplikasi/reset-prosedur']) {
      const none = await get(onServer, p, {});
      expect(none.status, p).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(await none.json())).not.toContain(mustGet('reset').title);
      expect((await get(onServer, p, { authorization: 'Bearer wrong-key-wrong-key-wrong' })).status, p).toBe(401);
      expect((await get(onServer, p, { 'x-agent-key': 'wrong-key-wrong-key-wrong' })).status, p).toBe(401);
      expect((await get(onServer, p, { authorization: `Basic ${Buffer.from(`x:${KEY}`).toString('base64')}` })).status, p).toBe(401);
      expect((await get(onServer, p, { authorization: `Bearer ${KEY}` })).status, p).toBe(200);
      expect((await get(onServer, p, { 'x-agent-key': KEY })).status, p).toBe(200);
    }
  });

  it('GET /api/answers?q= returns ranked items with the kind of match', async () => {
    const r = await get(onServer, `/api/answers?q=${encodeURIComponent('40005')}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { query: string; items: ApiItem[] };
    expect(body.query).toBe('40005');
    expect(body.items[0]).toMatchObject({ id: 'etax-40005/kode-terpakai', code: '40005', match: 'code', intent: 'etax-40005' });
    expect(body.items.map((i) => i.id)).toEqual(index.search('40005', 20).map((h) => h.answer.id));

    const rank = { code: 3, title: 2, body: 1 } as const;
    for (const q of ['lupa password', 'npwp tdk muncul', 'reset', 'pindah kpp']) {
      const res = (await (await get(onServer, `/api/answers?q=${encodeURIComponent(q)}`, { 'x-agent-key': KEY })).json()) as { items: ApiItem[] };
      expect(res.items.length, q).toBeGreaterThan(0);
      const ranks = res.items.map((i) => rank[i.match!]);
      expect(
        ranks.every((x) => x !== undefined),
        q,
      ).toBe(true);
      expect(
        ranks.every((x, i) => i === 0 || ranks[i - 1]! >= x),
        q,
      ).toBe(true);
      for (const i of res.items) {
        expect(i.score, q).toBeGreaterThanOrEqual(0);
        expect(i.score, q).toBeLessThanOrEqual(1);
        expect(i).not.toHaveProperty('markdown'); // summaries only
      }
    }
    const pw = (await (await get(onServer, '/api/answers?q=lupa%20password')).json()) as { items: ApiItem[] };
    expect(pw.items[0]!.match).toBe('title');
    expect(new Set(pw.items.slice(0, 2).map((i) => i.code))).toEqual(new Set(['lupa-pw', 'lupa-pw-enofa']));
    const npwp = (await (await get(onServer, '/api/answers?q=npwp%20tdk%20muncul')).json()) as { items: ApiItem[] };
    expect(npwp.items[0]).toMatchObject({ code: 'npwp-web', match: 'title' });
    expect(npwp.items.some((i) => i.match === 'body')).toBe(true);
    const reset = (await (await get(onServer, '/api/answers?q=reset')).json()) as { items: ApiItem[] };
    expect(reset.items.slice(0, 2).map((i) => [i.code, i.match])).toEqual([
      ['reset', 'code'],
      ['enofa-reset', 'code'],
    ]);
    expect(reset.items[0]!.score).toBe(1);
  });

  it('GET /api/answers without q lists every answer; nonsense lists none', async () => {
    const all = (await (await get(onServer, '/api/answers')).json()) as { items: ApiItem[] };
    expect(all.items.map((i) => i.id).sort()).toEqual(index.answers.map((a) => a.id).sort());
    const none = (await (await get(onServer, '/api/answers?q=qwxzvbnm')).json()) as { items: ApiItem[] };
    expect(none.items).toEqual([]);
  });

  it('GET /api/answers/:id returns one answer with both renderings, by code or by id', async () => {
    const expected = JSON.parse(JSON.stringify(mustGet('reset'))) as CannedAnswer;
    for (const p of [
      '/api/answers/reset',
      '/api/answers/reset-aplikasi/reset-prosedur',
      '/api/answers/RESET',
      '/api/answers/%2Freset',
      '/api/answers/reset-aplikasi%2Freset-prosedur',
    ]) {
      const r = await get(onServer, p);
      expect(r.status, p).toBe(200);
      const a = (await r.json()) as CannedAnswer;
      expect(a, p).toEqual(expected);
      expect(a.markdown).toMatch(/^1\. /m);
      expect(a.card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    }
    const k = (await (await get(onServer, '/api/answers/kontak', { 'x-agent-key': KEY })).json()) as CannedAnswer;
    expect(k.id).toBe('kontak');
    expect(k.card.type).toBe('AdaptiveCard');
  });

  it('answers 404 for an unknown answer (also for odd ids)', async () => {
    for (const p of [
      '/api/answers/tidak-ada',
      '/api/answers/reset-aplikasi/tidak-ada',
      '/api/answers/tidak-ada/reset-prosedur',
      '/api/answers/%25',
      '/api/answers/100%25%20x',
      '/api/answers/%E0%A4%A',
    ]) {
      const r = await get(onServer, p);
      expect(r.status, p).toBe(404);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 6. The command-line tool
// ---------------------------------------------------------------------------------------------

describe('canned answers: CLI (npm run answers)', () => {
  const run = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'src/cli/answers.ts', ...args], {
      cwd: path.resolve('.'),
      encoding: 'utf8',
      env: { ...process.env, INTENTS_DIR: INTENTS, NODE_OPTIONS: '' },
      timeout: 60_000,
    });

  it('prints the best answers for a question with their short codes and copy-ready Markdown', () => {
    const r = run('lupa password');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\/lupa-pw\s{2}/m);
    expect(r.stdout).toMatch(/^\/lupa-pw-enofa\s{2}/m);
    expect(r.stdout).toContain('(id: lupa-password/desktop)');
    // Copy-ready: the whole Markdown of the answer, unchanged.
    expect(r.stdout).toContain(mustGet('lupa-pw').markdown);
    expect(r.stdout).toContain(mustGet('lupa-pw-enofa').markdown);
    const headers = r.stdout.match(/^\/[a-z0-9-]+ {2}.*\(id: [^)]+\)$/gm) ?? [];
    expect(headers.length).toBeGreaterThanOrEqual(2);
    expect(headers.length).toBeLessThanOrEqual(3);
    expect(headers[0]).toMatch(/^\/lupa-pw(-enofa)? /);
  }, 60_000);

  it('prints exactly the answer of a /short code', () => {
    const r = run('/reset');
    expect(r.status, r.stderr).toBe(0);
    const reset = mustGet('reset');
    expect(r.stdout).toContain(`/reset  ${reset.title}  (id: reset-aplikasi/reset-prosedur)`);
    expect(r.stdout).toContain(mustGet('reset').markdown);
    expect(r.stdout.match(/\(id: [^)]+\)$/gm)).toHaveLength(1);
  }, 60_000);

  it('exits 1 when nothing matches', () => {
    const r = run('qwxzvbnm');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('No canned answer matches "qwxzvbnm"');
  }, 60_000);

  it('exits 1 for an unknown /short code, suggesting near codes instead of printing other answers', () => {
    const r = run('/resett');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('No canned answer has the short code "/resett"');
    expect(r.stdout).toContain('/reset');
    expect(r.stdout).not.toContain(mustGet('reset').markdown);
  }, 60_000);

  it('lists every short code without an argument', () => {
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${index.answers.length} canned answers:`);
    for (const a of index.answers)
      expect(r.stdout).toMatch(new RegExp(`^  /${a.code.replace(/-/g, '\\-')} +${a.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }, 60_000);
});
