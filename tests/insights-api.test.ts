/**
 * The supervisors' insights API and page on real servers: two app instances on one sqlite file serve
 * conversations (one conversation moves between them); both give the same figures, counting each
 * conversation once; the CLI's `--json` reads the same figures; only supervisors get them (401 / 403
 * otherwise); adding a cluster as examples needs the CSRF header, validates, writes intents/ and is
 * recorded with the supervisor and the time; an NPWP and a password typed by a user never come back.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import type { InsightsView } from '../console-ui/insights/types.js';
import type { Insights } from '../src/insights/index.js';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './helpers/harness.js';

const SARI_KEY = 'kunci-sari-supervisor-1357';
const BUDI_KEY = 'kunci-budi-petugas-2468';
const API_KEY = 'insights-api-key-0123456789';
const NPWP = '01.234.567.8-901.000';
const PASSWORD = 'Rahasia#2024';
const sha = (k: string) => createHash('sha256').update(k).digest('hex');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/review.ts', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('insights API on two instances', () => {
  let a: TestBot;
  let b: TestBot;
  let channel: ChannelServer;
  let dataDir: string;
  let intentsDir: string;
  const cookies: Record<string, string> = {};
  const env = () => ({
    STORAGE: 'sqlite',
    DATA_DIR: dataDir,
    INTENTS_DIR: intentsDir,
    AGENTS: `sari:Sari Wulandari:${sha(SARI_KEY)}:supervisor,budi:Budi Santoso:${sha(BUDI_KEY)}`,
    AGENT_API_KEY: API_KEY,
    RATE_LIMIT_MESSAGES: '1000',
    LOG_LEVEL: 'warn',
  });

  const signIn = async (bot: TestBot, agentId: string, key: string) => {
    const r = await fetch(`${bot.url}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId, key }),
    });
    expect(r.status).toBe(200);
    return String(r.headers.get('set-cookie')).split(';')[0]!;
  };
  const figures = async (bot: TestBot, cookie = cookies.sari, query = 'days=7') => {
    const r = await fetch(`${bot.url}/agent/api/insights?${query}`, { headers: { cookie: cookie ?? '' } });
    return { status: r.status, text: await r.text() };
  };
  const accept = (
    bot: TestBot,
    body: Record<string, string>,
    headers: Record<string, string> = { 'x-requested-with': 'agent-console', cookie: cookies.sari! },
  ) =>
    fetch(`${bot.url}/agent/api/insights/accept`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'insights-data-'));
    intentsDir = mkdtempSync(path.join(os.tmpdir(), 'insights-intents-'));
    cpSync('intents', intentsDir, { recursive: true });
    channel = await startChannel();
    a = await startBot(env());
    b = await startBot(env());
    // Unanswered, on both instances; one conversation moves from A to B and back.
    await new Conversation(a.url, channel).send('cara cetak ulang faktur pajak yang hilang');
    await new Conversation(b.url, channel).send('bagaimana cetak ulang faktur pajak hilang');
    const moving = new Conversation(a.url, channel);
    await moving.send('cetak ulang faktur pajak hilang gimana ya');
    moving.botUrl = b.url;
    await moving.send(`resep rendang padang, npwp saya ${NPWP} dan password: ${PASSWORD}`);
    moving.botUrl = a.url;
    await moving.send('apa itu bea meterai elektronik');
    // Solved on B; not solved then handed off on A.
    const ok = new Conversation(b.url, channel);
    await ok.send('lupa password aplikasi efaktur desktop');
    await ok.send('desktop');
    await ok.send('sudah');
    const bad = new Conversation(a.url, channel);
    await bad.send('status aplikasi efaktur belum registrasi');
    await bad.send('Reset lewat e-Nofa (Reset Aplikasi Client)');
    await bad.send('belum');
    await bad.send('ya');
    cookies.sari = await signIn(a, 'sari', SARI_KEY);
    cookies.budi = await signIn(b, 'budi', BUDI_KEY);
    // Each instance flushes what it buffers when it reads: read once on both, then compare.
    await figures(a);
    await figures(b);
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await channel?.close();
  });

  it('refuses without a session (401) and agents who are not supervisors (403), page included', async () => {
    expect((await figures(a, '')).status).toBe(401);
    const refused = await figures(b, cookies.budi);
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/supervisors only/);
    expect((await fetch(`${a.url}/agent/insights`, { headers: { cookie: cookies.budi! } })).status).toBe(403);
    const page = await fetch(`${a.url}/agent/insights`, { headers: { cookie: cookies.sari! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
    const html = await page.text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/agent\//);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const lib = await fetch(`${a.url}/agent/vendor/uplot.js`);
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${a.url}/agent/api/me`, { headers: { cookie: cookies.sari! } }).then((r) => r.json())) as { supervisor?: boolean }).toMatchObject({
      supervisor: true,
    });
  });

  it('both instances give the same figures, each conversation counted once', async () => {
    const fa = JSON.parse((await figures(a)).text) as Insights;
    const fb = JSON.parse((await figures(b)).text) as Insights;
    // The page reads the figures through its own type (console-ui/insights/types.ts): the server's must
    // fit it, or this file does not compile (npm run typecheck).
    const seen: InsightsView = fa;
    expect(seen.series.length).toBeGreaterThan(0);
    for (const f of [fa, fb]) {
      expect(f.conversations).toMatchObject({ total: 5, handedOff: 1, confirmedSolved: 1 }); // the moving one counted once
      expect(f.handoffTriggers.find((t) => t.trigger === 'procedure-failed')).toMatchObject({ conversations: 1 });
      const cetak = f.clusters.find((c) => c.phrasings.some((p) => p.includes('cetak ulang')));
      expect(cetak?.count).toBe(3);
      expect(f.procedures.find((p) => p.code === 'enofa-reset')).toMatchObject({ solved: 0, unsolved: 1, intentTitle: expect.any(String) });
      expect(f.fallback.turns).toBeGreaterThanOrEqual(12);
    }
    const { generatedAt: _x, ...restA } = fa;
    const { generatedAt: _y, ...restB } = fb;
    expect(restB).toEqual(restA);
  });

  it('never gives back an NPWP or password a user typed', async () => {
    const all = [
      (await figures(a)).text,
      (await figures(b)).text,
      await fetch(`${a.url}/api/review?days=7`, { headers: { authorization: `Bearer ${API_KEY}` } }).then((r) => r.text()),
    ].join('\n');
    expect(all).toContain('[NPWP]');
    for (const secret of [NPWP, '012345678901000', PASSWORD]) expect(all).not.toContain(secret);
  });

  it('npm run review -- --json and GET /api/review read the same figures as the page', async () => {
    const page = JSON.parse((await figures(a)).text) as Insights;
    const printed = await cli(['--days', '7', '--json'], { ...process.env, ...env() });
    expect(printed.status).toBe(0);
    const fromCli = JSON.parse(printed.stdout) as Insights;
    const api = (await fetch(`${b.url}/api/review?days=7`, { headers: { authorization: `Bearer ${API_KEY}` } }).then((r) => r.json())) as Insights;
    for (const other of [fromCli, api]) {
      for (const k of [
        'period',
        'conversations',
        'handoffTriggers',
        'procedures',
        'fallback',
        'series',
        'clusters',
        'totals',
        'intents',
        'worstProcedures',
      ] as const)
        expect(other[k]).toEqual(page[k]);
    }
  });

  it('adds a cluster as examples like --accept: CSRF header, validated, written to intents/, recorded who and when', async () => {
    const f = JSON.parse((await figures(a)).text) as Insights;
    const cetak = f.clusters.find((c) => c.phrasings.some((p) => p.includes('cetak ulang')))!;
    const body = { cluster: cetak.id, intent: 'kode-error-lain', from: f.period.from, to: f.period.to };
    // Each refusal with its status and its code (what the page words).
    const refusals: Array<[Promise<Response>, number, string]> = [
      [accept(a, body, { cookie: cookies.sari! }), 403, 'csrf-header-missing'], // no X-Requested-With
      [accept(b, body, { 'x-requested-with': 'agent-console', cookie: cookies.budi! }), 403, 'supervisors-only'],
      [accept(a, body, { 'x-requested-with': 'agent-console' }), 401, 'sign-in-required'],
      [accept(a, { ...body, intent: 'tidak-ada' }), 400, 'unknown-intent'],
      [accept(a, { ...body, cluster: 'c-00000000' }), 404, 'unknown-cluster'],
      [accept(a, { ...body, cluster: 'cetak' }), 400, 'invalid-accept-request'],
      [accept(a, { ...body, from: 'kemarin' }), 400, 'invalid-period'],
    ];
    for (const [pending, status, code] of refusals) {
      const refused = await pending;
      expect(refused.status, code).toBe(status);
      expect(await refused.json(), code).toMatchObject({ code, error: expect.any(String) });
    }
    const file = path.join(intentsDir, 'kode-error-lain.yaml');
    const before = readFileSync(file, 'utf8');
    const r = await accept(a, body);
    expect(r.status).toBe(200);
    const result = (await r.json()) as { added: number; file: string; accepted: { by: string; at: string } };
    expect(result).toMatchObject({ added: 3, file: `${path.basename(intentsDir)}/kode-error-lain.yaml`, accepted: { by: 'sari' } });
    expect(Math.abs(Date.parse(result.accepted.at) - Date.now())).toBeLessThan(60_000);
    const after = readFileSync(file, 'utf8');
    expect(after.split('\n').length).toBe(before.split('\n').length + 3);
    expect(after).toContain('cetak ulang faktur pajak');
    expect(() => loadCatalog(intentsDir)).not.toThrow();
    // Both instances (and the CLI) now show who added it and when.
    const again = JSON.parse((await figures(b)).text) as Insights;
    expect(again.clusters.find((c) => c.id === cetak.id)?.accepted).toMatchObject({ intent: 'kode-error-lain', by: 'sari', byName: 'Sari Wulandari' });
    const printed = await cli(['--days', '7'], { ...process.env, ...env() });
    expect(printed.stdout).toMatch(/added to kode-error-lain by sari at /);
  });
});
