/**
 * A built-in subset of the Direct Line 3.0 REST protocol, so the chat page works without any cloud
 * service. It speaks what DirectLineJS 0.15 (inside Web Chat) sends in polling mode
 * (`createDirectLine({ domain: origin + '/v3/directline', webSocket: false, token })`):
 *
 *   POST /v3/directline/tokens/generate                      anonymous; a token for a new conversation
 *   POST /v3/directline/tokens/refresh                       Bearer → {token, conversationId, expires_in}
 *   POST /v3/directline/conversations                        Bearer → 201 {conversationId, token, expires_in}
 *   GET  /v3/directline/conversations/:id?watermark=         reconnect → {conversationId, token, expires_in}
 *   POST /v3/directline/conversations/:id/activities         the user's activity → {id}
 *   GET  /v3/directline/conversations/:id/activities?watermark=   → {activities, watermark}
 *   POST /v3/directline/conversations/:id/upload             not supported (415; the page hides the button)
 *
 * and, towards the bot, it is a Bot Framework channel like the real service: user activities are
 * POSTed over HTTP to the bot's `/api/messages` on this same server (the real `CloudAdapter` path)
 * with `channelId: 'webchat'` and `serviceUrl: <base>/v3/directline-channel/<hop key>/`; the bot's replies
 * (and proactive messages, e.g. a live agent writing later) arrive at
 *
 *   POST /v3/directline-channel/<hop key>/v3/conversations/:id/activities[/:replyToId]   → {id}
 *
 * which only accepts requests from this machine, carrying this process's random hop key in the path
 * (`/v3/directline-channel/<key>/…`, handed to the bot in each activity's serviceUrl), and only for
 * known conversations. `/api/messages` refuses activities that name this channel without the key.
 *
 * Anonymous mode only: replies are accepted without a Bot Framework token and the bot's outbound
 * calls carry none. When `MicrosoftAppId` is set the bot would send Azure AD tokens to the channel and
 * expect signed tokens from it, so `routes.ts` does not register this module then; use Azure Direct
 * Line (`DIRECT_LINE_SECRET`) in that setup.
 *
 * Tokens are JWT-shaped (HS256): `{conv, user, iat, exp}` signed with HMAC-SHA256 using
 * `DIRECT_LINE_TOKEN_SECRET` (or a random per-process key). The user id (`dl_…`) lives in the token,
 * which is where Web Chat/DirectLineJS read it from, so a page cannot speak as another user. The
 * conversation id is bound into the token: a token for conversation A gets 403 on B's URLs.
 *
 * Memory is bounded: conversations expire after inactivity, at most `maxConversations` are kept
 * (least recently active evicted first), activity lists and their stored bytes are capped.
 *
 * State is in memory of this process: with several instances behind a load balancer, use sticky
 * sessions or Azure Direct Line.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { jsonDepth, MAX_JSON_DEPTH } from './activity-validation.js';

export const DIRECT_LINE_PREFIX = '/v3/directline';
export const CHANNEL_PREFIX = '/v3/directline-channel';
export const MAX_CLIENT_BODY_BYTES = 256 * 1024;
/** Bot replies may carry cards and the hand-off transcript. */
export const MAX_BOT_BODY_BYTES = 1024 * 1024;
export const MAX_TEXT_CHARS = 10_000;
export const MAX_ATTACHMENTS = 5;

export interface DirectLineLimits {
  /** Token lifetime; a refresh extends it by this much again. Default 30 min. */
  tokenTtlSeconds: number;
  /** A conversation without any client or bot traffic (polls count: an open page keeps its conversation) for this long is forgotten. Default 1 h. */
  conversationIdleMs: number;
  /** At most this many conversations are kept; the least recently active is evicted. Default 5,000. */
  maxConversations: number;
  /** Only the newest N activities of a conversation are kept. Default 500. */
  maxActivitiesPerConversation: number;
  /** Stored JSON bytes per conversation (oldest activities dropped beyond it). Default 2 MB. */
  maxBytesPerConversation: number;
  /** Stored JSON bytes over all conversations (least recently active evicted). Default 128 MB. */
  maxTotalBytes: number;
  /** Token generation per client IP. Default 30 per minute. */
  tokenRate: { max: number; windowMs: number };
  /** User activities waiting for the bot per conversation before 429. Default 5. */
  maxQueuedPerConversation: number;
  /** How long to wait for the bot's HTTP answer. Default 15 s (the real service waits 15 s too). */
  botTimeoutMs: number;
}

export const DEFAULT_LIMITS: DirectLineLimits = {
  tokenTtlSeconds: 30 * 60,
  conversationIdleMs: 60 * 60 * 1000,
  maxConversations: 5000,
  maxActivitiesPerConversation: 500,
  maxBytesPerConversation: 2 * 1024 * 1024,
  maxTotalBytes: 128 * 1024 * 1024,
  tokenRate: { max: 30, windowMs: 60_000 },
  maxQueuedPerConversation: 5,
  botTimeoutMs: 15_000,
};

export interface DirectLineOptions {
  config: Config;
  logger: Logger;
  /** This server's own base URL (known only after listen), e.g. http://127.0.0.1:3978. */
  baseUrl: () => string;
  /** Where user activities go; default `${baseUrl()}/api/messages`. */
  botEndpoint?: () => string;
  /** The bot as the client sees it. */
  bot?: { id: string; name: string };
  limits?: Partial<DirectLineLimits>;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface DirectLineService {
  /** Number of conversations currently kept. */
  size(): number;
  /** Drops idle conversations now (also runs on a timer and on each request). */
  sweep(): void;
  /** Stops the sweep timer. */
  close(): void;
  limits: DirectLineLimits;
  /**
   * Whether an activity's serviceUrl is this channel's: `own` (with this process's hop key), `forged`
   * (this channel's path without the key, or one of its conversations under another serviceUrl:
   * someone posing as a web-chat user), `other`.
   */
  serviceUrlKind(url: string, conversationId?: string): 'own' | 'forged' | 'other';
  /** The serviceUrl this channel hands the bot (with the hop key): for the bot's own proactive messages. */
  serviceUrl(): string;
}

// ---------------------------------------------------------------------------------------------
// Tokens

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

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const TOKEN_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;

function hmac(secret: Buffer | string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

export function signToken(secret: Buffer | string, claims: TokenClaims): string {
  const payload = b64url(JSON.stringify({ iss: 'efaktur-helpdesk-directline', ...claims }));
  const signed = `${TOKEN_HEADER}.${payload}`;
  return `${signed}.${b64url(hmac(secret, signed))}`;
}

export function verifyToken(secret: Buffer | string, token: string | undefined, nowSeconds: number): TokenCheck {
  if (!token) return { ok: false, status: 401, reason: 'missing token: send Authorization: Bearer <token>' };
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 2048) return { ok: false, status: 403, reason: 'invalid token' };
  const [h, p, s] = parts as [string, string, string];
  const expected = hmac(secret, `${h}.${p}`);
  const given = Buffer.from(s, 'base64url');
  // Constant-time comparison (lengths are public: a SHA-256 MAC is always 32 bytes).
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || h !== TOKEN_HEADER) {
    return { ok: false, status: 403, reason: 'invalid token' };
  }
  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  } catch {
    return { ok: false, status: 403, reason: 'invalid token' };
  }
  if (typeof claims.conv !== 'string' || typeof claims.user !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    return { ok: false, status: 403, reason: 'invalid token' };
  }
  if (claims.exp <= nowSeconds) return { ok: false, status: 403, reason: 'token expired' };
  return { ok: true, claims: claims as TokenClaims };
}

function bearer(req: Request): string | undefined {
  const h = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

// ---------------------------------------------------------------------------------------------
// Rate limiting (fixed window per key, bounded map)

export interface RateLimiter {
  /** true when allowed; otherwise the seconds until the window resets. */
  take(key: string): true | number;
}

export function createRateLimiter(max: number, windowMs: number, now: () => number = Date.now, maxKeys = 10_000): RateLimiter {
  let windowStart = now();
  let counts = new Map<string, number>();
  return {
    take(key) {
      const t = now();
      if (t - windowStart >= windowMs) {
        windowStart = t;
        counts = new Map();
      }
      const n = (counts.get(key) ?? 0) + 1;
      if (n > max) return Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000));
      if (counts.size >= maxKeys && !counts.has(key)) return Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000));
      counts.set(key, n);
      return true;
    },
  };
}

export function clientIp(req: Request): string {
  // The socket address: X-Forwarded-For is not trusted (any client can set it). Behind a reverse
  // proxy every client shares the proxy's address; raise the limit or rate-limit at the proxy.
  return req.socket?.remoteAddress ?? 'unknown';
}

/** The bot on this machine: loopback, or (bound to one interface) a connection from that same address. */
export function isLocalRequest(req: Pick<Request, 'socket'>): boolean {
  const remote = req.socket?.remoteAddress ?? '';
  if (remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1' || remote.startsWith('127.')) return true;
  // Bound to one specific interface: the bot calls itself on that address, so remote === local.
  return !!remote && remote === req.socket?.localAddress;
}

// ---------------------------------------------------------------------------------------------
// Validation of what the page posts

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const CLIENT_TYPES = new Set(['message', 'event', 'typing']);
/** Fields a client may set; everything else (from, recipient, serviceUrl, ids, …) is ours. */
const CLIENT_FIELDS = [
  'type', 'text', 'textFormat', 'locale', 'localTimestamp', 'localTimezone', 'attachments', 'attachmentLayout', 'value',
  'valueType', 'name', 'channelData', 'entities', 'speak', 'inputHint', 'replyToId',
] as const;

export function validateClientActivity(body: unknown): string | undefined {
  if (!isObj(body)) return 'body must be a JSON object (an activity)';
  if (jsonDepth(body) > MAX_JSON_DEPTH) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (typeof body.type !== 'string' || !body.type) return 'activity.type must be a non-empty string';
  if (!CLIENT_TYPES.has(body.type)) return `activity.type must be one of ${[...CLIENT_TYPES].join(', ')}`;
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') return 'activity.text must be a string';
  if (typeof body.text === 'string' && body.text.length > MAX_TEXT_CHARS) return `activity.text is longer than ${MAX_TEXT_CHARS} characters`;
  if (body.attachments !== undefined && body.attachments !== null) {
    if (!Array.isArray(body.attachments)) return 'activity.attachments must be an array';
    if (body.attachments.length > MAX_ATTACHMENTS) return `at most ${MAX_ATTACHMENTS} attachments are allowed`;
    if (!body.attachments.every((a) => isObj(a) && typeof a.contentType === 'string')) return 'every attachment needs a contentType string';
  }
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length > 200)) return 'activity.name must be a string of at most 200 characters';
  if (body.locale !== undefined && (typeof body.locale !== 'string' || body.locale.length > 35)) return 'activity.locale must be a language tag';
  if (body.channelData !== undefined && body.channelData !== null && !isObj(body.channelData)) return 'activity.channelData must be an object';
  if (body.entities !== undefined && body.entities !== null && (!Array.isArray(body.entities) || body.entities.length > 20)) return 'activity.entities must be an array of at most 20 items';
  if (body.from !== undefined && body.from !== null && !isObj(body.from)) return 'activity.from must be an object';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Conversations

interface Stored {
  seq: number;
  activity: Record<string, unknown>;
  bytes: number;
}

interface Conversation {
  id: string;
  userId: string;
  locale?: string;
  lastActive: number;
  seq: number;
  activities: Stored[];
  bytes: number;
  queue: Promise<unknown>;
  queued: number;
}

function send(res: Response, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.send(status, body);
}

export function registerDirectLine(server: Server, options: DirectLineOptions): DirectLineService {
  const limits: DirectLineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { logger } = options;
  const now = options.now ?? Date.now;
  const nowSec = () => Math.floor(now() / 1000);
  const secret: Buffer | string = options.config.directLineTokenSecret ?? randomBytes(32);
  const bot = options.bot ?? { id: 'efaktur-helpdesk-bot', name: 'Asisten e-Faktur' };
  const botEndpoint = options.botEndpoint ?? (() => `${options.baseUrl()}/api/messages`);
  // The hop between this channel and the bot carries a random key in the serviceUrl's path: only the
  // bot, which got it with the user's activity, can post replies, and only this channel can hand the bot
  // activities that claim to come from the web chat (a loopback caller could be anyone behind a proxy).
  const hopKey = randomBytes(24).toString('base64url');
  const serviceUrl = () => `${options.baseUrl()}${CHANNEL_PREFIX}/${hopKey}/`;
  const sameKey = (k: string) => k.length === hopKey.length && timingSafeEqual(Buffer.from(k), Buffer.from(hopKey));
  const tokenLimiter = createRateLimiter(limits.tokenRate.max, limits.tokenRate.windowMs, now);

  /** Insertion order = least recently active first (touch re-inserts). */
  const conversations = new Map<string, Conversation>();
  let totalBytes = 0;

  const drop = (c: Conversation, why: string) => {
    conversations.delete(c.id);
    totalBytes -= c.bytes;
    logger.debug({ conversation: c.id, why }, 'direct line conversation dropped');
  };

  const sweep = () => {
    const cutoff = now() - limits.conversationIdleMs;
    for (const c of conversations.values()) {
      if (c.lastActive > cutoff) break;
      drop(c, 'idle');
    }
  };

  const touch = (c: Conversation) => {
    c.lastActive = now();
    conversations.delete(c.id);
    conversations.set(c.id, c);
  };

  const get = (id: string): Conversation | undefined => {
    sweep();
    return conversations.get(id);
  };

  const evictForSpace = (keep?: Conversation) => {
    for (const c of conversations.values()) {
      if (conversations.size <= limits.maxConversations && totalBytes <= limits.maxTotalBytes) break;
      if (c === keep) continue;
      drop(c, 'capacity');
    }
  };

  const append = (c: Conversation, activity: Record<string, unknown>): Stored => {
    c.seq += 1;
    activity.id = `${c.id}|${String(c.seq).padStart(7, '0')}`;
    const bytes = Buffer.byteLength(JSON.stringify(activity));
    const stored: Stored = { seq: c.seq, activity, bytes };
    c.activities.push(stored);
    c.bytes += bytes;
    totalBytes += bytes;
    while (c.activities.length > 1 && (c.activities.length > limits.maxActivitiesPerConversation || c.bytes > limits.maxBytesPerConversation)) {
      const old = c.activities.shift()!;
      c.bytes -= old.bytes;
      totalBytes -= old.bytes;
    }
    touch(c);
    evictForSpace(c);
    return stored;
  };

  const issue = (conv: string, user: string) => {
    const iat = nowSec();
    return { token: signToken(secret, { conv, user, iat, exp: iat + limits.tokenTtlSeconds }), expires_in: limits.tokenTtlSeconds };
  };

  /** Checks the bearer token (and, with `conversationId`, that it belongs to that conversation). */
  const authorize = (req: Request, res: Response, conversationId?: string): TokenClaims | undefined => {
    const check = verifyToken(secret, bearer(req), nowSec());
    if (!check.ok) {
      send(res, check.status, { error: { code: check.status === 401 ? 'MissingToken' : 'TokenInvalid', message: check.reason } });
      return undefined;
    }
    if (conversationId !== undefined && conversationId !== check.claims.conv) {
      send(res, 403, { error: { code: 'TokenInvalid', message: 'token is not valid for this conversation' } });
      return undefined;
    }
    return check.claims;
  };

  /** POSTs an activity to the bot, one at a time per conversation (the bot's state is per conversation). */
  const forward = (c: Conversation, activity: Record<string, unknown>): Promise<number> => {
    c.queued += 1;
    const run = async (): Promise<number> => {
      try {
        const res = await fetch(botEndpoint(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
          signal: AbortSignal.timeout(limits.botTimeoutMs),
        });
        await res.arrayBuffer();
        if (res.status >= 300) logger.warn({ conversation: c.id, status: res.status, activityType: activity.type }, 'bot did not accept a direct line activity');
        return res.status;
      } catch (err) {
        logger.warn({ conversation: c.id, err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'could not deliver a direct line activity to the bot');
        return 502;
      } finally {
        c.queued -= 1;
      }
    };
    const p = c.queue.then(run, run);
    c.queue = p.catch(() => undefined);
    return p;
  };

  const toBot = (c: Conversation, a: Record<string, unknown>): Record<string, unknown> => ({
    ...a,
    channelId: 'webchat',
    serviceUrl: serviceUrl(),
    conversation: { id: c.id },
    recipient: { id: bot.id, name: bot.name, role: 'bot' },
  });

  const clientBody = restify.plugins.bodyParser({ maxBodySize: MAX_CLIENT_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });
  const optionalBody = restify.plugins.bodyParser({ maxBodySize: 16 * 1024, mapParams: false, mapFiles: false, rejectUnknown: false });
  const botBody = restify.plugins.bodyParser({ maxBodySize: MAX_BOT_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });

  // --- tokens ---------------------------------------------------------------------------------

  server.post(`${DIRECT_LINE_PREFIX}/tokens/generate`, optionalBody, async (req: Request, res: Response) => {
    const allowed = tokenLimiter.take(clientIp(req));
    if (allowed !== true) {
      res.setHeader('Retry-After', String(allowed));
      send(res, 429, { error: { code: 'TooManyRequests', message: 'too many conversations started from this address; try again later' } });
      return;
    }
    // Nothing is stored until the conversation is started: a token costs no memory.
    const conversationId = randomBytes(18).toString('base64url');
    const user = `dl_${randomBytes(12).toString('base64url')}`;
    send(res, 200, { conversationId, ...issue(conversationId, user) });
  });

  server.post(`${DIRECT_LINE_PREFIX}/tokens/refresh`, optionalBody, async (req: Request, res: Response) => {
    const claims = authorize(req, res);
    if (!claims) return;
    const c = get(claims.conv);
    if (c) touch(c);
    send(res, 200, { conversationId: claims.conv, ...issue(claims.conv, claims.user) });
  });

  // --- conversations --------------------------------------------------------------------------

  server.post(`${DIRECT_LINE_PREFIX}/conversations`, optionalBody, async (req: Request, res: Response) => {
    const claims = authorize(req, res);
    if (!claims) return;
    if (!ID_RE.test(claims.conv)) {
      send(res, 403, { error: { code: 'TokenInvalid', message: 'invalid token' } });
      return;
    }
    const existing = get(claims.conv);
    if (existing) {
      touch(existing);
      send(res, 200, { conversationId: existing.id, ...issue(existing.id, existing.userId) });
      return;
    }
    const body = isObj(req.body) ? req.body : {};
    const locale = typeof body.locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(body.locale) ? body.locale : undefined;
    const c: Conversation = { id: claims.conv, userId: claims.user, locale, lastActive: now(), seq: 0, activities: [], bytes: 0, queue: Promise.resolve(), queued: 0 };
    conversations.set(c.id, c);
    evictForSpace(c);
    send(res, 201, { conversationId: c.id, ...issue(c.id, c.userId) });
    // As the real service does: tell the bot the user joined (the bot answers with its welcome).
    void forward(
      c,
      toBot(c, {
        type: 'conversationUpdate',
        id: `${c.id}|join`,
        timestamp: new Date(now()).toISOString(),
        from: { id: c.userId, role: 'user' },
        membersAdded: [{ id: c.userId }],
        ...(locale ? { locale } : {}),
      }),
    );
  });

  /** The caller's token must be for this conversation, and the conversation must still exist (404 otherwise). */
  const openConversation = (req: Request, res: Response): Conversation | undefined => {
    const id = String(req.params.conversationId ?? '');
    if (!authorize(req, res, id)) return undefined;
    const c = get(id);
    if (!c) send(res, 404, { error: { code: 'BadArgument', message: 'conversation not found or ended' } });
    return c;
  };

  server.get(`${DIRECT_LINE_PREFIX}/conversations/:conversationId`, async (req: Request, res: Response) => {
    const c = openConversation(req, res);
    if (!c) return;
    touch(c);
    send(res, 200, { conversationId: c.id, ...issue(c.id, c.userId) });
  });

  server.get(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const c = openConversation(req, res);
    if (!c) return;
    const raw = String((req.query as Record<string, unknown> | undefined)?.watermark ?? '');
    if (raw !== '' && !/^\d{1,12}$/.test(raw)) {
      send(res, 400, { error: { code: 'BadArgument', message: 'watermark must be a number' } });
      return;
    }
    const after = raw === '' ? 0 : Number(raw);
    touch(c);
    const activities = c.activities.filter((s) => s.seq > after).map((s) => s.activity);
    send(res, 200, { activities, watermark: String(c.seq) });
  });

  server.post(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`, clientBody, async (req: Request, res: Response) => {
    const c = openConversation(req, res);
    if (!c) return;
    const problem = validateClientActivity(req.body);
    if (problem) {
      send(res, 400, { error: { code: 'BadArgument', message: problem } });
      return;
    }
    if (c.queued >= limits.maxQueuedPerConversation) {
      res.setHeader('Retry-After', '2');
      send(res, 429, { error: { code: 'TooManyRequests', message: 'too many messages waiting for the bot; slow down' } });
      return;
    }
    const body = req.body as Record<string, unknown>;
    const activity: Record<string, unknown> = {};
    for (const k of CLIENT_FIELDS) if (body[k] !== undefined) activity[k] = body[k];
    const clientFrom = isObj(body.from) ? body.from : {};
    const name = typeof clientFrom.name === 'string' && clientFrom.name.length <= 100 ? clientFrom.name : undefined;
    activity.from = { id: c.userId, ...(name ? { name } : {}), role: 'user' };
    activity.conversation = { id: c.id };
    activity.channelId = 'webchat';
    activity.timestamp = new Date(now()).toISOString();
    if (!activity.locale && c.locale) activity.locale = c.locale;

    if (activity.type === 'typing') {
      // Not stored or forwarded: nothing on this bot reacts to typing.
      touch(c);
      send(res, 200, { id: `${c.id}|typing` });
      return;
    }
    // Echo the user's activity into the list first (as the real service does), so it comes before
    // the replies the bot sends during its turn.
    const stored = append(c, { ...activity, recipient: { id: bot.id, name: bot.name, role: 'bot' } });
    const status = await forward(c, toBot(c, { ...activity, id: stored.activity.id }));
    if (status >= 200 && status < 300) send(res, 200, { id: stored.activity.id });
    else send(res, 502, { error: { code: 'BotError', message: `the bot could not process the activity (HTTP ${status})` } });
  });

  server.post(`${DIRECT_LINE_PREFIX}/conversations/:conversationId/upload`, async (req: Request, res: Response) => {
    const id = String(req.params.conversationId ?? '');
    if (!authorize(req, res, id)) return;
    send(res, 415, { error: { code: 'NotSupported', message: 'file uploads are not supported; please type the error code or message instead' } });
  });

  // --- the channel side: the bot's replies and proactive messages ----------------------------

  const receive = async (req: Request, res: Response) => {
    if (!isLocalRequest(req) || !sameKey(String(req.params.hop ?? ''))) {
      send(res, 403, { error: { code: 'Forbidden', message: 'only the bot on this machine may post here' } });
      return;
    }
    const id = String(req.params.conversationId ?? '');
    const c = get(id);
    if (!c) {
      send(res, 404, { error: { code: 'ConversationNotFound', message: 'unknown or expired conversation' } });
      return;
    }
    const body: unknown = req.body;
    if (!isObj(body) || typeof body.type !== 'string' || !body.type) {
      send(res, 400, { error: { code: 'BadArgument', message: 'body must be an activity with a type' } });
      return;
    }
    if (jsonDepth(body) > MAX_JSON_DEPTH) {
      send(res, 400, { error: { code: 'BadArgument', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` } });
      return;
    }
    const { serviceUrl: _s, id: _id, ...rest } = body;
    // A replyToId that is not one of this conversation's activities (the join event, or the SDK's
    // proactive path, which replies to its own continuation event) is dropped: Web Chat holds a reply
    // back for up to 5 s waiting for the activity it replies to.
    const asked = typeof req.params.replyToId === 'string' ? req.params.replyToId : rest.replyToId;
    const m = typeof asked === 'string' ? /^(.+)\|(\d{7,})$/.exec(asked) : null;
    const replyToId = m && m[1] === c.id && Number(m[2]) <= c.seq ? asked : undefined;
    delete rest.replyToId;
    const activity: Record<string, unknown> = {
      ...rest,
      ...(replyToId ? { replyToId } : {}),
      channelId: 'webchat',
      conversation: { id: c.id },
      from: isObj(rest.from) && typeof rest.from.id === 'string' ? { ...rest.from, role: 'bot' } : { id: bot.id, name: bot.name, role: 'bot' },
      recipient: { id: c.userId, role: 'user' },
      timestamp: new Date(now()).toISOString(),
    };
    const stored = append(c, activity);
    send(res, 200, { id: stored.activity.id });
  };
  server.post(`${CHANNEL_PREFIX}/:hop/v3/conversations/:conversationId/activities`, botBody, receive);
  server.post(`${CHANNEL_PREFIX}/:hop/v3/conversations/:conversationId/activities/:replyToId`, botBody, receive);

  const timer = setInterval(sweep, Math.max(50, Math.min(60_000, Math.floor(limits.conversationIdleMs / 2))));
  timer.unref();
  server.server?.on?.('close', () => clearInterval(timer));

  return {
    size: () => conversations.size,
    sweep,
    close: () => clearInterval(timer),
    limits,
    serviceUrl,
    serviceUrlKind: (url, conversationId) => {
      const own = serviceUrl();
      if (url === own) return 'own';
      // One of this channel's conversations named with any other serviceUrl: someone posing as its user.
      if (conversationId && conversations.has(conversationId)) return 'forged';
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return 'other';
      }
      // This server's channel path without the key (another server's web chat is just another caller).
      const sameOrigin = parsed.origin === new URL(own).origin;
      return sameOrigin && (parsed.pathname.startsWith(`${CHANNEL_PREFIX}/`) || parsed.pathname === CHANNEL_PREFIX) ? 'forged' : 'other';
    },
  };
}
