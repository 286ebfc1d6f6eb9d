/**
 * The bot's side of the built-in Direct Line: user activities are POSTed to the bot's
 * `/api/messages` on this same server (the real CloudAdapter path) with `channelId: 'webchat'` and
 * `serviceUrl: <base>/v3/directline-channel/<hop key>/`; the bot's replies and proactive messages come
 * back to
 *
 *   POST /v3/directline-channel/<hop key>/v3/conversations/:id/activities[/:replyToId]   → {id}
 *
 * which accepts only requests from this machine carrying the hop key, for known conversations.
 *
 * The hop key is derived from the channel's master secret (tokens.ts), so it is the same on every
 * instance and after a restart: a conversation reference stored with one instance's serviceUrl (a
 * hand-off, a live agent writing later from another instance) is accepted by whichever instance
 * answers at that address; the activity lands in the shared conversation store either way.
 */
import { randomUUID } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import { logId } from '../../log.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../activity-validation.js';
import { botActivity, isObj, type Activity } from './activities.js';
import { guarded, send, type DirectLineContext } from './context.js';
import { CHANNEL_PREFIX, MAX_BOT_BODY_BYTES } from './limits.js';
import { pathParam } from '../request-params.js';
import { isLocalRequest } from './network.js';
import { CONVERSATION_ID_LENGTH, type KeyRing } from './tokens.js';
import { LRUCache } from 'lru-cache';

// Function-valued properties, not methods: the server hands them on unbound (neither uses `this`).
export interface Forwarder {
  forward: (conversationId: string, activity: Activity) => Promise<number>;
  queued: (conversationId: string) => number;
}

/** How often a forward waiting for another instance's lease on the conversation tries again. */
const LEASE_RETRY_MS = 10;

/**
 * Sends activities to the bot one at a time per conversation (the bot's state is per conversation,
 * and a turn must see the state the previous one wrote): in this process a queue per conversation,
 * across instances a lease in the conversation store held for the bot's HTTP answer (which comes
 * after the turn saved its state). Queues exist only while something waits, so idle conversations
 * cost nothing. If the store cannot lease, or another holder keeps the lease past the bot timeout,
 * the activity goes anyway: late is worse than the rare overlap the bot's eTags then catch.
 */
export function createForwarder(ctx: Pick<DirectLineContext, 'logger' | 'limits' | 'store' | 'now'>, botEndpoint: () => string): Forwarder {
  const queues = new Map<string, { tail: Promise<unknown>; queued: number }>();
  const leaseMs = ctx.limits.botTimeoutMs + 5000;
  const takeLease = async (id: string, holder: string): Promise<boolean> => {
    const deadline = Date.now() + ctx.limits.botTimeoutMs;
    try {
      while (!(await ctx.store.lease(id, holder, leaseMs, ctx.now()))) {
        if (Date.now() > deadline) {
          ctx.logger.warn({ conversation: logId(id) }, 'direct line: another instance kept the conversation past the bot timeout; forwarding anyway');
          return false;
        }
        await new Promise((r) => setTimeout(r, LEASE_RETRY_MS));
      }
      return true;
    } catch (err) {
      ctx.logger.warn(
        { conversation: logId(id), err: { message: (err as Error)?.message } },
        'direct line: could not lease the conversation; forwarding anyway',
      );
      return false;
    }
  };
  return {
    queued: (id) => queues.get(id)?.queued ?? 0,
    forward(id, activity) {
      let q = queues.get(id);
      if (!q) {
        q = { tail: Promise.resolve(), queued: 0 };
        queues.set(id, q);
      }
      const queue = q;
      queue.queued += 1;
      const run = async (): Promise<number> => {
        const holder = randomUUID();
        const leased = await takeLease(id, holder);
        try {
          const res = await fetch(botEndpoint(), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(activity),
            signal: AbortSignal.timeout(ctx.limits.botTimeoutMs),
          });
          await res.arrayBuffer();
          if (res.status >= 300)
            ctx.logger.warn({ conversation: logId(id), status: res.status, activityType: activity.type }, 'bot did not accept a direct line activity');
          return res.status;
        } catch (err) {
          ctx.logger.warn(
            { conversation: logId(id), err: { name: (err as Error)?.name, message: (err as Error)?.message } },
            'could not deliver a direct line activity to the bot',
          );
          return 502;
        } finally {
          if (leased) await ctx.store.unlease(id, holder).catch(() => undefined);
          queue.queued -= 1;
          if (queue.queued === 0 && queues.get(id) === queue) queues.delete(id);
        }
      };
      const p = queue.tail.then(run, run);
      queue.tail = p.catch(() => undefined);
      return p;
    },
  };
}

export function registerChannelRoutes(server: Server, ctx: DirectLineContext): void {
  const botBody = restify.plugins.bodyParser({ maxBodySize: MAX_BOT_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true });

  const receive = guarded(ctx, 'channel', async (req: Request, res: Response) => {
    const keys = await ctx.keys.get();
    if (!isLocalRequest(req) || !keys.isHopKey(pathParam(req, 'hop'))) {
      send(res, 403, { error: { code: 'Forbidden', message: 'only the bot on this machine may post here' } });
      return;
    }
    const id = pathParam(req, 'conversationId');
    const c = await ctx.store.open(id, ctx.now());
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
    const stored = await ctx.store.append(
      id,
      botActivity(body, req.params as Record<string, unknown> | undefined, c, ctx.bot, new Date(ctx.now()).toISOString()),
      ctx.now(),
    );
    if (!stored) {
      send(res, 404, { error: { code: 'ConversationNotFound', message: 'unknown or expired conversation' } });
      return;
    }
    send(res, 200, { id: stored.id });
  });
  server.post(`${CHANNEL_PREFIX}/:hop/v3/conversations/:conversationId/activities`, botBody, receive);
  server.post(`${CHANNEL_PREFIX}/:hop/v3/conversations/:conversationId/activities/:replyToId`, botBody, receive);
}

const ID_SHAPE = /^[A-Za-z0-9_-]+$/;

/** Parsed service URLs: a turn asks about its serviceUrl twice, and a deployment sees only a few. */
/** Bounded: whoever calls may send any serviceUrl (least recently used out first). */
const parsedUrls = new LRUCache<string, { url: { origin: string; pathname: string } | null }>({ max: 256 });

function parseUrl(url: string): { origin: string; pathname: string } | null {
  let parsed = parsedUrls.get(url)?.url;
  if (parsed === undefined) {
    try {
      const u = new URL(url);
      parsed = { origin: u.origin, pathname: u.pathname };
    } catch {
      parsed = null;
    }
    parsedUrls.set(url, { url: parsed });
  }
  return parsed;
}

/**
 * Whether an activity's serviceUrl is this channel's: `own` (with the hop key), `forged` (this
 * channel's path without the key, or one of its conversations under another serviceUrl: someone posing
 * as a web-chat user), `other`. Synchronous (the /api/messages check): a conversation is recognised as
 * this channel's by the MAC in its id, not by a store lookup, so it works for conversations started
 * on any instance. Before the keys are loaded nothing can be `own`, and every id of the channel's shape
 * counts as its own.
 */
export function serviceUrlKind(keys: KeyRing, baseUrl: string, url: string, conversationId?: string): 'own' | 'forged' | 'other' {
  const current = keys.current;
  if (current && url === `${baseUrl}${CHANNEL_PREFIX}/${current.hopKey}/`) return 'own';
  if (conversationId) {
    const ours = current ? current.isOwnConversationId(conversationId) : conversationId.length === CONVERSATION_ID_LENGTH && ID_SHAPE.test(conversationId);
    if (ours) return 'forged';
  }
  const parsed = parseUrl(url);
  if (!parsed) return 'other';
  // This server's channel path without the key (another server's web chat is just another caller).
  const sameOrigin = parsed.origin === parseUrl(baseUrl)?.origin; // not listening yet: no origin
  return sameOrigin && (parsed.pathname.startsWith(`${CHANNEL_PREFIX}/`) || parsed.pathname === CHANNEL_PREFIX) ? 'forged' : 'other';
}
