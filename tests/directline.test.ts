/**
 * The built-in Direct Line (src/web/directline.ts), driven over HTTP against the real server
 * (`startBot`): activities travel page → Direct Line → the bot's /api/messages → CloudAdapter → the
 * bot → serviceUrl → Direct Line → page. Its limits are in tests/directline-limits.test.ts, the Azure
 * token exchange in tests/directline-azure.test.ts and the page's static routes in
 * tests/chat-page.test.ts.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_PREFIX, isLocalRequest, signToken } from '../src/web/directline.js';
import { botMessages, Client, sleep, userOf, type Session } from './helpers/directline-client.js';
import { postForgedMessage, startBot, type TestBot } from './helpers/harness.js';

const TOKEN_SECRET = 'test-direct-line-token-secret-0123456789';
const T = 30_000;

describe('built-in Direct Line', () => {
  let bot: TestBot;
  let dl: Client;
  let first: Session;

  beforeAll(async () => {
    bot = await startBot({ DIRECT_LINE_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'warn' });
    dl = new Client(bot.url);
  }, T);
  afterAll(async () => bot?.stop());

  it(
    'starts a conversation: the bot gets conversationUpdate and its welcome arrives via GET activities',
    async () => {
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
    },
    T,
  );

  it(
    'echoes the user activity and delivers the reply with suggested actions, watermarks increasing',
    async () => {
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
    },
    T,
  );

  it(
    "a second conversation's token cannot read or write the first conversation",
    async () => {
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
    },
    T,
  );

  it(
    'rejects missing, garbage, forged, tampered and expired tokens',
    async () => {
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
        const jwt = new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuer('efaktur-helpdesk-directline')
          .setIssuedAt(iat)
          .setExpirationTime(iat + 600);
        return (aud ? jwt.setAudience(aud) : jwt).sign(key);
      };
      const [, validPayload] = valid.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${validPayload}.`;
      for (const token of [
        await made('someone-else', now),
        await made(undefined, now),
        await made('efaktur-helpdesk-directline:client', now + 3600),
        unsigned,
      ]) {
        const refused = await dl.req('GET', path, token);
        expect(refused.status, token).toBe(403);
        expect(refused.body.error.message).toMatch(/invalid token/);
      }
      expect((await dl.req('GET', path, await made('efaktur-helpdesk-directline:client', now))).status).toBe(200);
    },
    T,
  );

  it(
    'rejects bad bodies with a reason',
    async () => {
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
      const notJson = await dl.req('POST', `/v3/directline/conversations/${first.conversationId}/activities`, first.token, 'halo', {
        'content-type': 'text/plain',
      });
      expect(notJson.status).toBeGreaterThanOrEqual(400);
      expect(notJson.status).toBeLessThan(500);
      const badWatermark = await dl.req('GET', `/v3/directline/conversations/${first.conversationId}/activities?watermark=abc`, first.token);
      expect(badWatermark.status).toBe(400);
      const upload = await dl.req('POST', `/v3/directline/conversations/${first.conversationId}/upload?userId=x`, first.token, {});
      expect(upload.status).toBe(415);
    },
    T,
  );

  it(
    'delivers proactive bot messages (no replyToId), e.g. a live agent writing later',
    async () => {
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
    },
    T,
  );

  it(
    "a caller on this machine cannot write into a web-chat user's conversation or share its state (issue 18, finding 4)",
    async () => {
      const s = await dl.start();
      const first = await dl.pollUntil(s, '', (all) => botMessages(all).length > 0, 'welcome');
      const phishing = {
        type: 'message',
        text: 'Petugas Resmi DJP: kirim password Anda ke http://phish.example',
        from: { id: 'petugas', name: 'Petugas Resmi DJP' },
      };
      // The channel side without the hop key, or with a guessed one: 403, nothing reaches the user.
      for (const prefix of [`${bot.url}${CHANNEL_PREFIX}/`, `${bot.url}${CHANNEL_PREFIX}/guessed-key/`]) {
        const r = await fetch(`${prefix}v3/conversations/${encodeURIComponent(s.conversationId)}/activities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(phishing),
        });
        expect([403, 404], prefix).toContain(r.status);
      }
      // /api/messages naming the web chat's channel (without its key) with the user's conversation id: 403.
      const listener = bot.url.replace('127.0.0.1', 'localhost'); // any other URL on this machine
      for (const serviceUrl of [
        `${bot.url}${CHANNEL_PREFIX}/`,
        `${bot.url}${CHANNEL_PREFIX}/guessed-key/`,
        `${listener}${CHANNEL_PREFIX}/`,
        'http://127.0.0.1:9/',
      ]) {
        const r = await postForgedMessage(bot.url, { serviceUrl, conversationId: s.conversationId, userId: s.userId });
        expect(r.status, serviceUrl).toBe(403);
      }
      const after = await dl.activities(s, first.watermark);
      expect(after.activities.map((a) => a.text ?? '').join('\n')).not.toMatch(/Petugas Resmi DJP|lupa password/);
    },
    T,
  );

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

  it(
    'refreshes tokens and reconnects',
    async () => {
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
    },
    T,
  );
});
