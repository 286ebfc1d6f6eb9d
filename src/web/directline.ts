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
 * and, towards the bot, it is a Bot Framework channel like the real service (directline/channel.ts).
 *
 * Anonymous mode only: replies are accepted without a Bot Framework token and the bot's outbound
 * calls carry none. When `MicrosoftAppId` is set the bot would send Azure AD tokens to the channel and
 * expect signed tokens from it, so `routes.ts` does not register this module then; use Azure Direct
 * Line (`DIRECT_LINE_SECRET`) in that setup.
 *
 * Scale-out: conversations (user, activities, watermarks, last activity) live in the conversation
 * store that matches the bot's store (directline/store.ts: Redis shared by all instances, with a TTL
 * of the idle time and size bounds; SQLite in the store's file; memory for one process). Tokens are
 * stateless and every key derives from one master secret (directline/tokens.ts) kept in that store or
 * configured as DIRECT_LINE_TOKEN_SECRET, so a token from one instance, the hop key in a stored
 * serviceUrl and the conversation ids are accepted by all of them and after a restart. Token
 * generation is rate-limited per source address in the store too. The bot gets a conversation's
 * activities one at a time across instances (a lease in the store, directline/channel.ts); only the
 * limit on activities waiting for it (maxQueuedPerConversation) counts per process.
 *
 * Polling only: Web Chat's WebSocket mode (`streamUrl`) would need a WebSocket server and, across
 * instances, a push channel between them (Redis pub/sub) for activities appended elsewhere; the page
 * is configured with `webSocket: false`.
 *
 * Files: directline/limits.ts (paths, limits), tokens.ts (tokens, keys), activities.ts (validation and
 * shapes), store*.ts (the conversation store), routes.ts (the page's side), channel.ts (the bot's side),
 * context.ts (what those share), network.ts (who is calling).
 */
import type { Server } from 'restify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { BotStore } from '../storage/index.js';
import { StoreLimiter } from '../storage/rate-limiters.js';
import { createForwarder, registerChannelRoutes, serviceUrlKind } from './directline/channel.js';
import type { DirectLineContext } from './directline/context.js';
import { CHANNEL_PREFIX, DEFAULT_LIMITS, type DirectLineLimits } from './directline/limits.js';
import { registerClientRoutes } from './directline/routes.js';
import { createDirectLineStore, type DirectLineStore } from './directline/store.js';
import { KeyRing } from './directline/tokens.js';

export { activityId, validateClientActivity } from './directline/activities.js';
export {
  CHANNEL_PREFIX,
  DEFAULT_LIMITS,
  DIRECT_LINE_PREFIX,
  MAX_ATTACHMENTS,
  MAX_BOT_BODY_BYTES,
  MAX_CLIENT_BODY_BYTES,
  MAX_TEXT_CHARS,
  type DirectLineLimits,
} from './directline/limits.js';
export { clientIp, isLocalRequest } from './directline/network.js';
export { createDirectLineStore, type DirectLineStore } from './directline/store.js';
export { signToken, verifyToken, type TokenCheck, type TokenClaims } from './directline/tokens.js';

/** SQLite table of the web chat's rate-limit counters (token generation per source). */
export const SQLITE_WEB_LIMITS_TABLE = 'web_rate_limits';

export interface DirectLineOptions {
  config: Config;
  logger: Logger;
  /** This server's own base URL (known only after listen), e.g. http://127.0.0.1:3978. */
  baseUrl: () => string;
  /** The bot's store: the conversations and counters go where it keeps its data (memory when absent). */
  store?: BotStore;
  /** Where user activities go; default `${baseUrl()}/api/messages`. */
  botEndpoint?: () => string;
  /** The bot as the client sees it. */
  bot?: { id: string; name: string };
  limits?: Partial<DirectLineLimits>;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface DirectLineService {
  /** Number of conversations kept (as last seen by this instance; exact for the memory store). */
  size(): number;
  /** Drops idle conversations now (also runs on a timer and on each request). */
  sweep(): void;
  /** Resolves once the channel's keys are loaded (immediately with a configured secret or the memory store). */
  ready(): Promise<void>;
  /** Stops the timer. */
  close(): void;
  limits: DirectLineLimits;
  store: DirectLineStore;
  /**
   * Whether an activity's serviceUrl is this channel's: `own` (with the hop key), `forged` (this
   * channel's path without the key, or one of its conversations under another serviceUrl: someone
   * posing as a web-chat user), `other`.
   */
  serviceUrlKind(url: string, conversationId?: string): 'own' | 'forged' | 'other';
  /** The serviceUrl this channel hands the bot (with the hop key): for the bot's own proactive messages. */
  serviceUrl(): string;
}

/** How often the master secret is checked against the store (see KeyRing.refresh). */
const KEY_REFRESH_MS = 60_000;

export function registerDirectLine(server: Server, options: DirectLineOptions): DirectLineService {
  const limits: DirectLineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { logger } = options;
  const now = options.now ?? Date.now;
  const store = createDirectLineStore(options.store, limits);
  const keys = new KeyRing(store, options.config.directLineTokenSecret, (why) => logger.warn({ why }, 'direct line keys changed'));
  const serviceUrl = () => {
    const current = keys.current;
    if (!current) throw new Error('built-in Direct Line: keys not loaded yet (await ready())');
    return `${options.baseUrl()}${CHANNEL_PREFIX}/${current.hopKey}/`;
  };
  const forwarder = createForwarder({ logger, limits, store, now }, options.botEndpoint ?? (() => `${options.baseUrl()}/api/messages`));
  const tokenLimiter = new StoreLimiter(options.store, {
    redisKeyPrefix: 'directline:tokens:source:',
    sqliteTable: SQLITE_WEB_LIMITS_TABLE,
    keyPrefix: 'directline-tokens',
    points: limits.tokenRate.max,
    durationSeconds: limits.tokenRate.windowMs / 1000,
  });
  const ctx: DirectLineContext = {
    limits,
    logger,
    now,
    store,
    keys,
    bot: options.bot ?? { id: 'efaktur-helpdesk-bot', name: 'Asisten e-Faktur' },
    tokenLimiter,
    serviceUrl,
    forward: forwarder.forward,
    queued: forwarder.queued,
  };
  registerClientRoutes(server, ctx);
  registerChannelRoutes(server, ctx);

  let lastKeyCheck = now();
  const sweep = () => {
    void store.sweep(now()).catch((err: unknown) => logger.debug({ err: { message: (err as Error)?.message } }, 'direct line sweep failed'));
    if (now() - lastKeyCheck >= KEY_REFRESH_MS) {
      lastKeyCheck = now();
      void keys.refresh().catch((err: unknown) => logger.debug({ err: { message: (err as Error)?.message } }, 'direct line key check failed'));
    }
  };
  const timer = setInterval(sweep, Math.max(50, Math.min(60_000, Math.floor(limits.conversationIdleMs / 2))));
  timer.unref();
  const close = () => {
    clearInterval(timer);
    tokenLimiter.close();
  };
  server.server?.on?.('close', close);

  return {
    size: () => store.size(),
    sweep,
    ready: async () => {
      await keys.get();
    },
    close,
    limits,
    store,
    serviceUrl,
    serviceUrlKind: (url, conversationId) => serviceUrlKind(keys, options.baseUrl(), url, conversationId),
  };
}
