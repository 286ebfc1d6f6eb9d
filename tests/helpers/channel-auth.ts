/**
 * Bot Framework authentication on a machine without internet: OpenID metadata and signing keys served
 * by a local server (inbound channel tokens), and an outbound token source through the SDK's own
 * extension point (`ServiceClientCredentialsFactory`), since Azure AD cannot be reached from here.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceClientCredentialsFactory } from 'botframework-connector';

export const TEST_APP_ID = '11111111-2222-3333-4444-555555555555';
/** The issuer of Bot Framework channel tokens. */
export const ISSUER = 'https://api.botframework.com';
const b64url = (x: Buffer | string) => Buffer.from(x).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const now = () => Math.floor(Date.now() / 1000);

/** An RS256 JWT with the given key id and claims. */
export function signJwt(privateKey: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const data = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(claims))}`;
  return `${data}.${b64url(createSign('RSA-SHA256').update(data).sign(privateKey))}`;
}

/** The claims of a channel token for this bot and service URL, issued `issuedAt` (valid for an hour). */
export function channelClaims(serviceUrl: string, o: { aud?: string; issuedAt?: number; lifetimeSeconds?: number } = {}): Record<string, unknown> {
  const iat = o.issuedAt ?? now();
  return { iss: ISSUER, aud: o.aud ?? TEST_APP_ID, iat, nbf: iat - 10, exp: iat + (o.lifetimeSeconds ?? 3600), serviceurl: serviceUrl };
}

export interface TokenIssuer {
  /** BOT_OPENID_METADATA for the bot. */
  metadataUrl: string;
  /** A valid channel token for an activity posted with this serviceUrl. */
  token(serviceUrl: string): string;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/.well-known/openidconfiguration'))
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    else if (req.url?.startsWith('/keys'))
      res.end(
        JSON.stringify({ keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256', endorsements: ['webchat', 'msteams'] }] }),
      );
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    metadataUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/openidconfiguration`,
    token: (serviceUrl) => signJwt(keys.privateKey, 'k1', channelClaims(serviceUrl)),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Outbound calls carry a fixed bearer token (the channel under test does not check it). */
export class FixedTokenCredentialsFactory extends ServiceClientCredentialsFactory {
  async isValidAppId(appId: string): Promise<boolean> {
    return appId === TEST_APP_ID;
  }
  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }
  async createCredentials(): Promise<never> {
    return {
      signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
        request.headers.set('authorization', 'Bearer outbound-test-token');
        return request;
      },
    } as never;
  }
}
