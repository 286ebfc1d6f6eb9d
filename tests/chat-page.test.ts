/**
 * The chat page and its static files on the real server: types, caching headers, the Web Chat
 * bundle, no directory listing and no path traversal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type TestBot } from './helpers/harness.js';

const T = 30_000;

describe('chat page and static files', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'silent' });
  }, T);
  afterAll(async () => bot?.stop());

  it(
    'serves the page, its assets and the Web Chat bundle with types and caching headers',
    async () => {
      const page = await fetch(`${bot.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const html = await page.text();
      expect(html).toContain('<html lang="id">');
      expect(html).toContain('<title>Asisten e-Faktur — Layanan Bantuan</title>');
      expect(html).toContain('Jangan pernah mengetik password, passphrase, atau kode aktivasi di percakapan ini. Petugas tidak akan pernah memintanya.');
      expect(html).toContain('<noscript>');
      expect(html).not.toMatch(/<script>(?!<)/); // no inline scripts (CSP: script-src 'self')

      const js = await fetch(`${bot.url}/static/chat.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await js.text()).toContain("locale: 'id-ID'");
      const css = await fetch(`${bot.url}/static/chat.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      const etag = css.headers.get('etag')!;
      expect(etag).toBeTruthy();
      const again = await fetch(`${bot.url}/static/chat.css`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);

      const wc = await fetch(`${bot.url}/static/webchat.js`);
      expect(wc.status).toBe(200);
      expect(wc.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(wc.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(wc.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and decodes it
      expect((await wc.text()).length).toBeGreaterThan(1_000_000);
    },
    T,
  );

  it(
    'has no directory listing and no path traversal',
    async () => {
      for (const p of [
        '/static/',
        '/static',
        '/static/../package.json',
        '/static/%2e%2e/package.json',
        '/static/..%2fpackage.json',
        '/static/index.html',
        '/src/web/public/chat.js',
        '/static/chat.js/..',
      ]) {
        const r = await fetch(`${bot.url}${p}`);
        const text = await r.text();
        expect(r.status, p).toBeGreaterThanOrEqual(400);
        expect(text).not.toContain('"name": "efaktur-helpdesk-bot"');
      }
    },
    T,
  );
});
