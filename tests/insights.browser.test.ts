/**
 * The supervisors' insights page in Debian's chromium (playwright-core), against the real server with
 * a month of synthetic history plus conversations typed in the web chat page, one with an NPWP and a
 * password. An agent who is not a supervisor is refused; the supervisor sees the charts, a table
 * under each, downloads a CSV of the same figures, and adds an unanswered cluster as examples with one
 * click. Nothing but masked text reaches the page. Screenshots at desktop width and at 390×844 go to
 * test-artifacts/ (like the other browser tests). Needs /usr/bin/chromium: fails without it.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './helpers/browser.js';
import { startBot, type TestBot } from './helpers/harness.js';
import { generate } from './helpers/insights-data.js';

const WAIT = 30_000;
const ARTIFACTS = path.resolve('test-artifacts');
const SARI_KEY = 'kunci-sari-supervisor-1357';
const BUDI_KEY = 'kunci-budi-petugas-2468';
const NPWP = '01.234.567.8-901.000';
const PASSWORD = 'Rahasia#2024';
const SECRET_MESSAGE = `resep rendang padang, npwp saya ${NPWP} dan password: ${PASSWORD}`;
const sha = (k: string) => createHash('sha256').update(k).digest('hex');

describe('insights page in a browser', () => {
  let bot: TestBot;
  let browser: Browser;
  let intentsDir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    intentsDir = mkdtempSync(path.join(os.tmpdir(), 'insights-browser-intents-'));
    cpSync('intents', intentsDir, { recursive: true });
    bot = await startBot({
      STORAGE: 'sqlite',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'insights-browser-data-')),
      INTENTS_DIR: intentsDir,
      AGENTS: `sari:Sari Wulandari:${sha(SARI_KEY)}:supervisor,budi:Budi Santoso:${sha(BUDI_KEY)}`,
      RATE_LIMIT_MESSAGES: '1000',
      LOG_LEVEL: 'warn',
    });
    await generate(bot.app.store, { conversations: 1500, days: 30, end: Date.now() - 3_600_000, seed: 3 });
    browser = await launchChromium('insights');
  }, 90_000);
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

  async function chat(text: string): Promise<void> {
    const page = await browser.context.newPage();
    watch(page, 'chat');
    await page.goto(`${bot.url}/`);
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.waitFor({ state: 'visible', timeout: WAIT });
    await page
      .locator('.webchat__bubble')
      .filter({ hasText: /selamat datang/i })
      .first()
      .waitFor({ state: 'visible', timeout: WAIT });
    await box.fill(text);
    await box.press('Enter');
    await page
      .locator('.webchat__bubble:not(.webchat__bubble--from-user)')
      .filter({ hasText: /belum memahami|tidak dapat|cakupan|Kring Pajak/i })
      .first()
      .waitFor({ state: 'visible', timeout: WAIT });
    await page.close();
  }

  async function signIn(page: Page, id: string, key: string): Promise<void> {
    await page.getByLabel('Agent ID').fill(id);
    await page.getByLabel('Kunci', { exact: true }).fill(key);
    await page.getByLabel('Kunci', { exact: true }).press('Enter');
  }

  it('shows supervisors the figures with charts, tables, CSV and one-click examples; only masked text', async () => {
    // A user types an NPWP and a password (twice, in two conversations) and asks what the bot does not know.
    await chat(SECRET_MESSAGE);
    await chat(SECRET_MESSAGE);
    await chat('cara cetak ulang faktur pajak yang hilang');

    const page = await browser.context.newPage();
    watch(page, 'insights');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${bot.url}/agent/insights`);
    await page.getByRole('heading', { name: 'Masuk sebagai supervisor' }).waitFor({ state: 'visible', timeout: WAIT });
    // An agent who is not a supervisor: refused, and the API says 403.
    await signIn(page, 'budi', BUDI_KEY);
    await page.getByRole('heading', { name: 'Akses terbatas' }).waitFor({ state: 'visible', timeout: WAIT });
    expect(await page.evaluate(() => fetch('/agent/api/insights').then((r) => r.status))).toBe(403);
    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.getByLabel('Agent ID').waitFor({ state: 'visible', timeout: WAIT });

    await signIn(page, 'sari', SARI_KEY);
    await page.locator('#agent-name').filter({ hasText: 'Sari Wulandari' }).waitFor({ state: 'visible', timeout: WAIT });
    await page.locator('#kpis .kpi').first().waitFor({ state: 'visible', timeout: WAIT });
    expect(await page.locator('#kpis dt').allInnerTexts()).toEqual([
      'Percakapan',
      'Selesai tanpa petugas',
      'Dikonfirmasi teratasi',
      'Dialihkan ke petugas',
      'Pesan tidak dipahami',
    ]);
    // Every figure: a chart (a labelled image for assistive technology) with a captioned table under it.
    for (const id of ['sec-containment', 'sec-handoff', 'sec-procedures', 'sec-fallback', 'sec-unanswered']) {
      const section = page.locator(`#${id}`);
      await section.locator('.chart canvas').first().waitFor({ state: 'attached', timeout: WAIT });
      expect(await section.locator('.chart').getAttribute('role')).toBe('img');
      expect(await section.locator('table.data caption').count()).toBeGreaterThanOrEqual(1);
      expect(await section.locator('table.data thead th[scope="col"]').count()).toBeGreaterThanOrEqual(2);
    }
    expect(await page.locator('#sec-handoff table.data thead').innerText()).toContain('Atas permintaan pengguna');
    expect(await page.locator('#sec-procedures').innerText()).toContain('Reset melalui menu "Reset Aplikasi Client" di e-Nofa');

    // Masked text only: in the page and in what the page reads.
    const api = await page.evaluate(() => fetch('/agent/api/insights').then((r) => r.text()));
    const html = await page.content();
    expect(html).toContain('[NPWP]');
    for (const text of [html, api]) for (const secret of [NPWP, '012345678901000', PASSWORD]) expect(text).not.toContain(secret);

    // The CSV is the table's figures.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#sec-containment button.csv').first().click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('Periode,Percakapan,Selesai tanpa petugas,% selesai tanpa petugas,Dikonfirmasi teratasi');
    const firstRow = (await page.locator('#sec-containment table.data tbody tr').first().locator('th, td').allInnerTexts())
      .slice(1)
      .map((c) => c.replace(/\./g, '').replace('%', '').replace(',', '.'));
    expect(csv[1]!.split(',').slice(1)).toEqual(firstRow);
    expect(csv.at(-1)).toMatch(/^Seluruh periode,/);
    expect(csv.length).toBe((await page.locator('#sec-containment table.data tbody tr').count()) + 2);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-desktop.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-desktop-full.png'), fullPage: true });

    // One click adds the "cetak ulang" cluster to an intent; it is recorded with the supervisor.
    const cluster = page.locator('#clusters li.cluster').filter({ hasText: 'cetak ulang faktur pajak' }).first();
    await cluster.locator('select').selectOption('kode-error-lain');
    const button = cluster.getByRole('button', { name: /Tambahkan sebagai contoh ke/ });
    expect(await button.innerText()).toContain('Kode error e-Faktur lainnya');
    const file = path.join(intentsDir, 'kode-error-lain.yaml');
    const before = readFileSync(file, 'utf8');
    await button.click();
    await page
      .locator('#accept-status')
      .filter({ hasText: /contoh telah ditambahkan ke/ })
      .waitFor({ state: 'visible', timeout: WAIT });
    await page
      .locator('#clusters li.cluster')
      .filter({ hasText: 'cetak ulang faktur pajak' })
      .first()
      .locator('.accepted')
      .filter({ hasText: /oleh Sari Wulandari pada/ })
      .waitFor({ state: 'visible', timeout: WAIT });
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(before.length);
    expect(readFileSync(file, 'utf8')).toContain('cara cetak ulang faktur pajak yang hilang');

    // A period per week.
    await page.getByLabel('Tampilkan per').selectOption('week');
    await page.getByRole('button', { name: 'Tampilkan', exact: true }).click();
    await page
      .locator('#period-status')
      .filter({ hasText: /per minggu/ })
      .waitFor({ state: 'visible', timeout: WAIT });
    expect(await page.locator('#sec-containment table.data tbody tr').count()).toBeLessThanOrEqual(6);
    await page.getByLabel('Tampilkan per').selectOption('day');
    await page.getByRole('button', { name: 'Tampilkan', exact: true }).click();
    await page
      .locator('#period-status')
      .filter({ hasText: /per hari/ })
      .waitFor({ state: 'visible', timeout: WAIT });

    // Phone width: no horizontal scrolling, charts fit.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(400); // the charts follow their boxes' new width
    const widths = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      charts: Array.from(document.querySelectorAll('.chart canvas')).map((c) => c.getBoundingClientRect().right),
    }));
    expect(widths.inner).toBe(390);
    expect(widths.doc).toBeLessThanOrEqual(390);
    for (const right of widths.charts) expect(right).toBeLessThanOrEqual(390);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-phone.png') });
    await page.locator('#sec-unanswered').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-phone-clusters.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-phone-full.png'), fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
