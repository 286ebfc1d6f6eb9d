/**
 * Authentication modes. With credentials, tokens are validated against OpenID metadata served by a
 * local server inside the test (the machine has no internet): a token signed with an unpublished key
 * or an expired one must get 401; a properly signed one passes authentication.
 */
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER, TEST_APP_ID as APP_ID, channelClaims, signJwt as sign } from './helpers/channel-auth.js';
import { useServer } from './helpers/server.js';

describe('authentication', () => {
  describe('anonymous mode (no credentials)', () => {
    const server = useServer();

    it('accepts a request without a token and replies through the channel', async () => {
      const r = await server.conversation().send('halo');
      expect(r.status).toBe(200);
      expect(r.replies.length).toBeGreaterThan(0);
    });
  });

  describe('with app credentials', () => {
    let metadata: http.Server;
    let metadataUrl = '';
    const published = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = () => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      metadata = http.createServer((req, res) => {
        const base = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
        res.setHeader('content-type', 'application/json');
        if (req.url?.startsWith('/.well-known/openidconfiguration')) {
          res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
        } else if (req.url?.startsWith('/keys')) {
          const jwk = published.publicKey.export({ format: 'jwk' });
          res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'published-key', use: 'sig', alg: 'RS256', endorsements: ['webchat', 'msteams'] }] }));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
      await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r));
      metadataUrl = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}/.well-known/openidconfiguration`;
    });
    afterAll(async () => {
      metadata.closeAllConnections();
      await new Promise((r) => metadata.close(r));
    });

    // Started after the metadata server (hooks run in order), which it reads its signing keys from.
    const server = useServer(() => ({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
      BOT_OPENID_METADATA: metadataUrl,
    }));

    it('rejects a request without a token with 401 and sends nothing', async () => {
      const conv = server.conversation();
      const r = await conv.send('halo');
      expect(r.status).toBe(401);
      expect(r.replies).toHaveLength(0);
    });

    it('rejects a token signed with a key the channel never published (forged) with 401', async () => {
      const conv = server.conversation();
      const token = sign(forger.privateKey, 'published-key', channelClaims(server.channel.url));
      const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
      expect(r.replies).toHaveLength(0);
    });

    it('accepts a token signed with the published key (so the 401s above are about the token)', async () => {
      const token = sign(published.privateKey, 'published-key', channelClaims(server.channel.url));
      const conv = server.conversation();
      const r = await conv.post(conv.activity({ type: 'conversationUpdate', membersAdded: [{ id: 'someone' }] }), { authorization: `Bearer ${token}` });
      expect(r.status).not.toBe(401);
      expect(r.status).toBeLessThan(500);
    });

    it('rejects a forged emulator-style token (Azure AD issuer, v1.0 claims) with 401, not 500', async () => {
      const conv = server.conversation('emulator');
      for (const iss of [
        'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
        'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
      ]) {
        const token = sign(forger.privateKey, 'published-key', {
          iss,
          aud: APP_ID,
          appid: APP_ID,
          azp: APP_ID,
          ver: iss.endsWith('v2.0') ? '2.0' : '1.0',
          iat: now(),
          nbf: now() - 10,
          exp: now() + 3600,
        });
        const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
        expect(r.status, iss).toBe(401);
      }
      const garbage = await conv.post(conv.activity({ text: 'halo' }), { authorization: 'Bearer not.a.jwt' });
      expect(garbage.status).toBe(401);
    });

    it('rejects an expired token with 401', async () => {
      const then = now() - 7200;
      const token = sign(published.privateKey, 'published-key', channelClaims(server.channel.url, { issuedAt: then, lifetimeSeconds: 60 }));
      const conv = server.conversation();
      const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
    });

    it('rejects a token for another bot (wrong audience) with 401', async () => {
      const token = sign(published.privateKey, 'published-key', channelClaims(server.channel.url, { aud: '99999999-0000-0000-0000-000000000000' }));
      const conv = server.conversation();
      const r = await conv.post(conv.activity({ text: 'halo' }), { authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
    });
  });
});
