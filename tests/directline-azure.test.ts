/**
 * Which Direct Line the chat page uses: Azure's (the secret exchanged for a token against a fake
 * Direct Line service, never revealed), the built-in one, or none when the bot has a MicrosoftAppId.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from './helpers/harness.js';

const T = 30_000;

describe('Azure Direct Line mode and page configuration', () => {
  const SECRET = 'azure-direct-line-secret-XYZ-0123456789';
  let fake: http.Server;
  let fakeUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
  const calls: Array<{ url: string; auth: string; body: any }> = [];
  let failNext = false;

  beforeAll(async () => {
    fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls.push({ url: req.url ?? '', auth: String(req.headers.authorization ?? ''), body: body ? JSON.parse(body) : undefined });
        if (failNext) {
          failNext = false;
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":{"code":"ServiceError"}}');
          return;
        }
        if (req.method === 'POST' && req.url === '/v3/directline/tokens/generate' && req.headers.authorization === `Bearer ${SECRET}`) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ conversationId: 'AzureConv123', token: 'azure.token.value', expires_in: 3600 }));
          return;
        }
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"Forbidden"}}');
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v3/directline`;
  });
  afterAll(async () => {
    fake.closeAllConnections();
    await new Promise<void>((r) => fake.close(() => r()));
  });

  it(
    'exchanges the secret for a token and never reveals the secret',
    async () => {
      const bot = await startBot({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_ENDPOINT: fakeUrl, LOG_LEVEL: 'silent' });
      try {
        const cfg = await (await fetch(`${bot.url}/api/webchat/config`)).json();
        expect(cfg).toEqual({ mode: 'azure' });
        const res = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
        const raw = await res.text();
        expect(res.status).toBe(200);
        expect(raw).not.toContain(SECRET);
        expect(JSON.parse(raw)).toEqual({ token: 'azure.token.value', conversationId: 'AzureConv123', expires_in: 3600, domain: fakeUrl });
        const call = calls.at(-1)!;
        expect(call.url).toBe('/v3/directline/tokens/generate');
        expect(call.auth).toBe(`Bearer ${SECRET}`);
        expect(call.body.user.id).toMatch(/^dl_[A-Za-z0-9_-]+$/);
        // The page may talk to the Direct Line service.
        const page = await fetch(`${bot.url}/`);
        expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${new URL(fakeUrl).origin} ws://${new URL(fakeUrl).host}`);
        // The service failing is a 502 with a reason, not a crash.
        failNext = true;
        const bad = await fetch(`${bot.url}/api/directline/token`, { method: 'POST' });
        expect(bad.status).toBe(502);
        expect(((await bad.json()) as { error: string }).error).toMatch(/token/);
      } finally {
        await bot.stop();
      }
    },
    T,
  );

  it(
    'built-in mode: config says builtin and the Azure route is not available',
    async () => {
      const bot = await startBot({ LOG_LEVEL: 'silent' });
      try {
        expect(await (await fetch(`${bot.url}/api/webchat/config`)).json()).toEqual({ mode: 'builtin' });
        expect((await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).status).toBe(404);
        const page = await fetch(`${bot.url}/`);
        expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");
      } finally {
        await bot.stop();
      }
    },
    T,
  );

  it(
    'with MicrosoftAppId the built-in Direct Line is disabled',
    async () => {
      const bot = await startBot({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'x', LOG_LEVEL: 'silent' });
      try {
        expect(await (await fetch(`${bot.url}/api/webchat/config`)).json()).toEqual({ mode: 'unavailable' });
        expect((await fetch(`${bot.url}/v3/directline/tokens/generate`, { method: 'POST' })).status).toBe(404);
      } finally {
        await bot.stop();
      }
    },
    T,
  );
});
