/**
 * A hand-off: a ticket with the conversation so far, the user told the reference and where to go, and
 * the live queue (when agents exist) or the contacts and a summary to copy (when they do not).
 */
import type { Logger } from 'pino';
import type { Core } from '../core.js';
import { topicOf, type HandoffTrigger } from '../flow/state.js';
import { buildSummary, copyReadySummary, formatCode } from '../handoff/summary.js';
import type { Ticket, TicketStore } from '../handoff/tickets.js';
import { errInfo } from '../log.js';
import { record, type ConversationData } from './data.js';
import type { IncomingMessage, LiveRelay, Outgoing } from './types.js';

export interface HandoffDeps {
  core: Core;
  tickets: TicketStore;
  live?: LiveRelay;
  logger: Logger;
}

/** Markdown emphasis and links from user text stay literal in the summary list. */
const literal = (line: string) => line.replace(/([*_`[\]<>])/g, '\\$1');

export async function startHandoff(
  deps: HandoffDeps,
  input: IncomingMessage,
  data: ConversationData,
  trigger: HandoffTrigger,
  text?: string,
): Promise<Outgoing[]> {
  const { core, tickets, live } = deps;
  const bot = core.catalog.bot;
  const topic = topicOf(data.flow, bot.roles);
  const summary = buildSummary(core.catalog, data.flow, trigger, topic);
  let ticket: Ticket | undefined;
  try {
    ticket = await tickets.create({
      status: 'open',
      channel: input.channel || 'unknown',
      conversationId: input.conversationId,
      trigger,
      intent: topic,
      intentTitle: topic ? core.catalog.intents.get(topic)?.title : undefined,
      path: data.flow.path,
      choices: data.flow.choices,
      codes: data.flow.codes.map(formatCode),
      lastQuestion: data.flow.lastQuestion,
      summary,
      transcript: data.transcript,
      reference: input.reference,
    });
    data.handoffRef = ticket.ref;
  } catch (err) {
    deps.logger.error({ err: errInfo(err) }, 'could not record hand-off ticket');
  }
  const ref = ticket?.ref ?? '-';
  // Live agents (console or Teams channel) within hours: the user waits in the queue in this chat.
  const queued = ticket && live ? await live.enqueue(ticket).catch(() => undefined) : undefined;
  const inQueue = !!queued && (await tickets.get(ref).catch(() => undefined))?.status === 'waiting';
  const lines: string[] = [];
  if (text) lines.push(text);
  if (inQueue) lines.push(queued);
  else {
    lines.push(bot.messages.handoff.replace(/\{ref\}/g, ref));
    if (queued) lines.unshift(queued); // outside the agents' hours
  }
  const out: Outgoing[] = [{ kind: 'text', text: lines.join('\n\n') }];
  if (!inQueue) {
    out.push({ kind: 'contacts', ref: ticket?.ref });
    // A list, not a code block: a code block does not wrap and is clipped at phone width.
    const summaryLines = copyReadySummary(core.catalog, data.flow, ref, topic)
      .split('\n')
      .map((l) => `- ${literal(l)}`);
    out.push({ kind: 'text', text: `${bot.messages.handoffSummaryIntro}\n\n${summaryLines.join('\n')}` });
  }
  record(data, 'bot', lines.join('\n'));
  // Built from the ticket, whose user-written fields are masked already; the transcript was masked as it was recorded.
  if (ticket) out.push({ kind: 'handoff-context', ticket, transcript: data.transcript });
  return out;
}
