/**
 * Agent console sessions (issue 18, items 6 and 7), kept in the bot's store so that every instance
 * sees the same ones and a restart keeps them:
 *
 *  - The signing secret is `SESSION_SECRET` when configured, otherwise 32 random bytes generated once
 *    and kept in the store under `agent-console/session-secret`. It is created with a create-if-absent
 *    write (an eTag no item has), so instances starting together agree on one. It is never derived
 *    from the configuration.
 *  - Each sign-in writes a record `agent-console/sessions/<sha256 of the session id>` with the agent and
 *    the expiry (at most SESSION_TTL_MS after the sign-in). The cookie carries the session id, the
 *    agent id and the expiry, signed with HMAC-SHA256 (cookie-signature, constant-time check).
 *  - A cookie is accepted only when its signature checks with the current secret, its own expiry is
 *    in the future and no further away than the maximum session length (a cookie claiming more is
 *    forged), and its record exists with the same agent and expiry, not yet expired.
 *  - Signing out deletes the record: the cookie (and any copy of it) is refused on every instance.
 *
 * Only this bookkeeping is written here (it is the console's own): the cookie plumbing is `cookie`
 * and `cookie-signature`, the atomic writes are the store's eTags.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sign, unsign } from 'cookie-signature';
import { isStoreConflict } from '../../storage/index.js';
import type { KeyValueStore } from '../../storage/key-value.js';

/** The longest a console session lives (one working day). */
export const SESSION_TTL_MS = 10 * 60 * 60 * 1000;
/** Clock difference tolerated between instances when checking a cookie's own expiry. */
const CLOCK_SKEW_MS = 60_000;
export const MIN_SESSION_SECRET_LENGTH = 32;
export const SESSION_SECRET_KEY = 'agent-console/session-secret';
export const SESSION_KEY_PREFIX = 'agent-console/sessions/';
/**
 * The stored secret is rewritten (same value) at a sign-in when older than this, so the store's TTL
 * (STATE_TTL_DAYS, at least one day) never removes it while sessions signed with it can still live.
 */
const SECRET_REFRESH_MS = 60 * 60 * 1000;
const MAX_TOKEN_LENGTH = 512;

export const sessionRecordKey = (sessionId: string): string => `${SESSION_KEY_PREFIX}${createHash('sha256').update(sessionId).digest('hex')}`;

interface SecretDoc {
  secret?: unknown;
  createdAt?: string;
  refreshedAt?: number;
  eTag?: string;
}

export interface SessionRecord {
  agentId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  createdAt: string;
}

/** What the cookie carries (before its signature). */
interface CookieBody {
  sid: string;
  sub: string;
  exp: number;
}

/** An eTag that no stored item has: the write creates the item, or fails with a conflict if it exists. */
const createOnly = () => `create-only:${randomUUID()}`;

/** The unsigned part of a token, parsed (not yet trusted). */
function readBody(token: string): CookieBody | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
  try {
    const b = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as Partial<CookieBody>;
    if (typeof b.sid !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(b.sid)) return undefined;
    if (typeof b.sub !== 'string' || b.sub.length === 0 || b.sub.length > 64) return undefined;
    if (typeof b.exp !== 'number' || !Number.isSafeInteger(b.exp)) return undefined;
    return { sid: b.sid, sub: b.sub, exp: b.exp };
  } catch {
    return undefined;
  }
}

export interface VerifiedSession {
  agentId: string;
  sessionId: string;
  expiresAt: number;
}

export class ConsoleSessions {
  /**
   * @param store the bot's store (shared by all instances)
   * @param configuredSecret `SESSION_SECRET`, when set (at least 32 characters)
   */
  constructor(
    private readonly store: KeyValueStore,
    private readonly configuredSecret?: string,
    readonly ttlMs = SESSION_TTL_MS,
  ) {
    if (configuredSecret !== undefined && configuredSecret.length < MIN_SESSION_SECRET_LENGTH) {
      throw new RangeError(`SESSION_SECRET must be at least ${MIN_SESSION_SECRET_LENGTH} characters`);
    }
    if (!(ttlMs > 0 && ttlMs <= SESSION_TTL_MS)) throw new RangeError(`session lifetime must be between 1 ms and ${SESSION_TTL_MS} ms`);
  }

  /** The secret to sign with: the configured one, or the store's (created on first use, refreshed). */
  async signingSecret(now = Date.now()): Promise<string> {
    if (this.configuredSecret) return this.configuredSecret;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = (await this.store.read([SESSION_SECRET_KEY]))[SESSION_SECRET_KEY] as SecretDoc | undefined;
      if (current && typeof current.secret === 'string' && current.secret.length >= MIN_SESSION_SECRET_LENGTH) {
        if (!(now - (current.refreshedAt ?? 0) < SECRET_REFRESH_MS)) {
          // Same value, written with its eTag: only its expiry in the store moves. A conflict means
          // another instance just did the same.
          await this.store.write({ [SESSION_SECRET_KEY]: { ...current, refreshedAt: now } }).catch((err: unknown) => {
            if (!isStoreConflict(err)) throw err;
          });
        }
        return current.secret;
      }
      const fresh = { secret: randomBytes(32).toString('base64url'), createdAt: new Date(now).toISOString(), refreshedAt: now };
      try {
        // Create-if-absent (or replace an unusable item we just read): the first instance wins, the others re-read.
        await this.store.write({ [SESSION_SECRET_KEY]: { ...fresh, eTag: current?.eTag ?? createOnly() } });
        return fresh.secret;
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
      }
    }
    throw new Error('agent console: could not agree on a session secret in the store');
  }

  /** Records a new session for the agent; returns the signed cookie value. */
  async issue(agentId: string, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const secret = await this.signingSecret(now);
    const sid = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    const record: SessionRecord = { agentId, expiresAt, createdAt: new Date(now).toISOString() };
    await this.store.write({ [sessionRecordKey(sid)]: { ...record, eTag: createOnly() } });
    const body = Buffer.from(JSON.stringify({ sid, sub: agentId, exp: expiresAt } satisfies CookieBody)).toString('base64url');
    return { token: sign(body, secret), expiresAt };
  }

  /**
   * The session a cookie value stands for, or undefined when it is not a live session. Rejects only
   * when the store cannot be read (the caller answers 503, not 401).
   */
  async verify(token: string | undefined, now = Date.now()): Promise<VerifiedSession | undefined> {
    if (!token) return undefined;
    const body = readBody(token);
    if (!body) return undefined;
    // The cookie's own expiry: in the future, and not beyond what the server ever issues.
    if (!(body.exp > now) || body.exp > now + this.ttlMs + CLOCK_SKEW_MS) return undefined;
    const key = sessionRecordKey(body.sid);
    const items = await this.store.read(this.configuredSecret ? [key] : [SESSION_SECRET_KEY, key]);
    const secret = this.configuredSecret ?? (items[SESSION_SECRET_KEY] as SecretDoc | undefined)?.secret;
    if (typeof secret !== 'string' || secret.length < MIN_SESSION_SECRET_LENGTH || unsign(token, secret) === false) return undefined;
    const record = items[key] as Partial<SessionRecord> | undefined;
    if (!record || record.agentId !== body.sub || record.expiresAt !== body.exp || !(typeof record.expiresAt === 'number' && record.expiresAt > now))
      return undefined;
    return { agentId: body.sub, sessionId: body.sid, expiresAt: body.exp };
  }

  /** Ends the session of a valid cookie (deletes its record); false when the cookie was not a live session. */
  async revoke(token: string | undefined, now = Date.now()): Promise<boolean> {
    const session = await this.verify(token, now);
    if (!session) return false;
    await this.store.delete([sessionRecordKey(session.sessionId)]);
    return true;
  }
}
