/**
 * What the agent console reads of /agent/api (src/web/agent-console.ts): only the fields it uses.
 * tests/live-agents.test.ts checks at compile time that the server's tickets fit these shapes.
 */
export type TicketStatus = 'open' | 'waiting' | 'assigned' | 'closed' | 'failed';

export interface TranscriptEntry {
  from: 'user' | 'bot' | 'agent';
  name?: string;
  text: string;
  at: string;
}

/** A ticket as /agent/api/tickets/:ref shows it (no conversation reference). */
export interface TicketView {
  ref: string;
  status: TicketStatus;
  assignee?: { id: string; name: string };
  summary?: string;
  intent?: string;
  intentTitle?: string;
  path?: string[];
  /** The path in words (topic › step), when the server can say them. */
  steps?: string[];
  codes?: string[];
  lastQuestion?: string;
  channel?: string;
  waitingMs?: number;
  transcript?: TranscriptEntry[];
}

/** A queue entry (/agent/api/queue): the ticket without its transcript, and whether it is the agent's. */
export interface QueueItem extends Omit<TicketView, 'transcript'> {
  mine: boolean;
}

/** A canned answer as /agent/api/answers lists it. */
export interface AnswerItem {
  id: string;
  code: string;
  title: string;
  markdown: string;
}
