/**
 * The one static-file server of the pages (src/web/static-files.ts) on a real restify server, and the
 * console pages' bundles built on demand (src/web/console/ui-bundle.ts) with the real esbuild, both on
 * temporary folders: types, no-cache, ETag and 304, gzip, HEAD, a file changed on disk, a page sent
 * with another status, a missing file; a bundle built when missing, kept while its sources are the
 * same, rebuilt when one changes, an error when they do not build, served as it is without sources.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiBundler } from '../src/web/console/ui-bundle.js';
import { serveStaticFiles } from '../src/web/static-files.js';

describe('static files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'static-files-'));
  const page = path.join(dir, 'page.html');
  const css = path.join(dir, 'small.css');
  const later = path.join(dir, 'later.js');
  let server: restify.Server;
  let base: string;

  beforeAll(async () => {
    writeFileSync(page, `<!doctype html><p>${'halo '.repeat(400)}</p>`);
    writeFileSync(css, 'p { color: red }');
    server = restify.createServer();
    serveStaticFiles(server, {
      '/page': { file: () => page, headers: () => ({ 'X-Frame-Options': 'DENY' }) },
      '/refused': { file: () => page, status: async () => 403 },
      '/small.css': { file: async () => css, cache: 'public, max-age=60' },
      '/later.js': { file: () => later },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a file with its type, cache policy, ETag and headers; gzip when asked; 304 when unchanged; HEAD without a body', async () => {
    const r = await fetch(`${base}/page`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('vary')).toBe('Accept-Encoding');
    expect(r.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and decodes it
    expect(await r.text()).toContain('halo halo');
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect((await fetch(`${base}/page`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await fetch(`${base}/page`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');

    const small = await fetch(`${base}/small.css`);
    expect(small.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(small.headers.get('cache-control')).toBe('public, max-age=60');
    expect(small.headers.get('content-encoding')).toBeNull(); // too small to be worth it
    expect(await small.text()).toBe('p { color: red }');
  });

  it('reads a file again when it changed on disk (new ETag, new body)', async () => {
    const before = await fetch(`${base}/small.css`);
    const etag = before.headers.get('etag')!;
    writeFileSync(css, 'p { color: blue; margin: 0 }');
    const after = await fetch(`${base}/small.css`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toBe('p { color: blue; margin: 0 }');
  });

  it('sends a page with the status it is given, never as a 304', async () => {
    const etag = (await fetch(`${base}/page`)).headers.get('etag')!;
    const r = await fetch(`${base}/refused`, { headers: { 'if-none-match': etag } });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('halo');
  });

  it('answers a missing file with 500 and the asset-unavailable code, and serves it once it exists', async () => {
    const missing = await fetch(`${base}/later.js`);
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({ code: 'asset-unavailable', error: expect.stringContaining('/later.js') });
    writeFileSync(later, 'console.log(1);');
    const found = await fetch(`${base}/later.js`);
    expect(found.status).toBe(200);
    expect(found.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves only the listed routes', async () => {
    for (const p of ['/', '/page.html', '/small.css/..', `/${path.basename(dir)}/page.html`])
      expect((await fetch(`${base}${p}`)).status, p).toBeGreaterThanOrEqual(400);
  });
});

describe('console page bundles (esbuild, on demand)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ui-bundle-'));
  const src = path.join(root, 'console-ui', 'agent');
  const write = (file: string, text: string) => writeFileSync(path.join(src, file), text);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds a missing bundle, keeps it while the sources are the same, rebuilds it when one changes', async () => {
    mkdirSync(src, { recursive: true });
    write('words.js', "export default Object.freeze({ hello: 'Selamat pagi' });\n");
    write('main.ts', "import words from './words.js';\nconst say = (w: string): void => void (document.title = w);\nsay(words.hello);\n");
    const bundler = uiBundler(root);
    const file = await bundler.bundle('agent');
    expect(file).toBe(path.join(root, 'dist', 'console-ui', 'agent.js'));
    const first = readFileSync(file, 'utf8');
    expect(first).toContain('"Selamat pagi"');
    expect(first).not.toContain(': string'); // TypeScript compiled away
    const builtAt = statSync(file).mtimeMs;

    await new Promise((r) => setTimeout(r, 20));
    await uiBundler(root).bundle('agent'); // another process with the same sources
    expect(statSync(file).mtimeMs).toBe(builtAt);

    write('words.js', "export default Object.freeze({ hello: 'Selamat siang' });\n");
    await bundler.bundle('agent');
    expect(readFileSync(file, 'utf8')).toContain('"Selamat siang"');
  });

  it('fails with esbuild’s message when the sources do not build; without sources an existing bundle is served', async () => {
    write('main.ts', 'const broken = ;\n');
    await expect(uiBundler(root).bundle('agent')).rejects.toThrow(/main\.ts/);
    renameSync(path.join(root, 'console-ui'), path.join(root, 'console-ui-gone'));
    const file = await uiBundler(root).bundle('agent');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('"Selamat siang"');
  });
});
