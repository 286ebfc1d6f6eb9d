/**
 * The conversation service: for each user message it decides who answers — a live agent holding the
 * conversation, a `/code` short code, or the flow engine — and returns neutral replies (types.ts),
 * keeping the masked transcript as it goes. It knows no channel SDK; `src/bot/` reads activities into
 * `IncomingMessage` and renders `Outgoing` for the channel.
 */
import type { Logger } from 'pino';
import { AnswerUsage } from '../answers/usage.js';
import { fill } from '../catalog/fill.js';
import type { Core } from '../core.js';
import type { FlowEvent, Reply } from '../flow/state.js';
import { TicketStore } from '../handoff/tickets.js';
import { errInfo, logId } from '../log.js';
import { mask } from '../privacy/index.js';
import type { BotStore } from '../storage/index.js';
import { record, type ConversationData } from './data.js';
import { startHandoff } from './handoff.js';
import { shortCodeReply } from './short-codes.js';
import type { IncomingMessage, LiveRelay, Outgoing } from './types.js';

export interface ConversationServiceOptions {
  core: Core;
  store: BotStore;
  logger: Logger;
  /** The tickets store (shared with the live agents); by default one on `store`. */
  tickets?: TicketStore;
  /** Live agents, when configured (src/handoff/live.ts). */
  live?: LiveRelay;
  /** Observers of the engine's events (the curation log, metrics). */
  onEvents?: (events: FlowEvent[], conversationId: string) => Promise<void>;
}

export class ConversationService {
  readonly tickets: TicketStore;
  readonly usage: AnswerUsage;

  constructor(private readonly o: ConversationServiceOptions) {
    this.tickets = o.tickets ?? new TicketStore(o.store);
    this.usage = new AnswerUsage(o.store);
  }

  get core(): Core {
    return this.o.core;
  }

  /** The greeting and the topic menu, once per conversation. */
  welcome(data: ConversationData): Outgoing[] {
    if (data.welcomed) return [];
    data.welcomed = true;
    const result = this.core.engine.welcome(data.flow);
    data.flow = result.state;
    return this.fromEngine(data, result.replies);
  }

  async message(input: IncomingMessage, data: ConversationData): Promise<Outgoing[]> {
    const started = performance.now();
    const { text } = input;
    if (!text.trim() && input.attachmentsOnly) {
      record(data, 'user', this.core.catalog.bot.transcript.attachment);
      const msg = this.core.catalog.bot.messages.attachment;
      record(data, 'bot', msg);
      return [{ kind: 'text', text: msg }];
    }
    // A conversation handed to a person: the agent answers, not the matcher.
    if (data.handoffRef && this.o.live) {
      const r = await this.o.live.handleUserMessage(data.handoffRef, text);
      if (r.clearRef) data.handoffRef = undefined;
      if (r.outcome && this.o.onEvents) {
        const person = this.core.catalog.bot.roles.person;
        await this.o
          .onEvents([{ type: 'outcome', intent: r.outcome.intent ?? person, node: 'petugas', code: 'petugas', solved: r.outcome.solved }], input.conversationId)
          .catch(() => undefined);
      }
      if (r.handled) {
        record(data, 'user', text);
        return r.replies;
      }
    }
    record(data, 'user', text);
    const short = text.trimStart().startsWith('/') ? shortCodeReply(text, this.core.answers) : undefined;
    if (short) {
      if (short.used) await this.usage.increment(short.used.id).catch(() => undefined);
      record(data, 'bot', mask(short.text)); // may quote the user's search words
      return [{ kind: 'text', text: short.text }];
    }
    const result = this.core.engine.turn(data.flow, { text });
    data.flow = result.state;
    const c = result.classification;
    this.o.logger.info(
      {
        turnId: input.activityId,
        conversation: logId(input.conversationId),
        channel: input.channel,
        intent: c?.intent ?? result.outcome.intent ?? 'none',
        decision: c?.decision ?? result.outcome.decision,
        score: c?.score,
        turn: result.outcome.decision,
        outcome: result.outcome.kind,
        outcomeIntent: result.outcome.intent,
        node: result.outcome.node,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'turn',
    );
    if (this.o.onEvents && result.events.length) {
      try {
        await this.o.onEvents(result.events, input.conversationId);
      } catch (err) {
        this.o.logger.warn({ err: errInfo(err) }, 'event observer failed');
      }
    }
    const out: Outgoing[] = [];
    for (const r of result.replies) {
      if (r.kind === 'handoff') out.push(...(await startHandoff({ ...this.o, tickets: this.tickets }, input, data, r.trigger, r.text)));
      else out.push(...this.fromEngine(data, [r]));
    }
    return out;
  }

  /** A hub that speaks the Bot Framework hand-off protocol reports on the hand-over (wording in _bot.yaml). */
  async handoffStatus(value: { state?: string; message?: string }, data: ConversationData): Promise<Outgoing[]> {
    const state = String(value.state ?? '').toLowerCase();
    const live = this.core.catalog.bot.live;
    const texts: Record<string, string> = { accepted: live.hubAccepted, failed: live.hubFailed, completed: live.hubCompleted };
    const text = texts[state];
    if (!text) return [];
    const ref = data.handoffRef;
    if (ref) {
      const status = state === 'accepted' ? 'assigned' : state === 'failed' ? 'failed' : 'closed';
      await this.tickets.update(ref, (t) => ({
        ...t,
        status,
        history: [
          ...t.history,
          { at: new Date().toISOString(), action: `handoff.status:${state}`, note: value.message ? mask(String(value.message)).slice(0, 300) : undefined },
        ],
      }));
      if (state !== 'accepted') data.handoffRef = undefined;
    }
    record(data, 'bot', text);
    return [{ kind: 'text', text }];
  }

  /** The engine's replies as neutral ones; the transcript says what was given (agents read it). */
  private fromEngine(data: ConversationData, replies: Reply[]): Outgoing[] {
    const out: Outgoing[] = [];
    for (const r of replies) {
      switch (r.kind) {
        case 'text':
          record(data, 'bot', r.text);
          out.push({ kind: 'text', text: r.text });
          break;
        case 'answer':
          out.push({ kind: 'answer', node: r.node });
          if (r.node.contacts) {
            out.push({ kind: 'contacts' });
            record(data, 'bot', this.core.catalog.bot.transcript.contacts);
          }
          // The procedure's title and short code say what was given.
          record(data, 'bot', fill(this.core.catalog.bot.transcript.procedure, { title: r.node.title, code: r.node.code }));
          break;
        case 'choices': {
          const labels = r.options.map((o) => o.label);
          record(data, 'bot', `${r.text} [${labels.join(' | ')}]`);
          out.push({ kind: 'choices', text: r.text, labels });
          break;
        }
        case 'handoff':
          break; // carried out by message()
      }
    }
    return out;
  }
}
