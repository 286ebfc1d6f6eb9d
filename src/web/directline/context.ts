/** What the protocol routes (routes.ts) and the channel side (channel.ts) share. */
import type { Request, Response } from 'restify';
import type { Logger } from '../../log.js';
import type { StoreLimiter } from '../../storage/rate-limiters.js';
import type { Activity, Party } from './activities.js';
import type { DirectLineLimits } from './limits.js';
import type { DirectLineStore, StoredConversation } from './store.js';
import type { KeyRing } from './tokens.js';

export interface DirectLineContext {
  limits: DirectLineLimits;
  logger: Logger;
  now: () => number;
  store: DirectLineStore;
  keys: KeyRing;
  bot: Party;
  /** Token generation per source address. */
  tokenLimiter: StoreLimiter;
  /** The serviceUrl handed to the bot (with the hop key). */
  serviceUrl: () => string;
  /** POSTs an activity to the bot (one at a time per conversation in this process); resolves with the HTTP status. */
  forward: (conversationId: string, activity: Activity) => Promise<number>;
  /** Activities of the conversation waiting for the bot in this process. */
  queued: (conversationId: string) => number;
}

export function send(res: Response, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.send(status, body);
}

/** The activity as the bot gets it: from this channel, for this conversation. */
export function toBot(ctx: DirectLineContext, c: Pick<StoredConversation, 'id'>, a: Activity): Activity {
  return {
    ...a,
    channelId: 'webchat',
    serviceUrl: ctx.serviceUrl(),
    conversation: { id: c.id },
    recipient: { id: ctx.bot.id, name: ctx.bot.name, role: 'bot' },
  };
}

/**
 * Wraps a handler: when the conversation store (or the key load) fails, the caller gets 503 with
 * Retry-After instead of a hung request; DirectLineJS retries those.
 */
export function guarded(ctx: DirectLineContext, route: string, handler: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      ctx.logger.warn({ err: { name: (err as Error)?.name, message: (err as Error)?.message }, route }, 'direct line: conversation store unavailable');
      if (res.headersSent) return;
      res.setHeader('Retry-After', '2');
      send(res, 503, { error: { code: 'ServiceUnavailable', message: 'the conversation store is unavailable; try again shortly' } });
    }
  };
}
