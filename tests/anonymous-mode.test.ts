/**
 * Anonymous mode (no MicrosoftAppId) is for local tools (issue 18, finding 2): the server listens on
 * loopback by default, `/api/messages` accepts only this machine's callers (not through a proxy) and only
 * loopback serviceUrls without credentials, so nobody can make the bot POST to another host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../src/web/anonymous.js';
import { loadConfig } from '../src/config.js';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './helpers/harness.js';

describe('anonymous mode', () => {
  let bot: TestBot;
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot();
  });
  afterAll(async () => {
    await bot.stop();
    await channel.close();
  });

  it('listens on loopback unless told otherwise; with credentials on all interfaces', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'b' }).host).toBe('0.0.0.0');
  });

  it('refuses serviceUrls off this machine, with credentials, or not http(s), naming the field; sends nothing', async () => {
    for (const serviceUrl of [
      'http://203.0.113.7/',
      'https://evil.example/api/',
      'http://user:pw@127.0.0.1:9/',
      'http://10.0.0.1:6379/',
      'file:///etc/passwd',
      'http://169.254.169.254/latest/',
    ]) {
      const c = new Conversation(bot.url, channel);
      const r = await c.post(c.activity({ text: 'halo', serviceUrl }));
      expect(r.status, serviceUrl).toBe(400);
      expect(JSON.stringify(r.body), serviceUrl).toMatch(/serviceUrl/);
    }
    // Decimal and short forms of loopback are still loopback (WHATWG URL normalises them).
    expect(isLoopbackUrl('http://2130706433:3978/')).toBe(true);
    expect(isLoopbackUrl('http://localhost:56150/_connector')).toBe(true);
    expect(isLoopbackUrl('http://127.0.0.1.nip.io/')).toBe(false);
  });

  it('refuses callers that come through a proxy (anyone on the internet behind it)', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const c = new Conversation(bot.url, channel);
      const r = await c.post(c.activity({ text: 'halo' }), { [header]: '203.0.113.9' });
      expect(r.status, header).toBe(403);
      expect(r.replies).toHaveLength(0);
    }
  });

  it('still serves local tools: a loopback channel gets its replies', async () => {
    const r = await new Conversation(bot.url, channel, 'emulator').send('halo');
    expect(r.status).toBe(200);
    expect(r.replies.length).toBeGreaterThan(0);
  });

  it("the agents' Teams channel cannot be configured without credentials", () => {
    expect(() => loadConfig({ AGENTS_TEAMS_TENANT: 't', AGENTS_TEAMS_CHANNEL: '19:x@thread.tacv2' })).toThrow(/AGENTS_TEAMS_CHANNEL: requires MicrosoftAppId/);
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'b', AGENTS_TEAMS_CHANNEL: '19:x@thread.tacv2' })).toThrow(/set both/);
  });

  it('one source cannot start conversations without end: over the budget a polite refusal, nothing stored', async () => {
    const small = await startBot({ NEW_CONVERSATIONS_PER_SOURCE: '3', RATE_LIMIT_MESSAGES: '1000' });
    try {
      const convs = Array.from({ length: 5 }, () => new Conversation(small.url, channel));
      const replies: string[] = [];
      for (const c of convs) replies.push((await c.send('lupa password efaktur')).text);
      expect(replies.slice(0, 3).every((t) => !/terlalu banyak percakapan baru/.test(t))).toBe(true);
      expect(replies.slice(3).every((t) => /terlalu banyak percakapan baru/.test(t))).toBe(true);
      const key = (c: Conversation) => `webchat/conversations/${c.id}/`;
      const stored = await small.app.store.read(convs.map(key));
      expect(Object.keys(stored).sort()).toEqual(convs.slice(0, 3).map(key).sort());
      // A conversation already started goes on.
      expect((await convs[0]!.send('desktop')).text).not.toMatch(/terlalu banyak percakapan baru/);
    } finally {
      await small.stop();
    }
  });
});
