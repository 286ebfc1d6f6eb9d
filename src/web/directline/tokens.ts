/**
 * Tokens and the channel's keys.
 *
 * Tokens are JWTs (HS256, made and checked with `jose`): `{conv, user}` with `iss`, `aud`, `iat` and
 * `exp`. The user id (`dl_…`) lives in the token, which is where Web Chat/DirectLineJS read it from,
 * so a page cannot speak as another user; the conversation id is bound into it, so a token for
 * conversation A gets 403 on B's URLs. Nothing about a token is stored: any instance that holds the
 * signing key accepts it.
 *
 * All keys come from one master secret, so that every instance (and the same instance after a
 * restart) agrees on them:
 *  - `DIRECT_LINE_TOKEN_SECRET` when configured (tokens are signed with it as it is);
 *  - otherwise 32 random bytes created once in the shared store (create-if-absent: instances starting
 *    together agree on the first one written), or per process with the memory store.
 * From the master, by HMAC with fixed labels: the hop key (the random path segment of the serviceUrl
 * between channel and bot) and the conversation-id key (ids this channel mints carry a short MAC, so
 * any instance can tell synchronously that an id belongs to its web chat, without asking the store).
 * Those two are not tokens (a path segment and a tag inside an id), so they stay plain HMACs here.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import type { Request } from 'restify';
import { LRUCache } from 'lru-cache';

export interface TokenClaims {
  /** Conversation id bound into the token. */
  conv: string;
  /** User id (`dl_…`); Web Chat reads it from the token. */
  user: string;
  /** Issued at / expires (seconds since the epoch). */
  iat: number;
  exp: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; status: 401 | 403; reason: string };

/** Who issues the tokens and what they are for: a JWT signed with the same key for anything else is refused. */
const ISSUER = 'efaktur-helpdesk-directline';
const AUDIENCE = 'efaktur-helpdesk-directline:client';
/** Longer than any token this channel issues: a bearer header longer than this is not ours. */
const MAX_TOKEN_LENGTH = 2048;
/**
 * How far in the future `iat` may be: another instance's clock may run a little ahead. (`exp` is
 * checked without tolerance: an expired token is refused the second it expires.)
 */
const IAT_SKEW_SECONDS = 60;

function hmac(secret: Buffer | string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** The HMAC key's bytes (a string key is its UTF-8, as `createHmac` would read it). */
function keyBytes(secret: Uint8Array | string): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

/**
 * Tokens already signed or verified with a key, and their claims. Why: a Web Chat polls every
 * second with the same token, and jose's HMAC runs on WebCrypto (asynchronous, through the thread
 * pool: tens of microseconds against a few for a lookup); the poll answers as promptly as the
 * synchronous check before it. Only the exact token string is remembered, per key object (a
 * ChannelKeys' `tokenKey`; adopting another master secret makes new keys and forgets them all), and
 * expiry is checked on every use. Bounded: the oldest entries go first.
 */
const known = new WeakMap<Uint8Array, LRUCache<string, TokenClaims>>();
const KNOWN_LIMIT = 10_000;

function remember(secret: Uint8Array | string, token: string, claims: TokenClaims): void {
  if (typeof secret === 'string') return;
  let tokens = known.get(secret);
  if (!tokens) known.set(secret, (tokens = new LRUCache({ max: KNOWN_LIMIT })));
  tokens.set(token, claims);
}

export async function signToken(secret: Uint8Array | string, claims: TokenClaims): Promise<string> {
  const token = await new SignJWT({ conv: claims.conv, user: claims.user })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(keyBytes(secret));
  remember(secret, token, { ...claims });
  return token;
}

const INVALID = { ok: false, status: 403, reason: 'invalid token' } as const;
const EXPIRED = { ok: false, status: 403, reason: 'token expired' } as const;

export async function verifyToken(secret: Uint8Array | string, token: string | undefined, nowSeconds: number): Promise<TokenCheck> {
  if (!token) return { ok: false, status: 401, reason: 'missing token: send Authorization: Bearer <token>' };
  if (token.length > MAX_TOKEN_LENGTH) return INVALID;
  const seen = typeof secret === 'string' ? undefined : known.get(secret)?.get(token);
  if (seen) return seen.exp <= nowSeconds ? EXPIRED : { ok: true, claims: { ...seen } };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keyBytes(secret), {
      algorithms: ['HS256'],
      typ: 'JWT',
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['iat', 'exp'],
      currentDate: new Date(nowSeconds * 1000),
    }));
  } catch (err) {
    // The signature is checked before the claims: only a token this channel signed is "expired".
    if (err instanceof errors.JWTExpired) return EXPIRED;
    return INVALID;
  }
  const { conv, user, iat, exp } = payload;
  if (typeof conv !== 'string' || typeof user !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return INVALID;
  if (iat > nowSeconds + IAT_SKEW_SECONDS) return INVALID;
  const claims = { conv, user, iat, exp };
  remember(secret, token, claims);
  return { ok: true, claims: { ...claims } };
}

export function bearer(req: Request): string | undefined {
  const h = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Random part of a conversation id (18 bytes → 24 characters) and its MAC (9 bytes → 12). */
const ID_RANDOM_CHARS = 24;
const ID_TAG_BYTES = 9;
export const CONVERSATION_ID_LENGTH = ID_RANDOM_CHARS + 12;

export class ChannelKeys {
  /** Signs and checks tokens. */
  readonly tokenKey: Uint8Array;
  /** The path segment of the serviceUrl handed to the bot (see channel.ts). */
  readonly hopKey: string;
  private readonly idKey: Buffer;
  private readonly hopKeyBytes: Buffer;

  /** @param master the configured DIRECT_LINE_TOKEN_SECRET, or the store's random secret */
  constructor(readonly master: string) {
    this.tokenKey = keyBytes(master);
    this.hopKey = hmac(master, 'efaktur-directline hop key v1').subarray(0, 24).toString('base64url');
    this.hopKeyBytes = Buffer.from(this.hopKey);
    this.idKey = hmac(master, 'efaktur-directline conversation id v1');
  }

  /** Constant-time comparison with the hop key. */
  isHopKey(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.hopKeyBytes.length && timingSafeEqual(given, this.hopKeyBytes);
  }

  /** A new conversation id: random, with a MAC that shows this channel minted it. */
  newConversationId(): string {
    const random = randomBytes(18).toString('base64url');
    return `${random}${this.idTag(random)}`;
  }

  /** Whether this channel (any instance sharing the master secret) minted the id. */
  isOwnConversationId(id: string): boolean {
    if (id.length !== CONVERSATION_ID_LENGTH) return false;
    const given = Buffer.from(id.slice(ID_RANDOM_CHARS));
    const expected = Buffer.from(this.idTag(id.slice(0, ID_RANDOM_CHARS)));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private idTag(random: string): string {
    return createHmac('sha256', this.idKey).update(random).digest().subarray(0, ID_TAG_BYTES).toString('base64url');
  }
}

/** A fresh master secret (for the store's create-if-absent, or one process with the memory store). */
export function newMasterSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The store's side of the master secret (see store.ts). */
interface SecretStore {
  masterSecret(fresh: string): Promise<string>;
}

/**
 * The channel's current keys. With DIRECT_LINE_TOKEN_SECRET they are fixed; otherwise they come from
 * the store's master secret, loaded on first use (one load at a time; a failed load is tried again on
 * the next request) and checked again by `refresh()`: if the store lost it (an emptied Redis), this
 * instance writes its own back, so the instances keep agreeing; if another secret is stored, it is
 * adopted.
 */
export class KeyRing {
  private keys: ChannelKeys | undefined;
  private loading: Promise<ChannelKeys> | undefined;
  private readonly configured: boolean;

  constructor(
    private readonly store: SecretStore,
    configured: string | undefined,
    private readonly onChange: (why: string) => void = () => undefined,
  ) {
    if (configured) this.keys = new ChannelKeys(configured);
    this.configured = !!configured;
  }

  /** The keys if loaded (synchronous callers: the /api/messages check). */
  get current(): ChannelKeys | undefined {
    return this.keys;
  }

  async get(): Promise<ChannelKeys> {
    if (this.keys) return this.keys;
    this.loading ??= this.store.masterSecret(newMasterSecret()).then(
      (master) => {
        this.loading = undefined;
        this.keys = new ChannelKeys(master);
        return this.keys;
      },
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  async refresh(): Promise<void> {
    if (this.configured || !this.keys) return;
    const stored = await this.store.masterSecret(this.keys.master);
    if (stored !== this.keys.master) {
      this.keys = new ChannelKeys(stored);
      this.onChange('another master secret is in the store: adopted it (tokens signed before are refused)');
    }
  }
}
