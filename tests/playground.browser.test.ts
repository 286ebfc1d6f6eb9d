/**
 * The Microsoft 365 Agents Playground (the npm package, offline) as a Teams-like client, in Debian's
 * chromium: the welcome card's buttons work, a procedure's Markdown renders (it carries no suggested
 * actions: microsoft/Agents#475 shows Markdown raw on messages that do), and the check's suggested
 * action answers it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './helpers/browser.js';
import { startBot, type TestBot } from './helpers/harness.js';

const ARTIFACTS = path.resolve('test-artifacts');
const T = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

let bot: TestBot;
let browser: Browser;
const playgrounds: ChildProcess[] = [];

/** Starts the Playground as the given channel; returns its URL. */
async function startPlayground(channel: string): Promise<string> {
  const port = await freePort();
  const playground = spawn(
    path.resolve('node_modules/.bin/agentsplayground'),
    ['-e', `${bot.url}/api/messages`, '-c', channel, '--disable-telemetry', '-p', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  playgrounds.push(playground);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Agents Playground did not start')), 30_000);
    playground.stdout!.on('data', (d: Buffer) => {
      if (/Listening on/.test(String(d))) {
        clearTimeout(timer);
        resolve();
      }
    });
    playground.on('exit', (code) => reject(new Error(`the Agents Playground exited with ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  bot = await startBot({ RATE_LIMIT_MESSAGES: '1000' });
  browser = await launchChromium('playground');
}, T);

afterAll(async () => {
  await browser?.close();
  for (const p of playgrounds) p.kill();
  await bot?.stop();
});

/** A page on a Playground started as `channel`, its script errors, and a way to type a message. */
async function openPlayground(channel: string) {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1100, height: 1000 });
  await page.goto(await startPlayground(channel), { waitUntil: 'networkidle' });
  const box = page.locator('[role="textbox"][contenteditable="true"], textarea, input[type="text"]').first();
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  const say = async (text: string) => {
    await box.click();
    await box.type(text);
    await box.press('Enter');
  };
  return { page, errors, say };
}

describe('Agents Playground (Teams-like client)', () => {
  it(
    'card buttons work, a procedure renders its Markdown, a suggested action answers the check',
    async () => {
      const { page, errors, say } = await openPlayground('msteams');

      await say('halo');
      const topic = page.getByRole('button', { name: 'Status "Belum Registrasi" / reset' }).last();
      await topic.waitFor({ state: 'visible', timeout: 20_000 });
      await topic.click(); // an Adaptive Card button (more than three choices on Teams)
      await page.getByText('Mana yang paling sesuai dengan kondisi Anda?').last().waitFor({ state: 'visible', timeout: 20_000 });

      await say('1');
      const check = page.getByRole('button', { name: 'Sudah teratasi' }).last();
      await check.waitFor({ state: 'visible', timeout: 20_000 });
      // Rendered, not raw: the bold title is a <strong>, and no "**" shows in the conversation.
      await page.locator('strong', { hasText: 'Cara reset aplikasi client e-Faktur desktop' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      const chat = await page
        .locator('main')
        .first()
        .innerText()
        .catch(() => page.locator('body').innerText());
      expect(chat).not.toMatch(/\*\*Cara reset/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'playground-procedure.png') });

      await check.click(); // a suggested action
      await page
        .getByText(/Syukurlah, senang bisa membantu/)
        .last()
        .waitFor({ state: 'visible', timeout: 20_000 });
      expect(errors).toEqual([]);
      await page.close();
    },
    T,
  );

  // As Web Chat (the Playground's webchat channel), where a procedure and its check share one message:
  // the Markdown of a message that carries suggested actions must render there too.
  it(
    'as the webchat channel, a procedure sent with its check renders its Markdown and the check answers',
    async () => {
      const { page, errors, say } = await openPlayground('webchat');
      await say('efaktur sy blm registrasi, pc kena virus');
      const check = page.getByRole('button', { name: 'Sudah teratasi' }).last();
      await check.waitFor({ state: 'visible', timeout: 20_000 });
      await page.locator('strong', { hasText: 'Cara reset aplikasi client e-Faktur desktop' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      expect(await page.locator('body').innerText()).not.toMatch(/\*\*(Cara reset|Sebelum mulai)/);
      // The steps and the check's question arrive as one message: its Markdown renders too.
      const last = page.locator('.webchat__bubble').filter({ hasText: 'Apakah masalahnya sudah teratasi?' }).last();
      await last.scrollIntoViewIfNeeded();
      expect(await last.locator('strong, ol').count()).toBeGreaterThan(0);
      expect(await last.innerText()).not.toContain('**');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'playground-webchat-procedure.png') });
      await check.click();
      await page
        .getByText(/Syukurlah, senang bisa membantu/)
        .last()
        .waitFor({ state: 'visible', timeout: 20_000 });
      expect(errors).toEqual([]);
      await page.close();
    },
    T,
  );
});
