/**
 * The live-agent console in a real browser (Debian's chromium through playwright-core), against the
 * real server started in-process: the user talks in the web chat page (`/`, Web Chat over the
 * built-in Direct Line), the agent works in the console (`/agent`). Nothing is driven through the
 * API except the checks that the API refuses requests without the session cookie.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`, or `npm test`, whose pretest installs it).
 * Without it this test FAILS on purpose: a silently skipped browser test proves nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, type Browser } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, startBot, startChannel, type TestBot } from './helpers/harness.js';

const SCENARIO_MS = 120_000;
const WAIT = 30_000;
const ARTIFACTS = path.resolve('test-artifacts');
const KEY = 'kunci-budi-uji-2468';
const SITI_KEY = 'kunci-siti-uji-1357';
const REF = /KP-[2-9A-HJKMNP-Z]{6}/;
/** Web Chat's suggested-actions toolbar label (id-ID, or English as a fallback). */
const SUGGESTED = /tindakan yang disarankan|suggested actions/i;

describe('agent console in a browser', () => {
  let bot: TestBot;
  let context: BrowserContext;
  let browser: Browser | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    bot = await startBot({
      AGENTS: `budi:Budi Santoso:${createHash('sha256').update(KEY).digest('hex')},siti:Siti Aminah:${createHash('sha256').update(SITI_KEY).digest('hex')}`,
      AGENT_HOURS: '00:00-24:00',
      AGENT_DAYS: '1,2,3,4,5,6,7',
      RATE_LIMIT_MESSAGES: '1000',
      LOG_LEVEL: 'warn',
    });
    browser = await launchChromium('agent-console');
    context = browser.context;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  function watch(page: Page, name: string): void {
    page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${name}: console: ${m.text()}`);
    });
  }

  /** A Web Chat message bubble with this text (Web Chat renders each message more than once: use the first). */
  const bubble = (page: Page, text: RegExp | string) => page.locator('.webchat__bubble').filter({ hasText: text }).first();
  const botBubbles = (page: Page) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)');

  async function say(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.click();
    await box.fill(text);
    await box.press('Enter');
    await page.locator('.webchat__bubble--from-user').filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: WAIT });
  }

  it('has Debian chromium', () => {
    expect(existsSync(CHROMIUM), `missing ${CHROMIUM}: sudo apt-get install -y chromium`).toBe(true);
  });

  it('serves the page and its assets with the right types, no-cache, and a CSP-compatible page', async () => {
    const page = await fetch(`${bot.url}/agent`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const html = await page.text();
    // No inline scripts or inline event handlers (the CSP would block them).
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/agent\//);
    expect(html).not.toMatch(/<script\b[^>]*>\s*[^<\s]/);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // no external resources
    const js = await fetch(`${bot.url}/agent/agent.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const bundle = await js.text();
    // The bundle is the current sources' (built on demand): it holds intents/_pages.yaml's sentences.
    expect(bundle).toContain(readFileSync(path.resolve('intents/_pages.yaml'), 'utf8').match(/replyTooLong: "([^"]+)"/)![1]);
    const jsAgain = await fetch(`${bot.url}/agent/agent.js`, { headers: { 'if-none-match': js.headers.get('etag') ?? '' } });
    expect(jsAgain.status).toBe(304);
    const css = await fetch(`${bot.url}/agent/agent.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Revalidation works.
    const again = await fetch(`${bot.url}/agent`, { headers: { 'if-none-match': page.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    // User data goes into the page with textContent only: in the sources and in what is served.
    const sources = readdirSync(path.resolve('console-ui'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|js)$/.test(f));
    expect(sources.length).toBeGreaterThan(5);
    for (const [name, script] of [...sources.map((f) => [f, readFileSync(path.resolve('console-ui', f), 'utf8')]), ['bundle', bundle]]) {
      expect(script, name).not.toMatch(/\.innerHTML\s*\+?=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/);
    }
  });

  it(
    'user asks for a person in the web chat; the agent signs in, sees the ticket arrive, takes it, answers with an edited canned answer, closes; the bot resumes',
    async () => {
      // ---- Page 1: the user's web chat.
      const user = await context.newPage();
      watch(user, 'chat');
      await user.goto(`${bot.url}/`);
      await bubble(user, /selamat datang di layanan bantuan e-Faktur/i).waitFor({ state: 'visible', timeout: WAIT });

      // ---- Page 2: the agent console, not signed in yet.
      const agent = await context.newPage();
      watch(agent, 'console');
      await agent.setViewportSize({ width: 1280, height: 900 });
      await agent.goto(`${bot.url}/agent`);
      const idField = agent.getByLabel('Agent ID');
      const keyField = agent.getByLabel('Kunci', { exact: true });
      await idField.waitFor({ state: 'visible', timeout: WAIT });
      await keyField.waitFor({ state: 'visible' });
      expect(await agent.locator('#console-view').isVisible()).toBe(false);
      // The API refuses without the session cookie (from the page and from outside the browser).
      expect(await agent.evaluate(() => fetch('/agent/api/queue', { credentials: 'same-origin' }).then((r) => r.status))).toBe(401);
      expect((await fetch(`${bot.url}/agent/api/queue`)).status).toBe(401);

      // A wrong key is refused with a message; the right one signs in (keyboard only).
      await idField.fill('budi');
      await keyField.fill('salah');
      await keyField.press('Enter');
      await agent.getByRole('alert').filter({ hasText: 'Agent ID atau kunci salah.' }).waitFor({ state: 'visible', timeout: WAIT });
      await keyField.fill(KEY);
      await keyField.press('Enter');
      await agent.locator('#agent-name').filter({ hasText: 'Budi Santoso' }).waitFor({ state: 'visible', timeout: WAIT });
      await agent.getByRole('button', { name: 'Keluar' }).waitFor({ state: 'visible' });
      await agent.getByText('Tidak ada tiket yang menunggu atau sedang ditangani.').waitFor({ state: 'visible', timeout: WAIT });
      const session = (await context.cookies(bot.url + '/agent')).find((c) => c.name === 'agent_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/agent' });
      expect(await agent.evaluate(() => document.cookie)).not.toMatch(/agent_session/);
      expect(await agent.evaluate(() => fetch('/agent/api/queue', { credentials: 'same-origin' }).then((r) => r.status))).toBe(200);
      // Marks this document: if the console reloaded, the mark would be gone.
      await agent.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });

      // ---- The user describes the problem, then asks for a person.
      const before = await botBubbles(user).count();
      await say(user, 'efaktur saya belum registrasi, error ETAX-40005');
      await expect.poll(() => botBubbles(user).count(), { timeout: WAIT }).toBeGreaterThan(before);
      await say(user, 'saya mau bicara dengan petugas');
      const queued = bubble(user, /masuk antrean petugas helpdesk dengan nomor referensi KP-/);
      await queued.waitFor({ state: 'visible', timeout: WAIT });
      const ref = (await queued.innerText()).match(REF)![0];

      // ---- The ticket appears in the console's queue without reloading.
      const item = agent.locator(`#queue-list button[data-ref="${ref}"]`);
      await item.waitFor({ state: 'visible', timeout: WAIT });
      const itemText = await item.innerText();
      expect(itemText).toContain(ref);
      expect(itemText).toMatch(/menunggu kurang dari 1 menit/);
      expect(itemText).toMatch(/Menunggu petugas/);
      expect(itemText).toContain('ETAX-40005');
      expect(await agent.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      await expect.poll(() => agent.title()).toMatch(/^\(1\) Konsol Petugas/);

      // ---- Opens it (keyboard) and sees the summary, steps, codes and transcript.
      const ticket = (await (await agent.request.get(`${bot.url}/agent/api/tickets/${ref}`)).json()) as {
        summary: string;
        path: string[];
        steps: string[];
        transcript: Array<{ text: string }>;
      };
      await item.focus();
      await agent.keyboard.press('Enter');
      await agent.getByRole('heading', { name: `Tiket ${ref}` }).waitFor({ state: 'visible', timeout: WAIT });
      expect(await agent.locator('#t-summary').innerText()).toBe(ticket.summary);
      expect(ticket.summary.length).toBeGreaterThan(10);
      expect(await agent.locator('#t-codes').innerText()).toContain('ETAX-40005');
      // The steps in words (topic › step), not the path's ids; the topic menu is left out.
      expect(ticket.steps.length).toBeGreaterThan(0);
      expect(await agent.locator('#t-path li').allInnerTexts()).toEqual(ticket.steps);
      for (const id of ticket.path) expect(ticket.steps.join('\n')).not.toContain(id);
      await agent.locator('#transcript .msg-user').filter({ hasText: 'saya mau bicara dengan petugas' }).first().waitFor({ state: 'visible', timeout: WAIT });
      // The bot's answers read as the user saw them: bold as bold, no Markdown marks left over.
      const botTexts = await agent.locator('#transcript .msg-bot .msg-text').allInnerTexts();
      expect(botTexts.length).toBeGreaterThan(0);
      for (const text of botTexts) expect(text).not.toContain('**');
      if (ticket.transcript.some((e) => e.text.includes('**'))) expect(await agent.locator('#transcript .msg-bot strong').count()).toBeGreaterThan(0);
      expect(await agent.locator('#reply').isDisabled()).toBe(true);
      expect(await agent.getByRole('button', { name: 'Selesai', exact: true }).isDisabled()).toBe(true);

      // ---- Ambil: the user is told who joined.
      await agent.getByRole('button', { name: 'Ambil', exact: true }).click();
      await bubble(user, /Petugas Budi Santoso telah bergabung/).waitFor({ state: 'visible', timeout: WAIT });
      await agent.locator('#ticket-status').filter({ hasText: 'Anda tangani' }).waitFor({ state: 'visible', timeout: WAIT });
      expect(await agent.getByRole('button', { name: 'Ambil', exact: true }).isDisabled()).toBe(true);
      expect(await agent.getByRole('button', { name: 'Lepas', exact: true }).isEnabled()).toBe(true);

      // ---- The user's question reaches the console's transcript without reloading; the bot stays quiet.
      const question = 'Bagaimana cara reset aplikasi client di e-Nofa?';
      const botCount = await botBubbles(user).count();
      await say(user, question);
      await agent.locator('#transcript .msg-user').filter({ hasText: question }).waitFor({ state: 'visible', timeout: WAIT });
      expect(await agent.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      await user.waitForTimeout(2500); // several Direct Line polls: a bot answer would have arrived by now
      expect(await botBubbles(user).count()).toBe(botCount);

      // ---- The search box inserts a canned answer on click (then the agent clears the box again).
      const reply = agent.getByLabel('Balasan untuk pengguna');
      await agent.getByLabel('Kata kunci jawaban siap pakai').fill('lupa password');
      const found = agent.locator('#canned-results button').first();
      await found.waitFor({ state: 'visible', timeout: WAIT });
      const foundTitle = await found.locator('.canned-title').innerText();
      await found.click();
      expect(await reply.inputValue()).toContain(foundTitle);
      await reply.fill('');

      // ---- `/enofa` in the reply box: suggestions; Enter inserts the Markdown; the agent edits and sends.
      const canned = (
        (await (await agent.request.get(`${bot.url}/agent/api/answers?q=${encodeURIComponent('/enofa-reset')}`)).json()) as {
          items: Array<{ code: string; title: string; markdown: string }>;
        }
      ).items[0]!;
      expect(canned.code).toBe('enofa-reset');
      await reply.focus();
      await reply.pressSequentially('/enofa', { delay: 40 });
      const listbox = agent.getByRole('listbox', { name: 'Jawaban siap pakai' });
      await listbox.waitFor({ state: 'visible', timeout: WAIT });
      await agent.locator('#suggestions[data-query="enofa"]').waitFor({ state: 'visible', timeout: WAIT });
      const options = listbox.getByRole('option');
      expect(await options.first().innerText()).toContain('/enofa-reset');
      expect(await options.first().getAttribute('aria-selected')).toBe('true');
      expect(await reply.getAttribute('aria-expanded')).toBe('true');
      await reply.press('Enter');
      await listbox.waitFor({ state: 'hidden', timeout: WAIT });
      expect(await reply.inputValue()).toBe(canned.markdown);
      const greeting = 'Selamat siang Bapak/Ibu, berikut langkahnya:';
      await reply.press('Control+Home');
      await reply.pressSequentially(greeting);
      await reply.press('Enter');
      await reply.press('Enter');
      expect(await reply.inputValue()).toBe(`${greeting}\n\n${canned.markdown}`);
      await agent.getByRole('button', { name: 'Kirim', exact: true }).click();
      await expect.poll(() => reply.inputValue(), { timeout: WAIT }).toBe('');
      await agent.locator('#transcript .msg-agent').filter({ hasText: greeting }).waitFor({ state: 'visible', timeout: WAIT });
      const answer = bubble(user, greeting);
      await answer.waitFor({ state: 'visible', timeout: WAIT });
      // Web Chat renders the Markdown (typographic quotes included): compare plain fragments.
      const shown = await answer.innerText();
      expect(shown).toContain('Reset Aplikasi Client');
      expect(shown).toContain('Buka situs e-Nofa');
      expect(shown).not.toContain('**');

      mkdirSync(ARTIFACTS, { recursive: true });
      await agent.locator('#transcript').evaluate((e) => {
        e.scrollTop = e.scrollHeight;
      });
      await agent.screenshot({ path: path.join(ARTIFACTS, 'agent-console.png'), fullPage: true });

      // ---- Selesai: the user is asked for the outcome, answers, and the bot takes over again.
      await agent.getByRole('button', { name: 'Selesai', exact: true }).click();
      await bubble(user, /Petugas Budi Santoso telah mengakhiri percakapan/).waitFor({ state: 'visible', timeout: WAIT });
      await agent.locator('#ticket-status').filter({ hasText: 'Selesai' }).waitFor({ state: 'visible', timeout: WAIT });
      await item.waitFor({ state: 'detached', timeout: WAIT }); // closed tickets leave the queue
      await user.getByRole('toolbar', { name: SUGGESTED }).getByRole('button', { name: 'Sudah teratasi', exact: true }).click({ timeout: WAIT });
      await bubble(user, /Senang masalah Anda sudah teratasi/).waitFor({ state: 'visible', timeout: WAIT });
      await say(user, 'lupa pw');
      await bubble(user, /Password mana yang Anda lupa/).waitFor({ state: 'visible', timeout: WAIT });
      await user.waitForTimeout(300); // let the last bubble finish its layout
      await user.screenshot({ path: path.join(ARTIFACTS, 'agent-user-chat.png') });

      const closed = (await (await agent.request.get(`${bot.url}/agent/api/tickets/${ref}`)).json()) as {
        status: string;
        outcome?: string;
        history: Array<{ action: string; agent?: string }>;
      };
      expect(closed).toMatchObject({ status: 'closed', outcome: 'solved' });
      expect(closed.history.map((h) => `${h.action}${h.agent ? `@${h.agent}` : ''}`)).toEqual([
        'created',
        'queued',
        'claimed@budi',
        'closed@budi',
        'outcome:solved',
      ]);

      // ---- Readable at 360 px: no horizontal scrolling.
      await agent.setViewportSize({ width: 360, height: 740 });
      const widths = await agent.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth }));
      expect(widths.inner).toBe(360);
      expect(widths.doc).toBeLessThanOrEqual(360);
      expect(widths.body).toBeLessThanOrEqual(360);

      // ---- Sign-out: the form is back and the API refuses again.
      await agent.getByRole('button', { name: 'Keluar' }).click();
      await idField.waitFor({ state: 'visible', timeout: WAIT });
      expect(await agent.evaluate(() => fetch('/agent/api/queue', { credentials: 'same-origin' }).then((r) => r.status))).toBe(401);

      expect(problems).toEqual([]);
      await agent.close();
      await user.close();
    },
    SCENARIO_MS,
  );

  it(
    "words the server's refusal by its code: Ambil on a ticket another agent took since the last poll",
    async () => {
      const channel = await startChannel();
      const page = await context.newPage();
      try {
        const ref = (await new Conversation(bot.url, channel).send('saya mau bicara dengan petugas')).text.match(REF)![0];
        watch(page, 'refusal');
        // The console's 2-second poll runs only when the test lets the clock move: the page cannot
        // learn of Siti's claim before Budi presses Ambil.
        await page.clock.install();
        await page.goto(`${bot.url}/agent#${ref}`);
        await page.getByLabel('Agent ID').fill('budi');
        await page.getByLabel('Kunci', { exact: true }).fill(KEY);
        await page.getByLabel('Kunci', { exact: true }).press('Enter');
        await page.getByRole('heading', { name: `Tiket ${ref}` }).waitFor({ state: 'visible', timeout: WAIT });
        const login = await fetch(`${bot.url}/agent/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ agentId: 'siti', key: SITI_KEY }),
        });
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const claimed = await fetch(`${bot.url}/agent/api/tickets/${ref}/claim`, { method: 'POST', headers: { cookie, 'x-requested-with': 'agent-console' } });
        expect(claimed.status).toBe(200);
        await page.getByRole('button', { name: 'Ambil', exact: true }).click();
        await page.locator('#action-message').filter({ hasText: 'Tiket sudah diambil oleh Siti Aminah.' }).waitFor({ state: 'visible', timeout: WAIT });
        await page.locator('#ticket-status').filter({ hasText: 'Diambil oleh Siti Aminah' }).waitFor({ state: 'visible', timeout: WAIT });
        expect(await page.locator('#reply-state').innerText()).toBe('Tiket ini ditangani Siti Aminah.');
        expect(problems).toEqual([]);
      } finally {
        await page.close();
        await channel.close();
      }
    },
    SCENARIO_MS,
  );
});
