/**
 * The Bot Framework layer: receives activities, keeps the flow engine's state in conversation state,
 * renders the engine's replies for the channel, and carries out hand-offs (tickets, the
 * `handoff.initiate` event, contacts). The conversation itself is decided in `src/flow/`.
 */
import {
  ActivityTypes,
  EventFactory,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type Transcript,
} from 'botbuilder';
import type { Logger } from 'pino';
import { errInfo, logId } from '../log.js';
import { CONVERSATION_TRANSCRIPT_ENTRIES } from '../limits.js';
import type { MessagingExtensionQuery, MessagingExtensionResponse } from 'botbuilder';
import { AnswerUsage } from '../answers/usage.js';
import type { LiveAgents } from './live-agents.js';
import { RateLimiter } from './rate-limit.js';
import { shortCodeReply } from './canned.js';
import { searchAnswers, selectAnswer } from './search-extension.js';
import type { Core } from '../core.js';
import { newFlowState, reviveFlowState, topicOf, type FlowEvent, type FlowState, type HandoffTrigger, type Reply } from '../flow/engine.js';
import { buildSummary, copyReadySummary, formatCode } from '../handoff/summary.js';
import { TicketStore, type Ticket, type TranscriptEntry } from '../handoff/tickets.js';
import { mask } from '../privacy/index.js';
import { isStoreConflict, type BotStore } from '../storage/index.js';
import { answerBubbles, BUBBLE_MAX_CHARS } from '../answers/index.js';
import { choicesActivity, contactsCard, contactsMarkdown, supportsCards, textActivity, type OutActivity } from './render.js';

/** What the bot keeps per conversation (JSON; stored by the configured store). */
export interface ConversationData {
  flow: FlowState;
  /** Masked transcript, newest last, bounded. */
  transcript: TranscriptEntry[];
  /** The open hand-off of this conversation, if any. */
  handoffRef?: string;
  welcomed?: boolean;
}

const MAX_TRANSCRIPT = CONVERSATION_TRANSCRIPT_ENTRIES;
/** A store slower than this is treated as unavailable for the turn (the user gets the apology). */
export const STORE_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`state store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface HelpdeskBotOptions {
  core: Core;
  store: BotStore;
  logger: Logger;
  /** Messages allowed per conversation and per user within `windowMs`. */
  rateLimit?: { messages: number; windowMs: number };
  /** Observers of the engine's events (the curation log, metrics). */
  onEvents?: (events: FlowEvent[], context: TurnContext) => Promise<void>;
  /**
   * Whether a conversation the store has never seen may start (a per-source budget in anonymous mode,
   * so one client cannot fill the store with conversations). Default: always.
   */
  admitNewConversation?: (context: TurnContext) => Promise<boolean>;
}

function newConversationData(): ConversationData {
  return { flow: newFlowState(), transcript: [] };
}

export class HelpdeskBot extends TeamsActivityHandler {
  readonly tickets: TicketStore;
  readonly usage: AnswerUsage;
  /** Turns of one conversation run one after another in this process (double clicks, channel retries). */
  private readonly turnLocks = new Map<string, Promise<void>>();
  private readonly limiter: RateLimiter;
  /** Live agents (set by the server once the adapter exists). */
  live?: LiveAgents;

  constructor(private readonly options: HelpdeskBotOptions) {
    super();
    this.tickets = new TicketStore(options.store);
    this.usage = new AnswerUsage(options.store);
    // Counted in the store, so several instances together allow the limit once.
    this.limiter = new RateLimiter(options.store, options.rateLimit?.messages ?? 10, options.rateLimit?.windowMs ?? 10_000);

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const userJoined = (context.activity.membersAdded ?? []).some((m) => m.id && m.id !== botId);
      if (userJoined) await this.withState(context, async (data) => this.welcome(context, data));
      await next();
    });

    this.onMessage(async (context, next) => {
      const a = context.activity;
      const convKey = `c:${a.channelId}:${a.conversation?.id}`;
      const verdict = await this.limiter.check(convKey, `u:${a.channelId}:${a.from?.id}`);
      if (!verdict.allowed) {
        if (verdict.notify) await context.sendActivity(textActivity(this.core.catalog.bot.messages.rateLimited));
        this.options.logger.warn({ conversation: logId(a.conversation?.id), channel: a.channelId }, 'rate limited');
        return;
      }
      // Agents working in the Teams agents' channel (registration, "Ambil", thread replies).
      if (this.live && a.channelId === 'msteams' && (await this.live.handleTeamsAgentMessage(context))) return;
      await this.withState(context, async (data) => this.handleMessage(context, data));
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === 'handoff.status') await this.withState(context, async (data) => this.handleHandoffStatus(context, data));
      await next();
    });
  }

  get core(): Core {
    return this.options.core;
  }

  /** The store key of a conversation's data (the same key botbuilder's ConversationState uses). */
  static stateKey(activity: Partial<Activity>): string {
    return `${activity.channelId}/conversations/${activity.conversation?.id}/`;
  }

  /**
   * Loads conversation data, runs `fn`, saves it with the eTag it was read with. A failing store gets
   * an apology with the contacts. Turns of the same conversation are serialised in this process; a
   * concurrent turn on another instance is detected by the eTag and its state is kept (the user
   * already has this turn's replies, so nothing alarming is said).
   */
  private async withState(context: TurnContext, fn: (data: ConversationData) => Promise<void>): Promise<void> {
    const key = HelpdeskBot.stateKey(context.activity);
    const previous = this.turnLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => mine);
    this.turnLocks.set(key, chained);
    await previous;
    try {
      await this.runWithState(context, key, fn);
    } finally {
      release();
      if (this.turnLocks.get(key) === chained) this.turnLocks.delete(key);
    }
  }

  private async runWithState(context: TurnContext, key: string, fn: (data: ConversationData) => Promise<void>): Promise<void> {
    let data: ConversationData;
    let eTag: string | undefined;
    try {
      const items = await withTimeout(this.options.store.read([key]), STORE_TIMEOUT_MS);
      const item = items[key] as { data?: ConversationData; eTag?: string } | undefined;
      if (!item && this.options.admitNewConversation && !(await this.options.admitNewConversation(context))) {
        // Nothing is stored for it: the refusal costs the store nothing.
        this.options.logger.warn({ conversation: logId(context.activity.conversation?.id) }, 'new conversation refused: too many from this source');
        await context.sendActivity(textActivity(this.core.catalog.bot.messages.tooManyConversations));
        return;
      }
      eTag = item?.eTag;
      data = item?.data && typeof item.data === 'object' ? item.data : newConversationData();
      data.flow = reviveFlowState(data.flow);
      if (!Array.isArray(data.transcript)) data.transcript = [];
    } catch (err) {
      await this.storeDown(context, err);
      return;
    }
    await fn(data);
    try {
      await withTimeout(this.options.store.write({ [key]: { data, eTag: eTag ?? '*' } }), STORE_TIMEOUT_MS);
    } catch (err) {
      if (isStoreConflict(err)) {
        this.options.logger.warn({ conversation: logId(context.activity.conversation?.id) }, 'concurrent turn on another instance: its state was kept');
        return;
      }
      // The replies were sent; the step could not be saved. Tell the user honestly.
      await this.storeDown(context, err);
    }
  }

  private async storeDown(context: TurnContext, err: unknown): Promise<void> {
    this.options.logger.error({ err: errInfo(err), conversation: logId(context.activity.conversation?.id) }, 'state store unavailable');
    const bot = this.core.catalog.bot;
    await context.sendActivity(textActivity(`${bot.messages.storeDown}\n\n${contactsMarkdown(bot)}`));
  }

  /** Adds to the transcript: what people wrote is masked; the bot's own (authored) words are kept as they are. */
  private record(data: ConversationData, from: TranscriptEntry['from'], text: string, name?: string): void {
    if (!text) return;
    const entry: TranscriptEntry = { from, text: (from === 'bot' ? text : mask(text)).slice(0, 2000), at: new Date().toISOString() };
    if (name) entry.name = name;
    data.transcript = [...data.transcript, entry].slice(-MAX_TRANSCRIPT);
  }

  private async welcome(context: TurnContext, data: ConversationData): Promise<void> {
    if (data.welcomed) return;
    data.welcomed = true;
    const result = this.core.engine.welcome(data.flow);
    data.flow = result.state;
    await this.render(context, data, result.replies);
  }

  private async handleMessage(context: TurnContext, data: ConversationData): Promise<void> {
    const started = performance.now();
    const activity = context.activity;
    let text = typeof activity.text === 'string' ? activity.text : '';
    // Card buttons (Action.Submit) send their data in `value`.
    if (!text && activity.value && typeof activity.value === 'object') {
      const v = activity.value as Record<string, unknown>;
      if (typeof v.choice === 'string') text = v.choice;
    }
    // In Teams channels the bot's @mention is part of the text.
    if (activity.channelId === 'msteams' && activity.recipient?.id && text) text = TurnContext.removeMentionText(activity, activity.recipient.id) ?? text;
    if (!text.trim() && (activity.attachments?.length ?? 0) > 0) {
      this.record(data, 'user', '[lampiran]');
      const msg = this.core.catalog.bot.messages.attachment;
      this.record(data, 'bot', msg);
      await context.sendActivity(textActivity(msg));
      return;
    }
    // A conversation handed to a person: the agent answers, not the matcher.
    if (data.handoffRef && this.live) {
      const r = await this.live.handleUserMessage(context, data.handoffRef, text);
      if (r.clearRef) data.handoffRef = undefined;
      if (r.outcome && this.options.onEvents) {
        await this.options.onEvents([{ type: 'outcome', intent: r.outcome.intent ?? this.core.catalog.bot.roles.person, node: 'petugas', code: 'petugas', solved: r.outcome.solved }], context).catch(() => undefined);
      }
      if (r.handled) {
        this.record(data, 'user', text);
        return;
      }
    }
    this.record(data, 'user', text);
    const short = text.trimStart().startsWith('/') ? shortCodeReply(text, this.core.answers) : undefined;
    if (short) {
      if (short.used) await this.usage.increment(short.used.id).catch(() => undefined);
      this.record(data, 'bot', mask(short.activity.text ?? '')); // may quote the user's search words
      await context.sendActivity(short.activity);
      return;
    }
    const result = this.core.engine.turn(data.flow, { text });
    data.flow = result.state;
    const c = result.classification;
    this.options.logger.info(
      {
        turnId: activity.id,
        conversation: logId(activity.conversation?.id),
        channel: activity.channelId,
        intent: c?.intent ?? result.outcome.intent ?? 'none',
        decision: c?.decision ?? result.outcome.decision,
        score: c?.score,
        turn: result.outcome.decision,
        outcome: result.outcome.kind,
        node: result.outcome.node,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'turn',
    );
    if (this.options.onEvents && result.events.length) {
      try {
        await this.options.onEvents(result.events, context);
      } catch (err) {
        this.options.logger.warn({ err: errInfo(err) }, 'event observer failed');
      }
    }
    await this.render(context, data, result.replies);
  }

  /** Sends the engine's replies, rendered for this channel. */
  /**
   * Sends the engine's replies for this channel: short texts together, a procedure in bubbles of at most
   * 1,500 characters, a question with buttons as a short message of its own (a phone lands on step 1;
   * the Agents Playground shows Markdown raw on messages that carry suggested actions).
   */
  private async render(context: TurnContext, data: ConversationData, replies: Reply[]): Promise<void> {
    const channel = context.activity.channelId;
    const out: OutActivity[] = [];
    let pending: string[] = [];
    const flushText = () => {
      if (pending.length) out.push(textActivity(pending.join('\n\n')));
      pending = [];
    };
    for (const r of replies) {
      switch (r.kind) {
        case 'text':
          pending.push(r.text);
          this.record(data, 'bot', r.text);
          break;
        case 'answer': {
          const bubbles = answerBubbles(r.node);
          // What came before (the Coretax note, "understood") rides with the first bubble when it fits.
          if (pending.length && pending.join('\n\n').length + bubbles[0]!.length + 2 > BUBBLE_MAX_CHARS) flushText();
          pending.push(bubbles[0]!);
          for (const b of bubbles.slice(1)) {
            flushText();
            pending.push(b);
          }
          if (r.node.contacts) {
            flushText();
            out.push(this.contactsActivity(channel));
            this.record(data, 'bot', '[Kontak resmi Kring Pajak]');
          }
          // Agents read the transcript: the procedure's title and short code say what was given.
          this.record(data, 'bot', `[Panduan: ${r.node.title} (/${r.node.code})]`);
          break;
        }
        case 'choices': {
          const labels = r.options.map((o) => o.label);
          const prompt = choicesActivity(channel, r.text, labels);
          // Short lines before a question ("Mohon maaf, saya belum menangkap…") stay with it; a
          // procedure or any Markdown stands in its own message (see above).
          const before = pending.join('\n\n');
          if (!prompt.attachments?.length && before && before.length <= 300 && !/[*_`]/.test(before)) {
            prompt.text = `${before}\n\n${prompt.text}`;
            pending = [];
          } else flushText();
          out.push(prompt);
          this.record(data, 'bot', `${r.text} [${labels.join(' | ')}]`);
          break;
        }
        case 'handoff':
          flushText();
          if (out.length) await context.sendActivities(out.splice(0));
          await this.startHandoff(context, data, r.trigger, r.text);
          break;
      }
    }
    flushText();
    if (out.length) await context.sendActivities(out);
  }

  /** The contacts once: a card where cards render (its text says the same), Markdown elsewhere. */
  private contactsActivity(channelId: string | undefined, ref?: string): OutActivity {
    const bot = this.core.catalog.bot;
    return supportsCards(channelId) ? { type: 'message', attachments: [contactsCard(bot, ref)] } : textActivity(contactsMarkdown(bot));
  }

  /** Records a ticket, tells the user the reference and the contacts, and notifies hand-off hubs. */
  async startHandoff(context: TurnContext, data: ConversationData, trigger: HandoffTrigger, text?: string): Promise<Ticket | undefined> {
    const bot = this.core.catalog.bot;
    const activity = context.activity;
    const topic = topicOf(data.flow, this.core.catalog.bot.roles);
    const summary = buildSummary(this.core.catalog, data.flow, trigger, topic);
    let ticket: Ticket | undefined;
    try {
      ticket = await this.tickets.create({
        status: 'open',
        channel: activity.channelId ?? 'unknown',
        conversationId: activity.conversation?.id ?? '',
        trigger,
        intent: topic,
        intentTitle: topic ? this.core.catalog.intents.get(topic)?.title : undefined,
        path: data.flow.path,
        choices: data.flow.choices,
        codes: data.flow.codes.map(formatCode),
        lastQuestion: data.flow.lastQuestion,
        summary,
        transcript: data.transcript,
        reference: TurnContext.getConversationReference(activity),
      });
      data.handoffRef = ticket.ref;
    } catch (err) {
      this.options.logger.error({ err: errInfo(err) }, 'could not record hand-off ticket');
    }
    const ref = ticket?.ref ?? '-';
    // Live agents (console or Teams channel) within hours: the user waits in the queue in this chat.
    const queued = ticket && this.live ? await this.live.enqueue(ticket).catch(() => undefined) : undefined;
    const inQueue = !!queued && (await this.tickets.get(ref).catch(() => undefined))?.status === 'waiting';
    const lines: string[] = [];
    if (text) lines.push(text);
    if (inQueue) lines.push(queued!);
    else {
      lines.push(bot.messages.handoff.replace(/\{ref\}/g, ref));
      if (queued) lines.unshift(queued); // outside the agents' hours
    }
    const out: OutActivity[] = [textActivity(lines.join('\n\n'))];
    if (!inQueue) {
      out.push(this.contactsActivity(activity.channelId, ticket?.ref));
      // A list, not a code block: a code block does not wrap and is clipped at phone width.
      const summaryLines = copyReadySummary(this.core.catalog, data.flow, ref, topic).split('\n').map((l) => `- ${l.replace(/([*_`[\]<>])/g, '\\$1')}`); // emphasis and links from user text stay literal
      out.push(textActivity(`${bot.messages.handoffSummaryIntro}\n\n${summaryLines.join('\n')}`));
    }
    await context.sendActivities(out);
    this.record(data, 'bot', lines.join('\n'));

    // Hubs that speak the Bot Framework hand-off protocol get the context and the transcript.
    // Teams rejects this event (HTTP 400), so it is never sent there.
    if (ticket && activity.channelId !== 'msteams') {
      const transcript: Transcript = {
        activities: data.transcript.map((e) => ({
          type: ActivityTypes.Message,
          text: e.text,
          timestamp: new Date(e.at),
          from: e.from === 'user' ? { id: activity.from?.id ?? 'user', name: 'Pengguna', role: 'user' } : { id: activity.recipient?.id ?? 'bot', name: e.name ?? 'Asisten e-Faktur', role: 'bot' },
          conversation: activity.conversation,
        })) as Activity[],
      };
      // Built from the ticket, whose user-written fields are masked already; the transcript was masked as it was recorded.
      const handoffContext = {
        ref: ticket.ref,
        trigger,
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
    return ticket;
  }

  private async handleHandoffStatus(context: TurnContext, data: ConversationData): Promise<void> {
    const value = (context.activity.value ?? {}) as { state?: string; message?: string };
    const state = String(value.state ?? '').toLowerCase();
    // A hub that speaks the Bot Framework hand-off protocol reports on the hand-over (wording in _bot.yaml).
    const live = this.core.catalog.bot.live;
    const texts: Record<string, string> = { accepted: live.hubAccepted, failed: live.hubFailed, completed: live.hubCompleted };
    const text = texts[state];
    if (!text) return;
    const ref = data.handoffRef;
    if (ref) {
      const status = state === 'accepted' ? 'assigned' : state === 'failed' ? 'failed' : 'closed';
      await this.tickets.update(ref, (t) => ({
        ...t,
        status,
        history: [...t.history, { at: new Date().toISOString(), action: `handoff.status:${state}`, note: value.message ? mask(String(value.message)).slice(0, 300) : undefined }],
      }));
      if (state !== 'accepted') data.handoffRef = undefined;
    }
    this.record(data, 'bot', text);
    await context.sendActivity(textActivity(text));
  }

  /** Teams messaging extension: search canned answers (search-extension.ts). */
  protected override async handleTeamsMessagingExtensionQuery(_context: TurnContext, query: MessagingExtensionQuery | undefined): Promise<MessagingExtensionResponse> {
    return searchAnswers(query, this.core.answers, this.usage);
  }

  protected override async handleTeamsMessagingExtensionSelectItem(_context: TurnContext, value: unknown): Promise<MessagingExtensionResponse> {
    return selectAnswer(value, this.core.answers, this.usage, this.core.catalog.bot.canned.notFound);
  }
}
