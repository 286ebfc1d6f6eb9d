/**
 * The Bot Framework layer: reads activities into the conversation service's input, runs the turn in
 * conversation state, and renders the service's neutral replies for the channel (render.ts). What a
 * message leads to is decided in `src/conversation/` and `src/flow/`; this file only maps.
 */
import {
  EventFactory,
  TeamsActivityHandler,
  TurnContext,
  ActivityTypes,
  type Activity,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type Transcript,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Core } from '../core.js';
import type { ConversationData } from '../conversation/data.js';
import { RateLimiter } from '../conversation/rate-limit.js';
import { ConversationService } from '../conversation/service.js';
import { ConversationStates } from '../conversation/state.js';
import type { IncomingMessage, Outgoing } from '../conversation/types.js';
import type { FlowEvent } from '../flow/state.js';
import type { LiveAgents } from '../handoff/live.js';
import type { TicketStore } from '../handoff/tickets.js';
import { errInfo, logId } from '../log.js';
import type { BotStore } from '../storage/index.js';
import type { AgentsTeamsChannel } from './agents-channel.js';
import { contactsMarkdown, renderOutgoing, textActivity } from './render.js';
import { searchAnswers, selectAnswer } from './search-extension.js';

export type { ConversationData } from '../conversation/data.js';
export { STORE_TIMEOUT_MS } from '../conversation/state.js';

export interface HelpdeskBotOptions {
  core: Core;
  store: BotStore;
  logger: Logger;
  tickets?: TicketStore;
  /** Live agents and the Teams agents' channel, when configured. */
  live?: LiveAgents;
  agentsChannel?: AgentsTeamsChannel;
  /** Messages allowed per conversation and per user within `windowMs`. */
  rateLimit?: { messages: number; windowMs: number };
  /** Observers of the engine's events (the curation log, metrics). */
  onEvents?: (events: FlowEvent[], conversationId: string) => Promise<void>;
  /**
   * Whether a conversation the store has never seen may start (a per-source budget in anonymous mode,
   * so one client cannot fill the store with conversations). Default: always.
   */
  admitNewConversation?: (context: TurnContext) => Promise<boolean>;
}

export class HelpdeskBot extends TeamsActivityHandler {
  readonly service: ConversationService;
  private readonly states: ConversationStates;
  private readonly limiter: RateLimiter;

  constructor(private readonly options: HelpdeskBotOptions) {
    super();
    this.service = new ConversationService({
      core: options.core,
      store: options.store,
      logger: options.logger,
      tickets: options.tickets,
      live: options.live,
      onEvents: options.onEvents,
    });
    this.states = new ConversationStates(options.store, options.logger);
    // Counted in the store, so several instances together allow the limit once.
    this.limiter = new RateLimiter(options.store, options.rateLimit?.messages ?? 10, options.rateLimit?.windowMs ?? 10_000);

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const userJoined = (context.activity.membersAdded ?? []).some((m) => m.id && m.id !== botId);
      if (userJoined) await this.turn(context, async (data) => this.service.welcome(data));
      await next();
    });

    this.onMessage(async (context, next) => {
      const a = context.activity;
      const verdict = await this.limiter.check(`c:${a.channelId}:${a.conversation?.id}`, `u:${a.channelId}:${a.from?.id}`);
      if (!verdict.allowed) {
        if (verdict.notify) await context.sendActivity(textActivity(this.core.catalog.bot.messages.rateLimited));
        this.options.logger.warn({ conversation: logId(a.conversation?.id), channel: a.channelId }, 'rate limited');
        return;
      }
      // Agents working in the Teams agents' channel (registration, "Ambil", thread replies).
      if (this.options.agentsChannel && this.options.live && (await this.options.agentsChannel.handle(context, this.options.live))) return;
      await this.turn(context, (data) => this.service.message(incoming(context), data));
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === 'handoff.status') {
        await this.turn(context, (data) => this.service.handoffStatus((context.activity.value ?? {}) as { state?: string; message?: string }, data));
      }
      await next();
    });
  }

  get core(): Core {
    return this.options.core;
  }

  get tickets(): TicketStore {
    return this.service.tickets;
  }

  get usage(): ConversationService['usage'] {
    return this.service.usage;
  }

  /** The store key of a conversation's data (the same key botbuilder's ConversationState uses). */
  static stateKey(activity: Partial<Activity>): string {
    return ConversationStates.key(activity.channelId, activity.conversation?.id);
  }

  /** Runs a turn in conversation state and sends its replies; a failing store gets the apology with the contacts. */
  private async turn(context: TurnContext, run: (data: ConversationData) => Promise<Outgoing[]> | Outgoing[]): Promise<void> {
    const a = context.activity;
    const bot = this.core.catalog.bot;
    const admit = this.options.admitNewConversation;
    const outcome = await this.states.run(
      a.channelId,
      a.conversation?.id ?? '',
      async (data) => this.send(context, await run(data)),
      admit ? () => admit(context) : undefined,
    );
    if (outcome === 'refused') await context.sendActivity(textActivity(bot.messages.tooManyConversations));
    else if (outcome === 'unavailable') await context.sendActivity(textActivity(`${bot.messages.storeDown}\n\n${contactsMarkdown(bot)}`));
  }

  private async send(context: TurnContext, replies: Outgoing[]): Promise<void> {
    const a = context.activity;
    const { activities, handoff } = renderOutgoing(this.core.catalog.bot, a.channelId, replies);
    if (activities.length) await context.sendActivities(activities);
    // Hubs that speak the Bot Framework hand-off protocol get the context and the transcript.
    // Teams rejects this event (HTTP 400), so it is never sent there.
    if (!handoff || a.channelId === 'msteams') return;
    const { ticket } = handoff;
    const words = this.core.catalog.bot.transcript;
    const transcript: Transcript = {
      activities: handoff.transcript.map((e) => ({
        type: ActivityTypes.Message,
        text: e.text,
        timestamp: new Date(e.at),
        from:
          e.from === 'user'
            ? { id: a.from?.id ?? 'user', name: words.userName, role: 'user' }
            : { id: a.recipient?.id ?? 'bot', name: e.name ?? words.botName, role: 'bot' },
        conversation: a.conversation,
      })) as Activity[],
    };
    const handoffContext = {
      ref: ticket.ref,
      trigger: ticket.trigger,
      intent: ticket.intent,
      summary: ticket.summary,
      path: ticket.path,
      choices: ticket.choices,
      codes: ticket.codes,
      lastQuestion: ticket.lastQuestion,
      channel: ticket.channel,
    };
    try {
      await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript));
    } catch (err) {
      this.options.logger.warn({ err: errInfo(err) }, 'handoff.initiate was not accepted by the channel');
    }
  }

  /** Teams messaging extension: search canned answers (search-extension.ts). */
  protected override async handleTeamsMessagingExtensionQuery(
    _context: TurnContext,
    query: MessagingExtensionQuery | undefined,
  ): Promise<MessagingExtensionResponse> {
    return searchAnswers(query, this.core.answers, this.usage);
  }

  protected override async handleTeamsMessagingExtensionSelectItem(_context: TurnContext, value: unknown): Promise<MessagingExtensionResponse> {
    return selectAnswer(value, this.core.answers, this.usage, this.core.catalog.bot.canned.notFound);
  }
}

/** A message activity as the conversation service reads it. */
function incoming(context: TurnContext): IncomingMessage {
  const a = context.activity;
  let text = typeof a.text === 'string' ? a.text : '';
  // Card buttons (Action.Submit) send their data in `value`.
  if (!text && a.value && typeof a.value === 'object') {
    const v = a.value as Record<string, unknown>;
    if (typeof v.choice === 'string') text = v.choice;
  }
  // In Teams channels the bot's @mention is part of the text.
  if (a.channelId === 'msteams' && a.recipient?.id && text) text = TurnContext.removeMentionText(a, a.recipient.id) ?? text;
  return {
    text,
    attachmentsOnly: !text.trim() && (a.attachments?.length ?? 0) > 0,
    channel: a.channelId,
    conversationId: a.conversation?.id ?? '',
    userId: a.from?.id ?? '',
    activityId: a.id,
    reference: TurnContext.getConversationReference(a),
  };
}
