/**
 * Live agents take over escalated conversations: the queue (position, wait, timeout), the relay of a
 * user's messages while they wait or talk to an agent, and an agent's claim, messages, release and
 * close. Channel-free: messages to the user go through `deliver` (src/bot/proactive.ts sends them
 * from any instance), and an agents' channel in Teams, when registered, mirrors the queue through
 * `mirror` (src/bot/agents-channel.ts). Every action on a ticket is recorded with the agent's id.
 */
import type { Logger } from 'pino';
import { contactsMarkdown, escapeMarkdown } from '../answers/index.js';
import { fill } from '../catalog/fill.js';
import type { BotContent } from '../catalog/schema.js';
import type { Outgoing } from '../conversation/types.js';
import { MESSAGE_CHARS, TICKET_TRANSCRIPT_ENTRIES } from '../limits.js';
import { errInfo } from '../log.js';
import { mask } from '../privacy/index.js';
import { daysText, durationText, queuePosition, withinHours, type ServiceHours } from './queue.js';
import type { Ticket, TicketStore, TranscriptEntry } from './tickets.js';
import { LIVE_REPLY } from '../flow/reading.js';

export interface AgentIdentity {
  id: string;
  name: string;
  /** Where the agent works: the web console or Teams. */
  via: 'console' | 'teams';
}

/** The agents' channel in Teams, as the queue needs it. */
export interface AgentsMirror {
  /** Whether a channel is registered (agents can take conversations there). */
  registered(): Promise<boolean>;
  /** A new ticket in the queue: its card in the channel. */
  post(ticket: Ticket): Promise<void>;
  /** The ticket changed (taken, closed): its card again. */
  update(ref: string): Promise<void>;
  /** A line in the ticket's thread (what the user wrote). */
  say(ticket: Ticket, text: string): Promise<void>;
}

export interface LiveAgentsOptions {
  tickets: TicketStore;
  logger: Logger;
  bot: () => BotContent;
  hours: ServiceHours;
  waitSeconds: number;
  /** Whether console agents are configured. */
  consoleAgents: boolean;
  /** Sends replies to the user of a ticket, from any instance. */
  deliver: (ticket: Ticket, out: Outgoing[]) => Promise<void>;
  mirror?: AgentsMirror;
}

export type ActionResult = { ok: boolean; ticket?: Ticket; reason?: string };

// The words of these replies are content (intents/_reading.yaml, live:).
const { cancel: CANCEL, solved: SOLVED, notSolved: NOT, unsolved: UNSOLVED } = LIVE_REPLY;

export class LiveAgents {
  constructor(private readonly o: LiveAgentsOptions) {}

  private get live() {
    return this.o.bot().live;
  }

  /** Is anyone able to take a conversation now (agents configured or a Teams channel registered, within hours)? */
  async available(now = new Date()): Promise<{ agents: boolean; inHours: boolean }> {
    const teams = this.o.mirror ? await this.o.mirror.registered().catch(() => false) : false;
    return { agents: this.o.consoleAgents || teams, inHours: withinHours(this.o.hours, now) };
  }

  /**
   * Puts a freshly recorded ticket in the live queue when agents can take it. Returns the text for
   * the user (queue position, or outside hours), or undefined when no live agents exist at all.
   */
  async enqueue(ticket: Ticket): Promise<string | undefined> {
    const { agents, inHours } = await this.available();
    if (!agents) return undefined;
    if (!inHours)
      return fill(this.live.outsideHours, {
        ref: ticket.ref,
        hours: this.o.hours.hours.replace('-', '–'),
        days: daysText(this.o.hours.days, this.live.dayNames),
      });
    const now = new Date().toISOString();
    const updated = await this.o.tickets.update(ticket.ref, (t) => ({
      ...t,
      status: 'waiting',
      waitingSince: now,
      lastActivityAt: now,
      history: [...t.history, { at: now, action: 'queued' }],
    }));
    const position = await this.position(ticket.ref);
    if (updated && this.o.mirror)
      await this.o.mirror.post(updated).catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not post the escalation to the Teams agents channel'));
    return fill(this.live.queued, { ref: ticket.ref, position });
  }

  async position(ref: string): Promise<number> {
    const waiting = await this.o.tickets.list({ status: 'waiting', pageSize: 100 });
    return queuePosition(waiting.items, ref) || 1;
  }

  private appendTranscript(t: Ticket, entry: TranscriptEntry): Ticket {
    return { ...t, transcript: [...t.transcript, entry].slice(-TICKET_TRANSCRIPT_ENTRIES), lastActivityAt: entry.at };
  }

  private async mirrorLine(t: Ticket, text: string): Promise<void> {
    await this.o.mirror?.say(t, text).catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not mirror to the Teams thread'));
  }

  private async refreshCard(ref: string): Promise<void> {
    await this.o.mirror?.update(ref).catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not update the Teams card'));
  }

  /**
   * Called for every user message of a conversation with an active ticket. `handled`: the message was
   * dealt with here (relayed to the agent, waiting notice, cancel, outcome answer); `replies` go to the user.
   */
  async handleUserMessage(
    ref: string,
    text: string,
  ): Promise<{ handled: boolean; clearRef?: boolean; outcome?: { solved: boolean; intent?: string }; replies: Outgoing[] }> {
    const ticket = await this.o.tickets.get(ref);
    if (!ticket) return { handled: false, clearRef: true, replies: [] };
    const at = new Date().toISOString();
    const entry: TranscriptEntry = { from: 'user', text: mask(text).slice(0, 2000), at };
    const lower = text.trim().toLowerCase();

    if (ticket.status === 'waiting') {
      if (CANCEL.test(lower)) {
        await this.o.tickets.update(ref, (t) => ({
          ...this.appendTranscript(t, entry),
          status: 'closed',
          history: [...t.history, { at, action: 'cancelled-by-user' }],
        }));
        await this.refreshCard(ref);
        return { handled: true, clearRef: true, replies: [{ kind: 'text', text: this.live.waitCancelled }] };
      }
      const waitedMs = Date.now() - Date.parse(ticket.waitingSince ?? ticket.createdAt);
      if (waitedMs > this.o.waitSeconds * 1000) {
        await this.expire(ticket);
        return { handled: true, clearRef: true, replies: [] };
      }
      await this.o.tickets.update(ref, (t) => this.appendTranscript(t, entry));
      await this.mirrorLine(ticket, fill(this.live.userLine, { text: escapeMarkdown(entry.text) }));
      const position = await this.position(ref);
      return { handled: true, replies: [{ kind: 'text', text: fill(this.live.stillWaiting, { position, wait: durationText(waitedMs, this.live.duration) }) }] };
    }
    if (ticket.status === 'assigned') {
      // The agent answers; the matcher is not consulted.
      await this.o.tickets.update(ref, (t) => this.appendTranscript(t, entry));
      await this.mirrorLine(ticket, fill(this.live.userLine, { text: escapeMarkdown(entry.text) }));
      return { handled: true, replies: [] };
    }
    if (ticket.status === 'closed' && ticket.assignee && !ticket.outcome) {
      // The agent has left and asked whether the problem is solved: this message is the answer.
      const solved = SOLVED.test(lower) && !NOT.test(lower);
      const unsolved = UNSOLVED.test(lower);
      if (solved || unsolved) {
        await this.o.tickets.update(ref, (t) => ({
          ...this.appendTranscript(t, entry),
          outcome: solved ? 'solved' : 'unsolved',
          history: [...t.history, { at, action: `outcome:${solved ? 'solved' : 'unsolved'}` }],
        }));
        const reply = fill(solved ? this.live.outcomeThanks : this.live.outcomeSorry, { ref });
        return { handled: true, clearRef: true, outcome: { solved, intent: ticket.intent }, replies: [{ kind: 'text', text: reply }] };
      }
      return { handled: false, clearRef: true, replies: [] };
    }
    return { handled: false, clearRef: ticket.status !== 'open', replies: [] };
  }

  /** No agent in time: the user gets the contacts and the reference; the ticket stays open for call-backs. */
  private async expire(ticket: Ticket): Promise<void> {
    const at = new Date().toISOString();
    const won = await this.o.tickets.update(ticket.ref, (t) =>
      t.status === 'waiting' ? { ...t, status: 'open', history: [...t.history, { at, action: 'wait-timeout' }] } : undefined,
    );
    if (won?.status !== 'open' || won.history[won.history.length - 1]?.action !== 'wait-timeout') return;
    await this.o.deliver(won, [
      { kind: 'text', text: fill(this.live.timeout, { ref: ticket.ref }) },
      { kind: 'text', text: contactsMarkdown(this.o.bot()) },
    ]);
    await this.refreshCard(ticket.ref);
  }

  /** Periodic check for tickets that waited too long (each instance may run it; the ticket update decides who sends). */
  async sweep(now = Date.now()): Promise<number> {
    const waiting = await this.o.tickets.list({ status: 'waiting', pageSize: 100 });
    let expired = 0;
    for (const t of waiting.items) {
      if (now - Date.parse(t.waitingSince ?? t.createdAt) > this.o.waitSeconds * 1000) {
        await this.expire(t);
        expired++;
      }
    }
    return expired;
  }

  async claim(ref: string, agent: AgentIdentity): Promise<ActionResult> {
    const at = new Date().toISOString();
    let reason: string | undefined;
    const t = await this.o.tickets.update(ref, (cur) => {
      if (cur.status !== 'waiting') {
        reason = cur.status === 'assigned' ? `already taken by ${cur.assignee?.name}` : `ticket is ${cur.status}`;
        return undefined;
      }
      return {
        ...cur,
        status: 'assigned',
        assignee: { id: agent.id, name: agent.name },
        lastActivityAt: at,
        history: [...cur.history, { at, action: 'claimed', agent: agent.id }],
      };
    });
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (reason) return { ok: false, ticket: t, reason };
    await this.o.deliver(t, [{ kind: 'text', text: fill(this.live.agentJoined, { agent: escapeMarkdown(agent.name) }) }]);
    await this.refreshCard(ref);
    return { ok: true, ticket: t };
  }

  private ownedBy(t: Ticket, agent: AgentIdentity): boolean {
    return t.status === 'assigned' && t.assignee?.id === agent.id;
  }

  async sendFromAgent(ref: string, agent: AgentIdentity, text: string): Promise<ActionResult> {
    const clean = text.trim().slice(0, MESSAGE_CHARS);
    if (!clean) return { ok: false, reason: 'empty message' };
    const t = await this.o.tickets.get(ref);
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (!this.ownedBy(t, agent)) return { ok: false, reason: 'not assigned to you' };
    const at = new Date().toISOString();
    // Agents paste procedures; the user sees them as written. The transcript keeps a masked copy.
    // A label with the agent's name: in Web Chat every message from this bot has the same avatar.
    const label = fill(this.live.agentSays, { agent: escapeMarkdown(agent.name) });
    await this.o.deliver(t, [{ kind: 'text', text: `${label}\n\n${clean}`, from: agent.name }]);
    await this.o.tickets.update(ref, (cur) => this.appendTranscript(cur, { from: 'agent', name: agent.name, text: mask(clean), at }));
    return { ok: true };
  }

  /** Applies `change` to a ticket the agent holds, then tells the user `notice` and refreshes the Teams card. */
  private async ownedAction(ref: string, agent: AgentIdentity, change: (t: Ticket, at: string) => Ticket, notice: Outgoing): Promise<ActionResult> {
    const at = new Date().toISOString();
    let reason: string | undefined;
    const t = await this.o.tickets.update(ref, (cur) => {
      if (this.ownedBy(cur, agent)) return change(cur, at);
      reason = 'not assigned to you';
      return undefined;
    });
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (reason) return { ok: false, reason };
    await this.o.deliver(t, [notice]);
    await this.o.mirror?.update(ref).catch(() => undefined);
    return { ok: true };
  }

  /** The agent gives the conversation back to the queue. */
  release(ref: string, agent: AgentIdentity): Promise<ActionResult> {
    return this.ownedAction(
      ref,
      agent,
      (cur, at) => ({
        ...cur,
        status: 'waiting',
        assignee: undefined,
        waitingSince: at,
        history: [...cur.history, { at, action: 'released', agent: agent.id }],
      }),
      { kind: 'text', text: this.live.released },
    );
  }

  /** The agent is done: the user is asked whether the problem is solved (the answer is recorded). */
  close(ref: string, agent: AgentIdentity): Promise<ActionResult> {
    const m = this.o.bot().messages;
    return this.ownedAction(ref, agent, (cur, at) => ({ ...cur, status: 'closed', history: [...cur.history, { at, action: 'closed', agent: agent.id }] }), {
      kind: 'choices',
      text: fill(this.live.agentLeft, { agent: escapeMarkdown(agent.name) }),
      labels: [m.checkSolvedLabel, m.checkUnsolvedLabel],
    });
  }
}
