/** What the bot keeps per conversation, and the masked transcript agents read. */
import { CONVERSATION_TRANSCRIPT_ENTRIES } from '../limits.js';
import { newFlowState, reviveFlowState, type FlowState } from '../flow/state.js';
import type { TranscriptEntry } from '../handoff/tickets.js';
import { mask } from '../privacy/index.js';

/** What the bot keeps per conversation (JSON; stored by the configured store). */
export interface ConversationData {
  flow: FlowState;
  /** Masked transcript, newest last, bounded. */
  transcript: TranscriptEntry[];
  /** The open hand-off of this conversation, if any. */
  handoffRef?: string;
  welcomed?: boolean;
}

export function newConversationData(): ConversationData {
  return { flow: newFlowState(), transcript: [] };
}

/** Data read back from the store, made whole (older or damaged documents get fresh parts). */
export function reviveConversationData(raw: unknown): ConversationData {
  const data = raw && typeof raw === 'object' ? (raw as ConversationData) : newConversationData();
  data.flow = reviveFlowState(data.flow);
  if (!Array.isArray(data.transcript)) data.transcript = [];
  return data;
}

/** Adds to the transcript: what people wrote is masked; the bot's own (authored) words are kept as they are. */
export function record(data: ConversationData, from: TranscriptEntry['from'], text: string, name?: string): void {
  if (!text) return;
  const entry: TranscriptEntry = { from, text: (from === 'bot' ? text : mask(text)).slice(0, 2000), at: new Date().toISOString() };
  if (name) entry.name = name;
  data.transcript = [...data.transcript, entry].slice(-CONVERSATION_TRANSCRIPT_ENTRIES);
}
