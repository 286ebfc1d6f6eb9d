import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './helpers/harness.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';

function b64url(x: Buffer | string): string {
  return Buffer.from(x).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** A JWT signed with a key the Bot Framework never published: the adapter must reject it. */
function forgedToken(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = { alg: 'RS256', typ: 'JWT', kid: 'forged-key' };
  const data = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createSign('RSA-SHA256').update(data).sign(privateKey);
  return `${data}.${b64url(sig)}`;
}

describe('authentication', () => {
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await startChannel();
  });
  afterAll(async () => channel.close());

  describe('anonymous mode (no credentials)', () => {
    let bot: TestBot;
    beforeAll(async () => {
      bot = await startBot();
    });
    afterAll(async () => bot.stop());

    it('accepts a request without a token and replies through the channel', async () => {
      const r = await new Conversation(bot.url, channel).send('halo');
      expect(r.status).toBe(200);
      expect(r.replies.length).toBeGreaterThan(0);
    });
  });

  describe('with app credentials', () => {
    let bot: TestBot;
    beforeAll(async () => {
      bot = await startBot({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant' });
    });
    afterAll(async () => bot.stop());

    it('rejects a request without a token with 401 and sends nothing', async () => {
      const conv = new Conversation(bot.url, channel);
      const r = await conv.send('halo');
      expect(r.status).toBe(401);
      expect(r.replies).toHaveLength(0);
    });

    it('rejects a forged token with 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = forgedToken({ iss: 'https://api.botframework.com', aud: APP_ID, iat: now, nbf: now - 10, exp: now + 3600, serviceurl: channel.url });
      const conv = new Conversation(bot.url, channel);
      const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
      expect(r.replies).toHaveLength(0);
    });

    it('rejects an expired token with 401', async () => {
      const then = Math.floor(Date.now() / 1000) - 7200;
      const token = forgedToken({ iss: 'https://api.botframework.com', aud: APP_ID, iat: then, nbf: then, exp: then + 60 });
      const conv = new Conversation(bot.url, channel);
      const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
    });
  });
});
