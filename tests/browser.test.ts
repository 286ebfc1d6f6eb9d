/**
 * The chat page in a real browser (Debian's chromium through playwright-core): Web Chat talks to the
 * built-in Direct Line of the real server, which relays to the bot over /api/messages.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`, or `npm test`, whose pretest installs it).
 * Without it these tests FAIL on purpose: a silently skipped browser test proves nothing.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, type Browser } from './helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelTo } from './helpers/content.js';
import { startBot, type TestBot } from './helpers/harness.js';

// Callbacks passed to page.evaluate run in the browser; the project's tsconfig has no DOM lib, so the
// page's globals are declared here (module scope only).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's DOM, untyped here
declare const document: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's window, untyped here
declare const window: any;

const T = 90_000;
const WAIT = 45_000;
const ARTIFACTS = path.resolve('test-artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'webchat-conversation.png');
const SECURITY_NOTE = 'Jangan pernah mengetik password, passphrase, atau kode aktivasi di percakapan ini. Petugas tidak akan pernah memintanya.';
/** Web Chat's suggested-actions toolbar label in id-ID (checked in the DOM: aria-label="Tindakan yang disarankan"). */
const SUGGESTED = /tindakan yang disarankan|suggested actions/i;

/** Decodes an 8-bit, non-interlaced RGB/RGBA PNG (what Chromium writes) into pixels. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      const colorType = data[9];
      expect(bitDepth).toBe(8);
      expect(data[12]).toBe(0); // not interlaced
      channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

describe('web chat in a browser', () => {
  let bot: TestBot;
  let context: BrowserContext;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'warn' });
    browser = await launchChromium('webchat');
    context = browser.context;
  }, T);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  const problems: string[] = [];

  async function openChat(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await context.newPage();
    if (viewport) await page.setViewportSize(viewport);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
      // A reply whose replyToId Web Chat never saw is held back 5 s: the Direct Line must not send such ids.
      if (/Timed out while waiting for activity/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${bot.url}/`);
    await bubble(page, /selamat datang di layanan bantuan e-Faktur/i).waitFor({ state: 'visible', timeout: WAIT });
    return page;
  }

  /** A message bubble with this text (Web Chat renders each message more than once: use the first). */
  const bubble = (page: Page, text: RegExp | string) => page.locator('.webchat__bubble').filter({ hasText: text }).first();

  const suggested = (page: Page, name: string) => page.getByRole('toolbar', { name: SUGGESTED }).getByRole('button', { name, exact: true });

  async function send(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.click();
    await box.fill(text);
    await box.press('Enter');
  }

  it('has Debian chromium', () => {
    expect(existsSync(CHROMIUM), `missing ${CHROMIUM}: sudo apt-get install -y chromium`).toBe(true);
  });

  it(
    'loads the page: title, language, security note, welcome; the send box has the focus',
    async () => {
      const page = await openChat();
      expect(await page.title()).toBe('Asisten e-Faktur — Layanan Bantuan');
      expect(await page.getAttribute('html', 'lang')).toBe('id');
      await page.getByRole('heading', { name: 'Asisten e-Faktur — Layanan Bantuan' }).waitFor({ state: 'visible' });
      await page.getByText(SECURITY_NOTE).waitFor({ state: 'visible' });
      // The welcome mentions the topics; the menu follows with suggested actions.
      await page.getByRole('toolbar', { name: SUGGESTED }).waitFor({ state: 'visible', timeout: WAIT });
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-id') === 'webchat-sendbox-input', undefined, { timeout: WAIT });
      expect(await page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder')).toBeTruthy();
      await page.close();
    },
    T,
  );

  it(
    'answers a slang question and walks a multi-turn flow to its end with suggested actions',
    async () => {
      const page = await openChat();
      await send(page, 'efak sy statusnya blm registrasi trs min');
      // reset-aplikasi first asks which cause fits.
      await bubble(page, /Mana yang paling sesuai dengan kondisi Anda/).waitFor({ state: 'visible', timeout: WAIT });
      await suggested(page, labelTo('reset-aplikasi/penyebab', 'reset-prosedur')).click({ timeout: WAIT });
      await bubble(page, /Cara reset aplikasi client e-Faktur desktop/).waitFor({ state: 'visible', timeout: WAIT });
      await bubble(page, /Reset Aplikasi Client/).waitFor({ state: 'visible', timeout: WAIT }); // the steps, in their own bubble
      await bubble(page, 'Apakah masalahnya sudah teratasi?').waitFor({ state: 'visible', timeout: WAIT });
      await suggested(page, 'Sudah teratasi').click({ timeout: WAIT });
      await bubble(page, /Syukurlah, senang bisa membantu/).waitFor({ state: 'visible', timeout: WAIT });
      // The chosen action was sent as the user's message.
      await page.locator('.webchat__bubble--from-user').filter({ hasText: 'Sudah teratasi' }).first().waitFor({ state: 'visible' });
      // No suggested actions are left once the flow ended.
      await page.waitForFunction(() => !document.querySelector('[role="toolbar"] button'), undefined, { timeout: WAIT });

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.waitForTimeout(500); // let the last bubble finish its layout
      await page.screenshot({ path: SCREENSHOT });
      const png = readFileSync(SCREENSHOT);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(10 * 1024);
      const { width, height, channels, pixels } = decodePng(png);
      expect(width).toBe(1000);
      expect(height).toBe(900);
      // Not blank: many colours, and a good share of the pixels is not the background.
      const colours = new Set<number>();
      let nonWhite = 0;
      const count = width * height;
      for (let i = 0; i < count; i += 7) {
        const r = pixels[i * channels]!;
        const g = pixels[i * channels + 1]!;
        const b = pixels[i * channels + 2]!;
        colours.add((r << 16) | (g << 8) | b);
        if (r < 235 || g < 235 || b < 235) nonWhite += 1;
      }
      expect(colours.size).toBeGreaterThan(50);
      expect(nonWhite / (count / 7)).toBeGreaterThan(0.05);
      // The header is the accent colour #1565C0 (21, 101, 192).
      const at = (x: number, y: number) => [...pixels.subarray((y * width + x) * channels, (y * width + x) * channels + 3)];
      expect(at(width - 5, 5)).toEqual([21, 101, 192]);
      await page.close();
    },
    T,
  );

  it(
    'renders the contacts Adaptive Card with a reference when asking for a person',
    async () => {
      const page = await openChat();
      await send(page, 'saya mau bicara dengan petugas');
      const card = page
        .locator('.ac-adaptiveCard')
        .filter({ hasText: /KP-[2-9A-HJKMNP-Z]{6}/ })
        .first();
      await card.waitFor({ state: 'visible', timeout: WAIT });
      const text = await card.innerText();
      expect(text).toMatch(/Nomor referensi: KP-[2-9A-HJKMNP-Z]{6}/);
      expect(text).toContain('1500200');
      expect(text).toMatch(/Kring Pajak/);
      await page.close();
    },
    T,
  );

  it(
    'fits a 360 px wide screen without horizontal scrolling',
    async () => {
      const page = await openChat({ width: 360, height: 740 });
      await send(page, 'efak sy statusnya blm registrasi trs min');
      await bubble(page, /Mana yang paling sesuai dengan kondisi Anda/).waitFor({ state: 'visible', timeout: WAIT });
      await page.getByRole('toolbar', { name: SUGGESTED }).getByRole('button').first().waitFor({ state: 'visible', timeout: WAIT });
      const sizes = await page.evaluate(() => {
        const doc = document.documentElement;
        const scroller = document.querySelector('.webchat__basic-transcript__scrollable');
        const toolbar = document.querySelector('[role="toolbar"]');
        return {
          docScroll: doc.scrollWidth,
          docClient: doc.clientWidth,
          bodyScroll: document.body.scrollWidth,
          transcriptScroll: scroller?.scrollWidth ?? 0,
          transcriptClient: scroller?.clientWidth ?? 0,
          toolbarRight: toolbar?.getBoundingClientRect().right ?? 0,
          innerWidth: window.innerWidth,
        };
      });
      expect(sizes.innerWidth).toBe(360);
      expect(sizes.docScroll).toBeLessThanOrEqual(sizes.docClient);
      expect(sizes.bodyScroll).toBeLessThanOrEqual(360);
      expect(sizes.transcriptClient).toBeGreaterThan(0);
      expect(sizes.transcriptScroll).toBeLessThanOrEqual(sizes.transcriptClient);
      expect(sizes.toolbarRight).toBeLessThanOrEqual(360);
      // With the flow layout, several choices are visible at once.
      const visible = await page
        .getByRole('toolbar', { name: SUGGESTED })
        .getByRole('button')
        .evaluateAll(
          (els) =>
            els.filter((e) => {
              const r = e.getBoundingClientRect();
              return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
            }).length,
        );
      expect(visible).toBeGreaterThanOrEqual(3);
      await page.close();
    },
    T,
  );

  it(
    'is usable with the keyboard alone: Tab reaches the send box, Enter sends',
    async () => {
      const page = await openChat();
      // Start from the top of the page, away from the send box.
      await page.evaluate(() => document.activeElement?.blur());
      let reached = false;
      for (let i = 0; i < 25 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.getAttribute('data-id') === 'webchat-sendbox-input');
      }
      expect(reached, 'the send box is reachable with Tab').toBe(true);
      await page.keyboard.type('lupa pw');
      await page.keyboard.press('Enter');
      await bubble(page, /Password mana yang Anda lupa/).waitFor({ state: 'visible', timeout: WAIT });
      // Suggested actions are buttons, reachable and operable from the keyboard too.
      const first = page.getByRole('toolbar', { name: SUGGESTED }).getByRole('button').first();
      await first.focus();
      await page.keyboard.press('Enter');
      await page.locator('.webchat__bubble--from-user').nth(1).waitFor({ state: 'visible', timeout: WAIT });
      await page.close();
    },
    T,
  );

  it(
    'at phone width (390×844) a procedure starts on screen at its title, and a hand-off shows the contacts once',
    async () => {
      const page = await openChat({ width: 390, height: 844 });
      await send(page, 'efaktur sy blm registrasi, pc kena virus');
      await bubble(page, 'Apakah masalahnya sudah teratasi?').waitFor({ state: 'visible', timeout: WAIT });
      // The procedure's first bubble (its title) and its steps are separate bubbles, each shorter than a phone screen.
      await bubble(page, /Cara reset aplikasi client e-Faktur desktop/).waitFor({ state: 'visible', timeout: WAIT });
      const heights = await page
        .locator('.webchat__bubble--from-bot .webchat__bubble__content')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      expect(Math.max(...heights)).toBeLessThan(844 * 2);
      // Web Chat sticks to the bottom by default, which on a phone hides the title and the first steps under
      // the check's buttons. The reply must be read from its start: the title's top is inside the visible
      // part of the transcript once the replies have settled.
      await page.waitForTimeout(1_000);
      const placement = await page.evaluate(() => {
        const scroller = document.querySelector('.webchat__basic-transcript__scrollable');
        const titles = [...document.querySelectorAll('.webchat__bubble')].filter((e: { textContent: string }) =>
          /Cara reset aplikasi client e-Faktur desktop/.test(e.textContent),
        );
        const box = scroller.getBoundingClientRect();
        const title = titles[titles.length - 1].getBoundingClientRect();
        return { top: title.top, viewTop: box.top, viewBottom: box.bottom };
      });
      expect(placement.top, 'the procedure title is not scrolled above the transcript').toBeGreaterThanOrEqual(placement.viewTop - 1);
      expect(placement.top, 'the procedure title is not below the visible transcript').toBeLessThan(placement.viewBottom - 40);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'phone-procedure.png') });
      await send(page, 'udah capek, tolong sambungkan ke petugas');
      await bubble(page, /KP-[2-9A-HJKMNP-Z]{6}/).waitFor({ state: 'visible', timeout: WAIT });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(ARTIFACTS, 'phone-handoff.png') });
      // The contacts appear once (the card), not as text and card.
      expect(await page.locator('.webchat__bubble--from-bot').filter({ hasText: '@kring_pajak' }).count()).toBeLessThanOrEqual(1);
      await page.close();
    },
    T,
  );

  it('ran without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
