/**
 * The page's side of the built-in Direct Line (the subset of Direct Line 3.0 that DirectLineJS sends
 * in polling mode; see ../directline.ts for the list). Every instance serves every conversation: the
 * state is in the conversation store, the token is checked with the shared key.
 */
import { randomBytes } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import { sourceKey } from '../console/login-limits.js';
import { isObj, userActivity, validateClientActivity } from './activities.js';
import { guarded, send, toBot, type DirectLineContext } from './context.js';
import { DIRECT_LINE_PREFIX, MAX_CLIENT_BODY_BYTES } from './limits.js';
import { pathParam } from '../request-params.js';
import { clientIp } from './network.js';
import type { StoredConversation } from './store.js';
import { bearer, signToken, verifyToken, type TokenClaims } from './tokens.js';

const ID_RE = /^[A-Za-z0-9_-]{16,64}$/;
const LOCALE_RE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export function registerClientRoutes(server: Server, ctx: DirectLineContext): void {
  const { limits, store, logger } = ctx;
  const now = ctx.now;
  const nowSec = () => Math.floor(now() / 1000);

  const issue = async (conv: string, user: string) => {
    const keys = await ctx.keys.get();
    const iat = nowSec();
    return { token: await signToken(keys.tokenKey, { conv, user, iat, exp: iat + limits.tokenTtlSeconds }), expires_in: limits.tokenTtlSeconds };
  };

  /** Checks the bearer token (and, with `conversationId`, that it belongs to that conversation). */
  const authorize = async (req: Request, res: Response, conversationId?: string): Promise<TokenClaims | undefined> => {
    const keys = await ctx.keys.get();
    const check = await verifyToken(keys.tokenKey, bearer(req), nowSec());
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

  /** The caller's token must be for this conversation, and the conversation must still exist (404 otherwise). */
  const openConversation = async (req: Request, res: Response): Promise<StoredConversation | undefined> => {
    const id = pathParam(req, 'conversationId');
    if (!(await authorize(req, res, id))) return undefined;
    const c = await store.open(id, now());
    if (!c) send(res, 404, { error: { code: 'BadArgument', message: 'conversation not found or ended' } });
    return c;
  };

  const clientBody = restify.plugins.bodyParser({ maxBodySize: MAX_CLIENT_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });
  const optionalBody = restify.plugins.bodyParser({ maxBodySize: 16 * 1024, mapParams: false, mapFiles: false, rejectUnknown: false });

  // --- tokens ---------------------------------------------------------------------------------

  server.post(
    `${DIRECT_LINE_PREFIX}/tokens/generate`,
    optionalBody,
    guarded(ctx, 'tokens/generate', async (req, res) => {
      // Per source address, counted in the store (all instances together). A store that cannot count
      // lets the request through: a token costs nothing until a conversation is started, which needs
      // the store anyway.
      const verdict = await ctx.tokenLimiter.take(sourceKey(clientIp(req))).catch((err: unknown) => {
        logger.warn({ err: { message: (err as Error)?.message } }, 'direct line: token rate limit unavailable; not limiting');
        return undefined;
      });
      if (verdict && !verdict.allowed) {
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        send(res, 429, { error: { code: 'TooManyRequests', message: 'too many conversations started from this address; try again later' } });
        return;
      }
      // Nothing is stored until the conversation is started: a token costs no memory.
      const keys = await ctx.keys.get();
      const conversationId = keys.newConversationId();
      const user = `dl_${randomBytes(12).toString('base64url')}`;
      send(res, 200, { conversationId, ...(await issue(conversationId, user)) });
    }),
  );

  server.post(
    `${DIRECT_LINE_PREFIX}/tokens/refresh`,
    optionalBody,
    guarded(ctx, 'tokens/refresh', async (req, res) => {
      const claims = await authorize(req, res);
      if (!claims) return;
      await store.open(claims.conv, now());
      send(res, 200, { conversationId: claims.conv, ...(await issue(claims.conv, claims.user)) });
    }),
  );

  // --- conversations --------------------------------------------------------------------------

  server.post(
    `${DIRECT_LINE_PREFIX}/conversations`,
    optionalBody,
    guarded(ctx, 'conversations', async (req, res) => {
      const claims = await authorize(req, res);
      if (!claims) return;
      if (!ID_RE.test(claims.conv)) {
        send(res, 403, { error: { code: 'TokenInvalid', message: 'invalid token' } });
        return;
      }
      const body = isObj(req.body) ? req.body : {};
      const locale = typeof body.locale === 'string' && LOCALE_RE.test(body.locale) ? body.locale : undefined;
      // Atomic in the store: the same token posted to two instances at once starts one conversation.
      const { conversation: c, created } = await store.create({ id: claims.conv, userId: claims.user, ...(locale ? { locale } : {}) }, now());
      send(res, created ? 201 : 200, { conversationId: c.id, ...(await issue(c.id, c.userId)) });
      if (!created) return;
      // As the real service does: tell the bot the user joined (the bot answers with its welcome).
      void ctx.forward(
        c.id,
        toBot(ctx, c, {
          type: 'conversationUpdate',
          id: `${c.id}|join`,
          timestamp: new Date(now()).toISOString(),
          from: { id: c.userId, role: 'user' },
          membersAdded: [{ id: c.userId }],
          ...(c.locale ? { locale: c.locale } : {}),
        }),
      );
    }),
  );

  server.get(
    `${DIRECT_LINE_PREFIX}/conversations/:conversationId`,
    guarded(ctx, 'reconnect', async (req, res) => {
      const c = await openConversation(req, res);
      if (!c) return;
      send(res, 200, { conversationId: c.id, ...(await issue(c.id, c.userId)) });
    }),
  );

  server.get(
    `${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`,
    guarded(ctx, 'get activities', async (req, res) => {
      const id = pathParam(req, 'conversationId');
      if (!(await authorize(req, res, id))) return;
      const given = (req.query as Record<string, unknown> | undefined)?.watermark;
      // A repeated or nested parameter (an array or object from the query parser) is no number either.
      const raw = given === undefined || given === null ? '' : typeof given === 'string' ? given : JSON.stringify(given);
      if (raw !== '' && !/^\d{1,12}$/.test(raw)) {
        send(res, 400, { error: { code: 'BadArgument', message: 'watermark must be a number' } });
        return;
      }
      // The list and the watermark come from one snapshot of the store: polling with the watermark
      // returned here (on any instance) neither misses nor repeats an activity.
      const page = await store.activities(id, raw === '' ? 0 : Number(raw), now());
      if (!page) {
        send(res, 404, { error: { code: 'BadArgument', message: 'conversation not found or ended' } });
        return;
      }
      send(res, 200, { activities: page.activities, watermark: String(page.watermark) });
    }),
  );

  server.post(
    `${DIRECT_LINE_PREFIX}/conversations/:conversationId/activities`,
    clientBody,
    guarded(ctx, 'post activity', async (req, res) => {
      const c = await openConversation(req, res);
      if (!c) return;
      const problem = validateClientActivity(req.body);
      if (problem) {
        send(res, 400, { error: { code: 'BadArgument', message: problem } });
        return;
      }
      if (ctx.queued(c.id) >= limits.maxQueuedPerConversation) {
        res.setHeader('Retry-After', '2');
        send(res, 429, { error: { code: 'TooManyRequests', message: 'too many messages waiting for the bot; slow down' } });
        return;
      }
      const activity = userActivity(req.body as Record<string, unknown>, c, new Date(now()).toISOString());
      if (activity.type === 'typing') {
        // Not stored or forwarded: nothing on this bot reacts to typing (opening the conversation marked it active).
        send(res, 200, { id: `${c.id}|typing` });
        return;
      }
      // Echo the user's activity into the list first (as the real service does), so it comes before
      // the replies the bot sends during its turn.
      const stored = await store.append(c.id, { ...activity, recipient: { id: ctx.bot.id, name: ctx.bot.name, role: 'bot' } }, now());
      if (!stored) {
        send(res, 404, { error: { code: 'BadArgument', message: 'conversation not found or ended' } });
        return;
      }
      const status = await ctx.forward(c.id, toBot(ctx, c, { ...activity, id: stored.id }));
      if (status >= 200 && status < 300) send(res, 200, { id: stored.id });
      else send(res, 502, { error: { code: 'BotError', message: `the bot could not process the activity (HTTP ${status})` } });
    }),
  );

  server.post(
    `${DIRECT_LINE_PREFIX}/conversations/:conversationId/upload`,
    guarded(ctx, 'upload', async (req, res) => {
      const id = pathParam(req, 'conversationId');
      if (!(await authorize(req, res, id))) return;
      send(res, 415, { error: { code: 'NotSupported', message: 'file uploads are not supported; please type the error code or message instead' } });
    }),
  );
}
