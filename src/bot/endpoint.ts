/**
 * The Bot Framework side of the app, in one place: the adapter, the bot, the agents' Teams channel and
 * the delivery of agents' replies, wired together, and one call that runs a validated activity
 * through them and says what HTTP status to answer. The server only routes and validates; a move to
 * the Microsoft 365 Agents SDK replaces this folder.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../config.js';
import type { Core } from '../core.js';
import type { FlowEvent } from '../flow/state.js';
import type { AgentsMirror, LiveAgents, LiveAgentsOptions } from '../handoff/live.js';
import type { TicketStore } from '../handoff/tickets.js';
import { errInfo, logId, type Logger } from '../log.js';
import type { BotStore } from '../storage/index.js';
import { HelpdeskAdapter } from './adapter.js';
import { AgentsTeamsChannel } from './agents-channel.js';
import { HelpdeskBot } from './helpdesk-bot.js';
import { userDelivery } from './proactive.js';
import { contactsMarkdown, textActivity } from './render.js';

/** Where a turn keeps the caller's address (anonymous mode: the new-conversation budget). */
const SOURCE_KEY = Symbol('source');

export interface BotEndpointOptions {
  config: Config;
  core: Core;
  store: BotStore;
  logger: Logger;
  tickets: TicketStore;
  /** The live-agent queue, built with the ports this layer provides (replies to users, the Teams channel). */
  live: (ports: Pick<LiveAgentsOptions, 'deliver'> & { mirror?: AgentsMirror }) => LiveAgents;
  /** Whether a new conversation from this source may start (anonymous mode's budget per address). */
  admitSource?: (source: string) => Promise<boolean>;
  onEvents: (events: FlowEvent[], conversationId: string) => Promise<void>;
  /** Outbound token source for the connector (see HelpdeskAdapter); default from the credentials. */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export interface BotEndpoint {
  adapter: HelpdeskAdapter;
  bot: HelpdeskBot;
  live: LiveAgents;
  /**
   * Runs one activity (already validated at the edge) as the channel sent it. `source`: the caller's
   * address, counted when the activity starts a conversation.
   */
  process(authorization: string, activity: unknown, source?: string): Promise<{ status: number; body?: unknown }>;
}

export function createBotEndpoint(o: BotEndpointOptions): BotEndpoint {
  const { config, core, logger } = o;
  const adapter = new HelpdeskAdapter(config, o.credentialsFactory);
  const content = () => core.catalog.bot;
  const agentsChannel = new AgentsTeamsChannel({
    adapter,
    tickets: o.tickets,
    storage: o.store,
    logger,
    bot: content,
    appId: config.auth.appId,
    agentsTeams: config.agentsTeams,
  });
  const live = o.live({
    deliver: userDelivery(adapter, config.auth.appId, content),
    // Only with a configured agents' channel (and credentials) can Teams agents take conversations.
    mirror: config.agentsTeams ? agentsChannel : undefined,
  });
  const admitSource = o.admitSource;
  const bot = new HelpdeskBot({
    core,
    store: o.store,
    logger,
    tickets: o.tickets,
    live,
    agentsChannel,
    rateLimit: config.rateLimit,
    admitNewConversation: admitSource
      ? async (context) => {
          const source = context.turnState.get<string | undefined>(SOURCE_KEY);
          return !source || (await admitSource(source));
        }
      : undefined,
    onEvents: o.onEvents,
  });

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errInfo(error), conversation: logId(context.activity.conversation?.id), activityType: context.activity.type }, 'turn failed');
    try {
      if (context.activity.type === 'message') {
        const b = core.catalog.bot;
        await context.sendActivity(textActivity(`${b.messages.error}\n\n${contactsMarkdown(b)}`));
      }
    } catch (sendErr) {
      logger.error({ err: errInfo(sendErr) }, 'could not tell the user about the failed turn');
    }
  };

  return {
    adapter,
    bot,
    live,
    async process(authorization, body, source) {
      const activity = body as Activity;
      try {
        const invoke = await adapter.handle(authorization, activity, (ctx) => {
          if (source) ctx.turnState.set(SOURCE_KEY, source);
          return bot.run(ctx);
        });
        return invoke ? { status: invoke.status, body: invoke.body } : { status: 200 };
      } catch (err) {
        // jsonwebtoken's own errors (bad signature, malformed, not yet valid) escape the SDK unwrapped.
        const jwtError = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'].includes((err as Error)?.name);
        if (err instanceof AuthenticationError || jwtError || (err as { statusCode?: number })?.statusCode === 401) {
          logger.warn({ reason: (err as Error).message?.slice(0, 200), channel: activity.channelId }, 'request rejected: authentication failed');
          return { status: 401, body: { error: 'unauthorized: a valid channel token is required' } };
        }
        logger.error({ err: errInfo(err) }, 'activity processing failed');
        return { status: 500, body: { error: 'internal error' } };
      }
    },
  };
}
