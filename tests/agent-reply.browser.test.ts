/**
 * An agent's reply in Web Chat at phone width (issue 17, point 7): it reads as a person's message (the
 * agent's name and a label above it), not as the bot's. Real server, real console API, Debian's chromium.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './helpers/browser.js';
import { startBot, type TestBot } from './helpers/harness.js';

const T = 90_000;
const WAIT = 45_000;
const ARTIFACTS = path.resolve('test-artifacts');
const KEY = 'kunci-budi-rahasia-123';
const AGENTS = `budi:Budi Santoso:${createHash('sha256').update(KEY).digest('hex')}`;

describe("an agent's reply in the web chat", () => {
  let bot: TestBot;
  let browser: Browser;
  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'warn', AGENTS, AGENT_HOURS: '00:00-24:00', AGENT_DAYS: '1,2,3,4,5,6,7', RATE_LIMIT_MESSAGES: '1000' });
    browser = await launchChromium('agent-reply');
  }, T);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  const bubble = (page: Page, text: RegExp | string) => page.locator('.webchat__bubble').filter({ hasText: text }).first();

  it(
    "at 390×844 the agent's message carries the agent's name and the person label; screenshot",
    async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${bot.url}/`);
      await bubble(page, /selamat datang di layanan bantuan e-Faktur/i).waitFor({ state: 'visible', timeout: WAIT });
      const box = page.locator('[data-id="webchat-sendbox-input"]');
      await box.fill('saya ingin bicara dengan petugas');
      await box.press('Enter');
      const queued = bubble(page, /KP-[2-9A-HJKMNP-Z]{6}/);
      await queued.waitFor({ state: 'visible', timeout: WAIT });
      const ref = (await queued.innerText()).match(/KP-[2-9A-HJKMNP-Z]{6}/)![0];

      // The agent signs in to the console, takes the ticket and answers.
      const login = await fetch(`${bot.url}/agent/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'budi', key: KEY }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const post = (p: string, body: unknown) =>
        fetch(`${bot.url}${p}`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'agent-console' },
          body: JSON.stringify(body),
        });
      expect((await post(`/agent/api/tickets/${ref}/claim`, {})).status).toBe(200);
      expect((await post(`/agent/api/tickets/${ref}/messages`, { text: 'Selamat siang, saya Budi. Boleh sebutkan kode error yang muncul?' })).status).toBe(200);

      const reply = bubble(page, /saya Budi\. Boleh sebutkan kode error/);
      await reply.waitFor({ state: 'visible', timeout: WAIT });
      const text = await reply.innerText();
      expect(text).toMatch(/Budi Santoso/);
      expect(text).toMatch(/petugas helpdesk/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(ARTIFACTS, 'phone-agent-reply.png') });
      await page.close();
    },
    T,
  );
});
