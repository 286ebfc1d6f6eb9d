/**
 * The agents' channel in Teams: `/daftar-agen` registers the configured channel; each escalation is a
 * card there with "Ambil" (claim); replies in a card's thread go to the user; `/selesai` closes. Only the
 * configured channel of the configured tenant, and only with credentials (the activity's token then
 * proves Teams sent it, so its tenant and channel ids can be believed).
 */
import { CardFactory, TeamsInfo, TurnContext, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import { fill } from '../catalog/fill.js';
import type { BotContent } from '../catalog/schema.js';
import type { AgentIdentity, AgentsMirror, LiveAgents } from '../handoff/live.js';
import type { Ticket, TicketStore } from '../handoff/tickets.js';
import { errInfo } from '../log.js';
import type { KeyValueStore } from '../storage/key-value.js';
import type { HelpdeskAdapter } from './adapter.js';
import { textActivity } from './render.js';

export interface AgentsChannelOptions {
  adapter: HelpdeskAdapter;
  tickets: TicketStore;
  storage: KeyValueStore;
  logger: Logger;
  bot: () => BotContent;
  appId?: string;
  /** The configured agents' Teams channel (needs credentials, see config.ts); none = no Teams agents. */
  agentsTeams?: { tenantId: string; channelIds: string[] };
}

const TEAMS_CHANNEL_KEY = 'agents/teams-channel';
const threadKey = (rootId: string) => `agents/teams-thread/${rootId}`;

export class AgentsTeamsChannel implements AgentsMirror {
  constructor(private readonly o: AgentsChannelOptions) {}

  private get live() {
    return this.o.bot().live;
  }

  private get words() {
    return this.o.bot().agentsChannel;
  }

  async channel(): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.o.storage.read([TEAMS_CHANNEL_KEY]);
    return (items[TEAMS_CHANNEL_KEY] as { reference?: Partial<ConversationReference> } | undefined)?.reference;
  }

  async registered(): Promise<boolean> {
    return !!(await this.channel());
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
  private async register(context: TurnContext): Promise<void> {
    const a = context.activity;
    const channelConversation = a.conversation.id.split(';')[0]!;
    const reference = { ...TurnContext.getConversationReference(a), conversation: { ...a.conversation, id: channelConversation } };
    delete (reference as { activityId?: string }).activityId;
    await this.o.storage.write({ [TEAMS_CHANNEL_KEY]: { reference, registeredBy: a.from?.name ?? a.from?.id, at: new Date().toISOString(), eTag: '*' } });
    await context.sendActivity(textActivity(this.live.channelRegistered));
  }

  private card(t: Ticket): ReturnType<typeof CardFactory.adaptiveCard> {
    const w = this.words;
    const steps = t.path.length ? t.path.map((p) => p.split('/')[1]).join(' → ') : '-';
    const status =
      t.status === 'assigned'
        ? fill(w.status.assigned, { agent: t.assignee?.name })
        : t.status === 'waiting'
          ? w.status.waiting
          : t.status === 'closed'
            ? w.status.closed
            : w.status.none;
    return CardFactory.adaptiveCard({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: fill(w.cardTitle, { ref: t.ref }), weight: 'Bolder', size: 'Medium' },
        { type: 'TextBlock', text: t.summary, wrap: true },
        {
          type: 'FactSet',
          facts: [
            { title: w.facts.topic, value: t.intentTitle ?? '-' },
            { title: w.facts.steps, value: steps },
            { title: w.facts.codes, value: t.codes.join(', ') || '-' },
            { title: w.facts.channel, value: t.channel },
            { title: w.facts.status, value: status },
          ],
        },
      ],
      actions: t.status === 'waiting' ? [{ type: 'Action.Submit', title: w.claimButton, data: { action: 'ambil', ref: t.ref } }] : [],
    });
  }

  async post(t: Ticket): Promise<void> {
    const channel = await this.channel();
    if (!channel) return;
    let rootId: string | undefined;
    await this.o.adapter.continueConversationAsync(this.o.appId ?? '', channel, async (ctx) => {
      const res = await ctx.sendActivity({ type: 'message', attachments: [this.card(t)] });
      rootId = res?.id;
    });
    if (!rootId) return;
    const conversationId = String(channel.conversation?.id);
    await this.o.tickets.update(t.ref, (cur) => ({ ...cur, teamsThread: { conversationId, activityId: rootId! } }));
    await this.o.storage.write({ [threadKey(rootId)]: { ref: t.ref, eTag: '*' } });
  }

  /** Re-renders the escalation card in the Teams channel (everyone sees who took it). */
  async update(ref: string): Promise<void> {
    const t = await this.o.tickets.get(ref);
    const channel = await this.channel();
    if (!t?.teamsThread || !channel) return;
    await this.o.adapter.continueConversationAsync(
      this.o.appId ?? '',
      { ...channel, conversation: { ...channel.conversation!, id: t.teamsThread.conversationId } },
      async (ctx) => {
        await ctx.updateActivity({ type: 'message', id: t.teamsThread!.activityId, attachments: [this.card(t)] });
      },
    );
  }

  /** Posts a line into the ticket's Teams thread (the user's messages). */
  async say(t: Ticket, text: string): Promise<void> {
    if (!t.teamsThread) return;
    const channel = await this.channel().catch(() => undefined);
    if (!channel) return;
    const threadId = `${t.teamsThread.conversationId};messageid=${t.teamsThread.activityId}`;
    await this.o.adapter.continueConversationAsync(
      this.o.appId ?? '',
      { ...channel, conversation: { ...channel.conversation!, id: threadId } },
      async (ctx) => {
        await ctx.sendActivity(textActivity(text));
      },
    );
  }

  /**
   * Messages in the Teams agents' channel: `/daftar-agen`, the card's "Ambil" submit, replies in a
   * ticket's thread (relayed to the user) and `/selesai`. Returns true when handled.
   */
  async handle(context: TurnContext, live: LiveAgents): Promise<boolean> {
    const a = context.activity;
    if (a.channelId !== 'msteams') return false;
    const isChannel = a.conversation?.conversationType === 'channel' || /;messageid=/.test(a.conversation?.id ?? '');
    if (!isChannel) return false;
    const text = (a.recipient?.id ? TurnContext.removeMentionText(a, a.recipient.id) : (a.text ?? ''))?.trim() ?? '';
    const value = a.value as { action?: string; ref?: string } | undefined;
    const agentCommand = /^\/(daftar-agen|selesai)\b/i.test(text) || value?.action === 'ambil';
    const cfg = this.o.agentsTeams;
    const channelData = (a.channelData ?? {}) as { tenant?: { id?: string }; channel?: { id?: string } };
    const tenant = channelData.tenant?.id ?? a.conversation?.tenantId;
    const channelId = channelData.channel?.id ?? a.conversation?.id.split(';')[0];
    const allowed = !!cfg && !!this.o.appId && tenant === cfg.tenantId && !!channelId && cfg.channelIds.includes(channelId);
    if (!allowed) {
      if (agentCommand) {
        this.o.logger.warn({ command: text.slice(0, 20) || value?.action }, "agent command refused: not the configured agents' Teams channel");
        await context.sendActivity(textActivity(this.live.notAgentsChannel));
        return true;
      }
      return false;
    }
    const agent: AgentIdentity = { id: `teams:${a.from?.aadObjectId ?? a.from?.id}`, name: await this.memberName(context), via: 'teams' };
    if (/^\/daftar-agen\b/i.test(text)) {
      await this.register(context);
      return true;
    }
    if (value?.action === 'ambil' && value.ref) {
      // Claims only from the conversation registered with /daftar-agen (a thread of it).
      const registered = await this.channel().catch(() => undefined);
      if (!registered || registered.conversation?.id !== a.conversation?.id.split(';')[0]) return true;
      const r = await live.claim(value.ref, agent);
      if (!r.ok)
        await context.sendActivity(
          textActivity(fill(r.reason === 'no such ticket' ? this.words.claimFailedMissing : this.words.claimFailedTaken, { ref: value.ref })),
        );
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
      const r = await live.close(ref, agent);
      if (!r.ok) await context.sendActivity(textActivity(this.words.closeNotYours));
      return true;
    }
    if (!text) return true;
    const r = await live.sendFromAgent(ref, agent, text);
    if (!r.ok) await context.sendActivity(textActivity(t.status === 'waiting' ? this.words.claimFirst : this.words.handledByOther));
    return true;
  }
}
