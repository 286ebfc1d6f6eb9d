/**
 * The built-in Direct Line (src/web/directline.ts), the Azure token exchange and the page's static
 * routes, driven over HTTP against the real server (`startBot`): activities travel page → Direct Line
 * → the bot's /api/messages → CloudAdapter → the bot → serviceUrl → Direct Line → page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { CHANNEL_PREFIX, isLocalRequest, signToken } from '../src/web/directline.js';
import { registerWebChat } from '../src/web/routes.js';
import { startBot, type TestBot } from './helpers/harness.js';

const TOKEN_SECRET = 'test-direct-line-token-secret-0123456789';
const T = 30_000;

interface DlActivity {
  type: string;
  id: string;
  text?: string;
  timestamp?: string;
  replyToId?: string;
  from: { id: string; role?: string; name?: string };
  conversation: { id: string };
  suggestedActions?: { actions: Array<{ title: string; value: string; type: string }> };
  attachments?: Array<{ contentType: string; content?: unknown }>;
  channelData?: Record<string, unknown>;
  serviceUrl?: string;
}

interface Session {
  conversationId: string;
  token: string;
  userId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function userOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { user: string }).user;
}

class Client {
  constructor(readonly base: string) {}

  async req(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async start(): Promise<Session> {
    const g = await this.req('POST', '/v3/directline/tokens/generate');
    expect(g.status).toBe(200);
    const c = await this.req('POST', '/v3/directline/conversations', g.body.token, { user: { id: 'ignored' }, locale: 'id-ID' });
    expect(c.status).toBe(201);
    expect(c.body.conversationId).toBe(g.body.conversationId);
    expect(typeof c.body.token).toBe('string');
    expect(c.body.expires_in).toBeGreaterThan(60);
    return { conversationId: c.body.conversationId, token: c.body.token, userId: userOf(c.body.token) };
  }

  async activities(s: Session, watermark = ''): Promise<{ activities: DlActivity[]; watermark: string }> {
    const r = await this.req('GET', `/v3/directline/conversations/${s.conversationId}/activities?watermark=${watermark}`, s.token);
    expect(r.status).toBe(200);
    return r.body;
  }

  post(s: Session, activity: unknown, token = s.token) {
    return this.req('POST', `/v3/directline/conversations/${s.conversationId}/activities`, token, activity);
  }

  /** Polls (like DirectLineJS) until `until` holds for the activities after `watermark`. */
  async pollUntil(s: Session, watermark: string, until: (all: DlActivity[]) => boolean, what: string) {
    const seen: DlActivity[] = [];
    let wm = watermark;
    const marks: number[] = [];
    await waitFor(async () => {
      const r = await this.activities(s, wm);
      seen.push(...r.activities);
      if (r.activities.length) marks.push(Number(r.watermark));
      wm = r.watermark;
      return until(seen) ? true : undefined;
    }, what);
    return { activities: seen, watermark: wm, marks };
  }
}

const botMessages = (all: DlActivity[]) => all.filter((a) => a.type === 'message' && a.from.role === 'bot');

describe('built-in Direct Line', () => {
  let bot: TestBot;
  let dl: Client;
  let first: Session;

  beforeAll(async () => {
    bot = await startBot({ DIRECT_LINE_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'warn' });
    dl = new Client(bot.url);
  }, T);
  afterAll(async () => bot?.stop());

  it('starts a conversation: the bot gets conversationUpdate and its welcome arrives via GET activities', async () => {
    first = await dl.start();
    expect(first.userId).toMatch(/^dl_/);
    const { activities, watermark } = await dl.pollUntil(first, '', (all) => botMessages(all).some((a) => /selamat datang/i.test(a.text ?? '')), 'welcome');
    const welcome = botMessages(activities)[0]!;
    expect(welcome.text).toMatch(/layanan bantuan e-Faktur/);
    expect(welcome.conversation.id).toBe(first.conversationId);
    expect(welcome.id).toMatch(new RegExp(`^${first.conversationId}\\|\\d+$`));
    expect(welcome.timestamp).toBeTruthy();
    expect(welcome.serviceUrl).toBeUndefined();
    // Nothing the page has seen is replied to: a dangling replyToId makes Web Chat hold the message 5 s.
    expect(welcome.replyToId).toBeUndefined();
    expect(Number(watermark)).toBeGreaterThan(0);
    // Starting again with the same token is idempotent: same conversation, no second welcome.
    const again = await dl.req('POST', '/v3/directline/conversations', first.token, {});
    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(first.conversationId);
    await sleep(300);
    const later = await dl.activities(first, watermark);
    expect(later.activities).toHaveLength(0);
  }, T);

  it('echoes the user activity and delivers the reply with suggested actions, watermarks increasing', async () => {
    const before = await dl.activities(first);
    const posted = await dl.post(first, {
      type: 'message',
      text: 'lupa pw',
      from: { id: 'someone-else', name: 'Budi' },
      locale: 'id-ID',
      channelData: { clientActivityID: 'client-123' },
      serviceUrl: 'http://evil.example/',
    });
    expect(posted.status).toBe(200);
    expect(posted.body.id).toMatch(new RegExp(`^${first.conversationId}\\|`));
    const { activities, marks } = await dl.pollUntil(first, before.watermark, (all) => botMessages(all).some((a) => a.suggestedActions), 'reply');
    const echo = activities.find((a) => a.id === posted.body.id)!;
    expect(echo).toBeTruthy();
    expect(echo.text).toBe('lupa pw');
    // The user id comes from the token, never from the page.
    expect(echo.from).toEqual({ id: first.userId, name: 'Budi', role: 'user' });
    expect(echo.channelData).toEqual({ clientActivityID: 'client-123' });
    expect(echo.timestamp).toBeTruthy();
    expect(echo.serviceUrl).toBeUndefined();
    const reply = botMessages(activities).find((a) => a.suggestedActions)!;
    expect(reply.replyToId).toBe(echo.id);
    expect(reply.text).toMatch(/password/i);
    expect(reply.suggestedActions!.actions.map((a) => a.title)).toEqual(expect.arrayContaining([expect.stringMatching(/e-Faktur desktop/)]));
    // Ids and watermarks only grow.
    const seqs = activities.map((a) => Number(a.id.split('|')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]!).toBeGreaterThan(Number(before.watermark));
    for (let i = 1; i < marks.length; i++) expect(marks[i]!).toBeGreaterThan(marks[i - 1]!);
    // Choosing a suggested action advances the flow.
    const choice = reply.suggestedActions!.actions[0]!;
    const wm = String(Math.max(...seqs));
    const p2 = await dl.post(first, { type: 'message', text: choice.value });
    expect(p2.status).toBe(200);
    const next = await dl.pollUntil(first, wm, (all) => botMessages(all).length > 0, 'next step');
    expect(botMessages(next.activities)[0]!.replyToId).toBe(p2.body.id);
  }, T);

  it("a second conversation's token cannot read or write the first conversation", async () => {
    const second = await dl.start();
    expect(second.conversationId).not.toBe(first.conversationId);
    const before = await dl.activities(first);
    const read = await dl.req('GET', `/v3/directline/conversations/${first.conversationId}/activities?watermark=`, second.token);
    expect(read.status).toBe(403);
    expect(read.body.error.message).toMatch(/not valid for this conversation/);
    const write = await dl.post(first, { type: 'message', text: 'halo' }, second.token);
    expect(write.status).toBe(403);
    const reconnect = await dl.req('GET', `/v3/directline/conversations/${first.conversationId}`, second.token);
    expect(reconnect.status).toBe(403);
    const after = await dl.activities(first);
    expect(after.watermark).toBe(before.watermark);
  }, T);

  it('rejects missing, garbage, forged, tampered and expired tokens', async () => {
    const path = `/v3/directline/conversations/${first.conversationId}/activities?watermark=`;
    const missing = await dl.req('GET', path);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/missing token/);
    const garbage = await dl.req('GET', path, 'not-a-token');
    expect(garbage.status).toBe(403);
    expect(garbage.body.error.message).toMatch(/invalid token/);
    const now = Math.floor(Date.now() / 1000);
    const forged = await signToken('some-other-secret-0123456789', { conv: first.conversationId, user: first.userId, iat: now, exp: now + 600 });
    expect((await dl.req('GET', path, forged)).status).toBe(403);
    const [h, , s] = first.token.split('.');
    const payload = Buffer.from(JSON.stringify({ conv: first.conversationId, user: 'dl_admin', iat: now, exp: now + 99999 })).toString('base64url');
    expect((await dl.req('GET', path, `${h}.${payload}.${s}`)).status).toBe(403);
    const expired = await signToken(TOKEN_SECRET, { conv: first.conversationId, user: first.userId, iat: now - 3600, exp: now - 10 });
    const r = await dl.req('GET', path, expired);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/expired/);
    expect((await dl.req('POST', '/v3/directline/tokens/refresh', expired)).status).toBe(403);
    expect((await dl.req('POST', '/v3/directline/conversations', 'garbage')).status).toBe(403);
    // A valid token signed with the server's secret works (sanity check of the test itself).
    const valid = await signToken(TOKEN_SECRET, { conv: first.conversationId, user: first.userId, iat: now, exp: now + 600 });
    expect((await dl.req('GET', path, valid)).status).toBe(200);
    // Signed with the server's secret but not a token of this channel: another audience, no
    // audience, an issued-at in the future, or "alg: none" with the valid token's claims.
    const key = new TextEncoder().encode(TOKEN_SECRET);
    const claims = { conv: first.conversationId, user: first.userId };
    const made = (aud: string | undefined, iat: number) => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('efaktur-helpdesk-directline').setIssuedAt(iat).setExpirationTime(iat + 600);
      return (aud ? jwt.setAudience(aud) : jwt).sign(key);
    };
    const [, validPayload] = valid.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${validPayload}.`;
    for (const token of [await made('someone-else', now), await made(undefined, now), await made('efaktur-helpdesk-directline:client', now + 3600), unsigned]) {
      const refused = await dl.req('GET', path, token);
      expect(refused.status, token).toBe(403);
      expect(refused.body.error.message).toMatch(/invalid token/);
    }
    expect((await dl.req('GET', path, await made('efaktur-helpdesk-directline:client', now))).status).toBe(200);
  }, T);

  it('rejects bad bodies with a reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['[1,2]', /JSON object/],
      [{ text: 'tanpa tipe' }, /type/],
      [{ type: 42 }, /type/],
      [{ type: 'conversationUpdate' }, /type must be one of/],
      [{ type: 'message', text: 'x'.repeat(10_001) }, /10000 characters/],
      [{ type: 'message', text: 5 }, /text must be a string/],
      [{ type: 'message', attachments: Array.from({ length: 6 }, () => ({ contentType: 'text/plain' })) }, /at most 5 attachments/],
      [{ type: 'message', attachments: 'x' }, /attachments must be an array/],
      [{ type: 'message', channelData: 'x' }, /channelData/],
    ];
    for (const [body, reason] of cases) {
      const r = await dl.post(first, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.body.error.message).toMatch(reason);
    }
    const big = await dl.post(first, { type: 'message', text: 'a', channelData: { pad: 'x'.repeat(300 * 1024) } });
    expect(big.status).toBe(413);
    const notJson = await dl.req('POST', `/v3/directline/conversations/${first.conversationId}/activities`, first.token, 'halo', { 'content-type': 'text/plain' });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    const badWatermark = await dl.req('GET', `/v3/directline/conversations/${first.conversationId}/activities?watermark=abc`, first.token);
    expect(badWatermark.status).toBe(400);
    const upload = await dl.req('POST', `/v3/directline/conversations/${first.conversationId}/upload?userId=x`, first.token, {});
    expect(upload.status).toBe(415);
  }, T);

  it('delivers proactive bot messages (no replyToId), e.g. a live agent writing later', async () => {
    const s = await dl.start();
    const first = await dl.pollUntil(s, '', (all) => botMessages(all).length > 0, 'welcome');
    // 1) The SDK's proactive path, as the hand-off code uses it.
    const reference = {
      channelId: 'webchat',
      serviceUrl: bot.app.webChat()!.directLine!.serviceUrl(),
      conversation: { id: s.conversationId },
      bot: { id: 'efaktur-helpdesk-bot', name: 'Asisten e-Faktur' },
      user: { id: s.userId },
    };
    await bot.app.adapter.continueConversationAsync('', reference as never, async (ctx) => {
      await ctx.sendActivity('Halo, saya petugas helpdesk. Ada yang bisa saya bantu?');
    });
    // 2) A raw POST from this machine without a replyToId, with the channel's hop key (as the bot posts).
    const own = bot.app.webChat()!.directLine!.serviceUrl();
    const raw = await fetch(`${own}v3/conversations/${encodeURIComponent(s.conversationId)}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'Pesan susulan dari petugas', from: { id: 'agent-1', name: 'Petugas' } }),
    });
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { id: string }).id).toMatch(/\|/);
    const got = await dl.pollUntil(s, first.watermark, (all) => all.length >= 2, 'proactive messages');
    expect(got.activities.map((a) => a.text)).toEqual(['Halo, saya petugas helpdesk. Ada yang bisa saya bantu?', 'Pesan susulan dari petugas']);
    expect(got.activities.map((a) => a.replyToId)).toEqual([undefined, undefined]);
    expect(got.activities[1]!.from).toEqual({ id: 'agent-1', name: 'Petugas', role: 'bot' });
    // Unknown conversations are refused.
    const unknown = await fetch(`${own}v3/conversations/no-such-conversation-000/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x' }),
    });
    expect(unknown.status).toBe(404);
  }, T);

  it('a caller on this machine cannot write into a web-chat user\'s conversation or share its state (issue 18, finding 4)', async () => {
    const s = await dl.start();
    const first = await dl.pollUntil(s, '', (all) => botMessages(all).length > 0, 'welcome');
    const phishing = { type: 'message', text: 'Petugas Resmi DJP: kirim password Anda ke http://phish.example', from: { id: 'petugas', name: 'Petugas Resmi DJP' } };
    // The channel side without the hop key, or with a guessed one: 403, nothing reaches the user.
    for (const prefix of [`${bot.url}${CHANNEL_PREFIX}/`, `${bot.url}${CHANNEL_PREFIX}/guessed-key/`]) {
      const r = await fetch(`${prefix}v3/conversations/${encodeURIComponent(s.conversationId)}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(phishing) });
      expect([403, 404], prefix).toContain(r.status);
    }
    // /api/messages naming the web chat's channel (without its key) with the user's conversation id: 403.
    const listener = bot.url.replace('127.0.0.1', 'localhost'); // any other URL on this machine
    for (const serviceUrl of [`${bot.url}${CHANNEL_PREFIX}/`, `${bot.url}${CHANNEL_PREFIX}/guessed-key/`, `${listener}${CHANNEL_PREFIX}/`, 'http://127.0.0.1:9/']) {
      const r = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', id: 'x1', channelId: 'webchat', serviceUrl, from: { id: s.userId }, recipient: { id: 'bot' }, conversation: { id: s.conversationId }, text: 'lupa password' }),
      });
      expect(r.status, serviceUrl).toBe(403);
    }
    const after = await dl.activities(s, first.watermark);
    expect(after.activities.map((a) => a.text ?? '').join('\n')).not.toMatch(/Petugas Resmi DJP|lupa password/);
  }, T);

  it('accepts bot replies only from this machine', () => {
    const req = (remoteAddress: string, localAddress = '127.0.0.1') => ({ socket: { remoteAddress, localAddress } }) as never;
    expect(isLocalRequest(req('127.0.0.1'))).toBe(true);
    expect(isLocalRequest(req('::1', '::1'))).toBe(true);
    expect(isLocalRequest(req('::ffff:127.0.0.1', '::ffff:127.0.0.1'))).toBe(true);
    expect(isLocalRequest(req('10.0.0.5', '10.0.0.5'))).toBe(true); // bound to one interface, calling itself
    expect(isLocalRequest(req('10.0.0.7', '10.0.0.5'))).toBe(false);
    expect(isLocalRequest(req('203.0.113.9', '127.0.0.1'))).toBe(false);
    expect(isLocalRequest(req(''))).toBe(false);
  });

  it('refreshes tokens and reconnects', async () => {
    const s = await dl.start();
    const r = await dl.req('POST', '/v3/directline/tokens/refresh', s.token);
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toBe(s.conversationId);
    expect(r.body.expires_in).toBeGreaterThan(60);
    expect(userOf(r.body.token)).toBe(s.userId);
    const refreshed = { ...s, token: r.body.token as string };
    await dl.pollUntil(refreshed, '', (all) => botMessages(all).length > 0, 'welcome with the refreshed token');
    const rc = await dl.req('GET', `/v3/directline/conversations/${s.conversationId}?watermark=`, refreshed.token);
    expect(rc.status).toBe(200);
    expect(rc.body.conversationId).toBe(s.conversationId);
    expect(typeof rc.body.token).toBe('string');
    // A token for a conversation that was never started: 404 (DirectLineJS: conversation ended).
    const g = await dl.req('POST', '/v3/directline/tokens/generate');
    const ended = await dl.req('GET', `/v3/directline/conversations/${g.body.conversationId}/activities?watermark=`, g.body.token);
    expect(ended.status).toBe(404);
  }, T);
});

describe('built-in Direct Line limits (tiny values)', () => {
  let bot: TestBot;
  let server: restify.Server;
  let dl: Client;
  let webChat: ReturnType<typeof registerWebChat>;

  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'warn' });
    // A second server with only the web chat, tiny limits, relaying to the real bot above.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'memory', LOG_LEVEL: 'silent' });
    server = restify.createServer({ handleUncaughtExceptions: false });
    server.use(restify.plugins.queryParser({ mapParams: false }));
    let base = '';
    webChat = registerWebChat(server, {
      config,
      logger: createLogger('silent'),
      baseUrl: () => base,
      tokenRate: { max: 6, windowMs: 60_000 },
      directLine: {
        botEndpoint: () => `${bot.url}/api/messages`,
        limits: { maxConversations: 2, conversationIdleMs: 1500, maxActivitiesPerConversation: 4 },
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dl = new Client(base);
  }, T);
  afterAll(async () => {
    webChat?.directLine?.close();
    await new Promise<void>((r) => server.close(() => r()));
    await bot?.stop();
  });

  it('keeps at most maxConversations (least recently active evicted) and caps activity lists', async () => {
    const a = await dl.start();
    await dl.pollUntil(a, '', (all) => botMessages(all).length > 0, 'welcome a');
    for (const text of ['halo', 'lupa pw', 'menu']) expect((await dl.post(a, { type: 'message', text })).status).toBe(200);
    const listA = await dl.activities(a);
    expect(listA.activities.length).toBeLessThanOrEqual(4);
    expect(Number(listA.watermark)).toBeGreaterThan(4);
    const b = await dl.start();
    await dl.pollUntil(b, '', (all) => botMessages(all).length > 0, 'welcome b');
    await dl.activities(a); // a is now more recently active than b
    const c = await dl.start();
    expect(webChat.directLine!.size()).toBe(2);
    expect((await dl.req('GET', `/v3/directline/conversations/${b.conversationId}/activities?watermark=`, b.token)).status).toBe(404);
    expect((await dl.req('GET', `/v3/directline/conversations/${a.conversationId}/activities?watermark=`, a.token)).status).toBe(200);
    expect((await dl.req('GET', `/v3/directline/conversations/${c.conversationId}/activities?watermark=`, c.token)).status).toBe(200);
  }, T);

  it('forgets idle conversations', async () => {
    const s = await dl.start();
    await dl.pollUntil(s, '', (all) => botMessages(all).length > 0, 'welcome');
    await sleep(2500);
    const r = await dl.req('GET', `/v3/directline/conversations/${s.conversationId}/activities?watermark=`, s.token);
    expect(r.status).toBe(404);
    expect(webChat.directLine!.size()).toBe(0);
  }, T);

  it('rate-limits token generation per address', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
    let limited: { status: number; headers: Headers; body: any } | undefined;
    for (let i = 0; i < 8 && !limited; i++) {
      const r = await dl.req('POST', '/v3/directline/tokens/generate');
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.body.error.message).toMatch(/too many/);
  }, T);
});

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

  it('exchanges the secret for a token and never reveals the secret', async () => {
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
  }, T);

  it('built-in mode: config says builtin and the Azure route is not available', async () => {
    const bot = await startBot({ LOG_LEVEL: 'silent' });
    try {
      expect(await (await fetch(`${bot.url}/api/webchat/config`)).json()).toEqual({ mode: 'builtin' });
      expect((await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).status).toBe(404);
      const page = await fetch(`${bot.url}/`);
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");
    } finally {
      await bot.stop();
    }
  }, T);

  it('with MicrosoftAppId the built-in Direct Line is disabled', async () => {
    const bot = await startBot({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'x', LOG_LEVEL: 'silent' });
    try {
      expect(await (await fetch(`${bot.url}/api/webchat/config`)).json()).toEqual({ mode: 'unavailable' });
      expect((await fetch(`${bot.url}/v3/directline/tokens/generate`, { method: 'POST' })).status).toBe(404);
    } finally {
      await bot.stop();
    }
  }, T);
});

describe('chat page and static files', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startBot({ LOG_LEVEL: 'silent' });
  }, T);
  afterAll(async () => bot?.stop());

  it('serves the page, its assets and the Web Chat bundle with types and caching headers', async () => {
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
  }, T);

  it('has no directory listing and no path traversal', async () => {
    for (const p of ['/static/', '/static', '/static/../package.json', '/static/%2e%2e/package.json', '/static/..%2fpackage.json', '/static/index.html', '/src/web/public/chat.js', '/static/chat.js/..']) {
      const r = await fetch(`${bot.url}${p}`);
      const text = await r.text();
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(text).not.toContain('"name": "efaktur-helpdesk-bot"');
    }
  }, T);
});
