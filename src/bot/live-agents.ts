/**
 * Live agents take over an escalated conversation through the bot (the proxy model that works on
 * every channel, Teams included). The ticket in the store is the single source of truth: its status
 * (waiting / assigned / closed), its assignee and its transcript. Any instance can relay in either
 * direction, because the user's side is reached with the stored conversation reference
 * (`CloudAdapter.continueConversationAsync`) and the agent's side reads the ticket.
 *
 * Agents work in the web console (`/agent`, see src/web/agent-console.ts) or in a Teams channel
 * registered with `/daftar-agen`, where each escalation becomes a card with an "Ambil" button and the
 * conversation is relayed through that card's thread.
 */
import { CardFactory, TeamsInfo, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import { fill } from '../catalog/fill.js';
import { MESSAGE_CHARS, TICKET_TRANSCRIPT_ENTRIES } from '../limits.js';
import { errInfo } from '../log.js';
import type { Storage } from 'botbuilder';
import type { BotContent } from '../catalog/schema.js';
import { durationText, queuePosition, withinHours, type ServiceHours } from '../handoff/queue.js';
import type { Ticket, TicketStore, TranscriptEntry } from '../handoff/tickets.js';
import { mask } from '../privacy/index.js';
import type { HelpdeskAdapter } from './adapter.js';
import { contactsMarkdown, escapeMarkdown, textActivity, type OutActivity } from './render.js';

export interface AgentIdentity {
  id: string;
  name: string;
  /** Where the agent works: the web console or Teams. */
  via: 'console' | 'teams';
}

export interface LiveAgentsOptions {
  adapter: HelpdeskAdapter;
  tickets: TicketStore;
  storage: Storage;
  logger: Logger;
  bot: () => BotContent;
  hours: ServiceHours;
  waitSeconds: number;
  /** Whether console agents are configured. */
  consoleAgents: boolean;
  appId?: string;
  /** The configured agents' Teams channel (needs credentials, see config.ts); none = no Teams agents. */
  agentsTeams?: { tenantId: string; channelIds: string[] };
}

const TEAMS_CHANNEL_KEY = 'agents/teams-channel';
const threadKey = (rootId: string) => `agents/teams-thread/${rootId}`;
const MAX_TRANSCRIPT = TICKET_TRANSCRIPT_ENTRIES;


export class LiveAgents {
  constructor(private readonly o: LiveAgentsOptions) {}

  private get live() {
    return this.o.bot().live;
  }

  /** Is anyone able to take a conversation now (agents configured or a Teams channel registered, within hours)? */
  async available(now = new Date()): Promise<{ agents: boolean; inHours: boolean }> {
    const teams = await this.teamsChannel().catch(() => undefined);
    return { agents: this.o.consoleAgents || !!teams, inHours: withinHours(this.o.hours, now) };
  }

  /**
   * Puts a freshly recorded ticket in the live queue when agents can take it. Returns the text for
   * the user (queue position, or outside hours), or undefined when no live agents exist at all.
   */
  async enqueue(ticket: Ticket): Promise<string | undefined> {
    const { agents, inHours } = await this.available();
    if (!agents) return undefined;
    if (!inHours) return fill(this.live.outsideHours, { ref: ticket.ref, hours: `${this.o.hours.hours}, hari ${this.o.hours.days.join(',')}` });
    const now = new Date().toISOString();
    const updated = await this.o.tickets.update(ticket.ref, (t) => ({ ...t, status: 'waiting', waitingSince: now, lastActivityAt: now, history: [...t.history, { at: now, action: 'queued' }] }));
    const position = await this.position(ticket.ref);
    if (updated) await this.postToTeamsChannel(updated).catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not post the escalation to the Teams agents channel'));
    return fill(this.live.queued, { ref: ticket.ref, position });
  }

  async position(ref: string): Promise<number> {
    const waiting = await this.o.tickets.list({ status: 'waiting', pageSize: 100 });
    return queuePosition(waiting.items, ref) || 1;
  }

  private appendTranscript(t: Ticket, entry: TranscriptEntry): Ticket {
    return { ...t, transcript: [...t.transcript, entry].slice(-MAX_TRANSCRIPT), lastActivityAt: entry.at };
  }

  /**
   * Called for every user message of a conversation with an active ticket. Returns true when the
   * message was handled here (relayed to the agent, waiting notice, cancel, outcome answer).
   */
  async handleUserMessage(context: TurnContext, ref: string, text: string): Promise<{ handled: boolean; clearRef?: boolean; outcome?: { solved: boolean; intent?: string } }> {
    const ticket = await this.o.tickets.get(ref);
    if (!ticket) return { handled: false, clearRef: true };
    const at = new Date().toISOString();
    const entry: TranscriptEntry = { from: 'user', text: mask(text).slice(0, 2000), at };
    const lower = text.trim().toLowerCase();

    if (ticket.status === 'waiting') {
      if (/^(batal|cancel|tidak jadi|gak jadi|ga jadi|nggak jadi)\b/.test(lower)) {
        await this.o.tickets.update(ref, (t) => ({ ...this.appendTranscript(t, entry), status: 'closed', history: [...t.history, { at, action: 'cancelled-by-user' }] }));
        await this.updateTeamsCard(ref).catch(() => undefined);
        await context.sendActivity(textActivity(this.live.waitCancelled));
        return { handled: true, clearRef: true };
      }
      const waitedMs = Date.now() - Date.parse(ticket.waitingSince ?? ticket.createdAt);
      if (waitedMs > this.o.waitSeconds * 1000) {
        await this.expire(ticket);
        return { handled: true, clearRef: true };
      }
      await this.o.tickets.update(ref, (t) => this.appendTranscript(t, entry));
      await this.mirrorToTeams(ticket, `**Pengguna:** ${escapeMarkdown(entry.text)}`);
      const position = await this.position(ref);
      await context.sendActivity(textActivity(fill(this.live.stillWaiting, { position, wait: durationText(waitedMs) })));
      return { handled: true };
    }
    if (ticket.status === 'assigned') {
      // The agent answers; the matcher is not consulted.
      await this.o.tickets.update(ref, (t) => this.appendTranscript(t, entry));
      await this.mirrorToTeams(ticket, `**Pengguna:** ${escapeMarkdown(entry.text)}`);
      return { handled: true };
    }
    if (ticket.status === 'closed' && ticket.assignee && !ticket.outcome) {
      // The agent has left and asked whether the problem is solved: this message is the answer.
      const solved = /^(sudah|udah|udh|sdh|ya|iya|yes|ok|oke|beres|berhasil|teratasi)\b/.test(lower) && !/\b(belum|blm|tidak|gak|ga|masih|gagal)\b/.test(lower);
      const unsolved = /\b(belum|blm|tidak|gak|ga|masih|gagal|no)\b/.test(lower);
      if (solved || unsolved) {
        await this.o.tickets.update(ref, (t) => ({ ...this.appendTranscript(t, entry), outcome: solved ? 'solved' : 'unsolved', history: [...t.history, { at, action: `outcome:${solved ? 'solved' : 'unsolved'}` }] }));
        await context.sendActivity(textActivity(fill(solved ? this.live.outcomeThanks : this.live.outcomeSorry, { ref })));
        return { handled: true, clearRef: true, outcome: { solved, intent: ticket.intent } };
      }
      return { handled: false, clearRef: true };
    }
    return { handled: false, clearRef: ticket.status !== 'open' };
  }

  /** No agent in time: the user gets the contacts and the reference; the ticket stays open for call-backs. */
  private async expire(ticket: Ticket): Promise<void> {
    const at = new Date().toISOString();
    const won = await this.o.tickets.update(ticket.ref, (t) => (t.status === 'waiting' ? { ...t, status: 'open', history: [...t.history, { at, action: 'wait-timeout' }] } : undefined));
    if (won?.status !== 'open' || won.history[won.history.length - 1]?.action !== 'wait-timeout') return;
    await this.toUser(won, [textActivity(fill(this.live.timeout, { ref: ticket.ref })), textActivity(contactsMarkdown(this.o.bot()))]);
    await this.updateTeamsCard(ticket.ref).catch(() => undefined);
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

  /** Sends activities to the user of a ticket, from any instance. */
  async toUser(ticket: Ticket, activities: OutActivity[]): Promise<void> {
    const reference = ticket.reference as Partial<ConversationReference> | undefined;
    if (!reference?.conversation || !reference.serviceUrl) throw new Error(`ticket ${ticket.ref} has no conversation reference`);
    await this.o.adapter.continueConversationAsync(this.o.appId ?? '', reference, async (ctx) => {
      await ctx.sendActivities(activities);
    });
  }

  async claim(ref: string, agent: AgentIdentity): Promise<{ ok: boolean; ticket?: Ticket; reason?: string }> {
    const at = new Date().toISOString();
    let reason: string | undefined;
    const t = await this.o.tickets.update(ref, (cur) => {
      if (cur.status !== 'waiting') {
        reason = cur.status === 'assigned' ? `already taken by ${cur.assignee?.name}` : `ticket is ${cur.status}`;
        return undefined;
      }
      return { ...cur, status: 'assigned', assignee: { id: agent.id, name: agent.name }, lastActivityAt: at, history: [...cur.history, { at, action: 'claimed', agent: agent.id }] };
    });
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (reason) return { ok: false, ticket: t, reason };
    await this.toUser(t, [textActivity(fill(this.live.agentJoined, { agent: escapeMarkdown(agent.name) }))]);
    await this.updateTeamsCard(ref).catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not update the Teams card'));
    return { ok: true, ticket: t };
  }

  private ownedBy(t: Ticket, agent: AgentIdentity): boolean {
    return t.status === 'assigned' && t.assignee?.id === agent.id;
  }

  async sendFromAgent(ref: string, agent: AgentIdentity, text: string): Promise<{ ok: boolean; reason?: string }> {
    const clean = text.trim().slice(0, MESSAGE_CHARS);
    if (!clean) return { ok: false, reason: 'empty message' };
    const t = await this.o.tickets.get(ref);
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (!this.ownedBy(t, agent)) return { ok: false, reason: 'not assigned to you' };
    const at = new Date().toISOString();
    // Agents paste procedures; the user sees them as written. The transcript keeps a masked copy.
    // A label with the agent's name: in Web Chat every message from this bot has the same avatar.
    const label = fill(this.live.agentSays, { agent: escapeMarkdown(agent.name) });
    await this.toUser(t, [{ type: 'message', text: `${label}\n\n${clean}`, textFormat: 'markdown', from: { id: 'agent', name: agent.name, role: 'bot' } as Activity['from'] }]);
    await this.o.tickets.update(ref, (cur) => this.appendTranscript(cur, { from: 'agent', name: agent.name, text: mask(clean), at }));
    return { ok: true };
  }

  /** Applies `change` to a ticket the agent holds, then tells the user `notice` and refreshes the Teams card. */
  private async ownedAction(ref: string, agent: AgentIdentity, change: (t: Ticket, at: string) => Ticket, notice: OutActivity): Promise<{ ok: boolean; reason?: string }> {
    const at = new Date().toISOString();
    let reason: string | undefined;
    const t = await this.o.tickets.update(ref, (cur) => {
      if (this.ownedBy(cur, agent)) return change(cur, at);
      reason = 'not assigned to you';
      return undefined;
    });
    if (!t) return { ok: false, reason: 'no such ticket' };
    if (reason) return { ok: false, reason };
    await this.toUser(t, [notice]);
    await this.updateTeamsCard(ref).catch(() => undefined);
    return { ok: true };
  }

  /** The agent gives the conversation back to the queue. */
  release(ref: string, agent: AgentIdentity): Promise<{ ok: boolean; reason?: string }> {
    return this.ownedAction(
      ref,
      agent,
      (cur, at) => ({ ...cur, status: 'waiting', assignee: undefined, waitingSince: at, history: [...cur.history, { at, action: 'released', agent: agent.id }] }),
      textActivity(this.live.released),
    );
  }

  /** The agent is done: the user is asked whether the problem is solved (the answer is recorded). */
  close(ref: string, agent: AgentIdentity): Promise<{ ok: boolean; reason?: string }> {
    const m = this.o.bot().messages;
    return this.ownedAction(ref, agent, (cur, at) => ({ ...cur, status: 'closed', history: [...cur.history, { at, action: 'closed', agent: agent.id }] }), {
      type: 'message',
      text: fill(this.live.agentLeft, { agent: escapeMarkdown(agent.name) }),
      textFormat: 'markdown',
      suggestedActions: { to: [], actions: [m.checkSolvedLabel, m.checkUnsolvedLabel].map((l) => ({ type: 'imBack', title: l, value: l })) },
    });
  }

  // ------------------------------------------------------------------ Teams agents' channel

  async teamsChannel(): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.o.storage.read([TEAMS_CHANNEL_KEY]);
    return (items[TEAMS_CHANNEL_KEY] as { reference?: Partial<ConversationReference> } | undefined)?.reference;
  }

  /**
   * The agent's name as Teams knows the member (the activity's `from.name` is whatever the sender put
   * there); the generic label when the roster cannot be read.
   */
  private async memberName(context: TurnContext): Promise<string> {
    try {
      const member = await TeamsInfo.getMember(context, context.activity.from.id);
      if (member?.name) return member.name;
    } catch (err) {
      this.o.logger.warn({ err: errInfo(err) }, 'could not read the agent from the Teams roster');
    }
    return this.live.agentFallbackName;
  }

  /** `/daftar-agen` typed in the configured agents' channel: it receives escalations from now on. */
  async registerTeamsChannel(context: TurnContext): Promise<void> {
    const a = context.activity;
    const channelConversation = a.conversation.id.split(';')[0]!;
    const reference = { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: channelConversation } };
    delete (reference as { activityId?: string }).activityId;
    await this.o.storage.write({ [TEAMS_CHANNEL_KEY]: { reference, registeredBy: a.from?.name ?? a.from?.id, at: new Date().toISOString(), eTag: '*' } });
    await context.sendActivity(textActivity(this.live.channelRegistered));
  }

  private get words() {
    return this.o.bot().agentsChannel;
  }

  private ticketCard(t: Ticket): ReturnType<typeof CardFactory.adaptiveCard> {
    const w = this.words;
    const steps = t.path.length ? t.path.map((p) => p.split('/')[1]).join(' → ') : '-';
    const status = t.status === 'assigned' ? fill(w.status.assigned, { agent: t.assignee?.name }) : t.status === 'waiting' ? w.status.waiting : t.status === 'closed' ? w.status.closed : w.status.none;
    return CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: fill(w.cardTitle, { ref: t.ref }), weight: 'Bolder', size: 'Medium' },
        { type: 'TextBlock', text: t.summary, wrap: true },
        { type: 'FactSet', facts: [{ title: w.facts.topic, value: t.intentTitle ?? '-' }, { title: w.facts.steps, value: steps }, { title: w.facts.codes, value: t.codes.join(', ') || '-' }, { title: w.facts.channel, value: t.channel }, { title: w.facts.status, value: status }] },
      ],
      actions: t.status === 'waiting' ? [{ type: 'Action.Submit', title: w.claimButton, data: { action: 'ambil', ref: t.ref } }] : [],
    });
  }

  private async postToTeamsChannel(t: Ticket): Promise<void> {
    const channel = await this.teamsChannel();
    if (!channel) return;
    let rootId: string | undefined;
    await this.o.adapter.continueConversationAsync(this.o.appId ?? '', channel, async (ctx) => {
      const res = await ctx.sendActivity({ type: 'message', attachments: [this.ticketCard(t)] });
      rootId = res?.id;
    });
    if (!rootId) return;
    const conversationId = String(channel.conversation?.id);
    await this.o.tickets.update(t.ref, (cur) => ({ ...cur, teamsThread: { conversationId, activityId: rootId! } }));
    await this.o.storage.write({ [threadKey(rootId)]: { ref: t.ref, eTag: '*' } });
  }

  /** Re-renders the escalation card in the Teams channel (everyone sees who took it). */
  async updateTeamsCard(ref: string): Promise<void> {
    const t = await this.o.tickets.get(ref);
    const channel = await this.teamsChannel();
    if (!t?.teamsThread || !channel) return;
    await this.o.adapter.continueConversationAsync(this.o.appId ?? '', { ...channel, conversation: { ...channel.conversation!, id: t.teamsThread.conversationId } }, async (ctx) => {
      await ctx.updateActivity({ type: 'message', id: t.teamsThread!.activityId, attachments: [this.ticketCard(t)] });
    });
  }

  /** Posts a line into the ticket's Teams thread (the user's messages). */
  private async mirrorToTeams(t: Ticket, text: string): Promise<void> {
    if (!t.teamsThread) return;
    const channel = await this.teamsChannel().catch(() => undefined);
    if (!channel) return;
    const threadId = `${t.teamsThread.conversationId};messageid=${t.teamsThread.activityId}`;
    await this.o.adapter
      .continueConversationAsync(this.o.appId ?? '', { ...channel, conversation: { ...channel.conversation!, id: threadId } }, async (ctx) => {
        await ctx.sendActivity(textActivity(text));
      })
      .catch((err) => this.o.logger.warn({ err: errInfo(err) }, 'could not mirror to the Teams thread'));
  }

  /**
   * Messages in the Teams agents' channel: `/daftar-agen`, the card's "Ambil" submit, replies in a
   * ticket's thread (relayed to the user) and `/selesai`. Returns true when handled.
   */
  async handleTeamsAgentMessage(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    if (a.channelId !== 'msteams') return false;
    const isChannel = a.conversation?.conversationType === 'channel' || /;messageid=/.test(a.conversation?.id ?? '');
    if (!isChannel) return false;
    const text = (a.recipient?.id ? TurnContext.removeMentionText(a, a.recipient.id) : a.text ?? '')?.trim() ?? '';
    const value = a.value as { action?: string; ref?: string } | undefined;
    const agentCommand = /^\/(daftar-agen|selesai)\b/i.test(text) || value?.action === 'ambil';
    // Only the configured channel of the configured tenant, and only with credentials (the activity's
    // token then proves Teams sent it, so its tenant and channel ids can be believed).
    const cfg = this.o.agentsTeams;
    const channelData = (a.channelData ?? {}) as { tenant?: { id?: string }; channel?: { id?: string } };
    const tenant = channelData.tenant?.id ?? a.conversation?.tenantId;
    const channelId = channelData.channel?.id ?? a.conversation?.id.split(';')[0];
    const allowed = !!cfg && !!this.o.appId && tenant === cfg.tenantId && !!channelId && cfg.channelIds.includes(channelId);
    if (!allowed) {
      if (agentCommand) {
        this.o.logger.warn({ command: text.slice(0, 20) || value?.action }, 'agent command refused: not the configured agents\' Teams channel');
        await context.sendActivity(textActivity(this.live.notAgentsChannel));
        return true;
      }
      return false;
    }
    const agent: AgentIdentity = { id: `teams:${a.from?.aadObjectId ?? a.from?.id}`, name: await this.memberName(context), via: 'teams' };
    if (/^\/daftar-agen\b/i.test(text)) {
      await this.registerTeamsChannel(context);
      return true;
    }
    if (value?.action === 'ambil' && value.ref) {
      // Claims only from the conversation registered with /daftar-agen (a thread of it).
      const registered = await this.teamsChannel().catch(() => undefined);
      if (!registered || registered.conversation?.id !== a.conversation?.id.split(';')[0]) return true;
      const r = await this.claim(value.ref, agent);
      if (!r.ok) await context.sendActivity(textActivity(fill(r.reason === 'no such ticket' ? this.words.claimFailedMissing : this.words.claimFailedTaken, { ref: value.ref })));
      return true;
    }
    const root = a.conversation?.id.match(/;messageid=(\S+)$/)?.[1];
    if (!root) return false;
    const items = await this.o.storage.read([threadKey(root)]);
    const ref = (items[threadKey(root)] as { ref?: string } | undefined)?.ref;
    if (!ref) return false;
    const t = await this.o.tickets.get(ref);
    if (!t) return false;
    if (/^\/selesai\b/i.test(text)) {
      const r = await this.close(ref, agent);
      if (!r.ok) await context.sendActivity(textActivity(this.words.closeNotYours));
      return true;
    }
    if (!text) return true;
    const r = await this.sendFromAgent(ref, agent, text);
    if (!r.ok) await context.sendActivity(textActivity(t.status === 'waiting' ? this.words.claimFirst : this.words.handledByOther));
    return true;
  }
}

