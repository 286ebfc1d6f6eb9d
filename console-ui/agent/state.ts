/** What the agent console knows between polls, and what its parts ask of the whole page. */
import type { Me } from '../shared/api.js';
import type { TicketView } from './types.js';
import words from 'content:console/agent';

export type * from './types.js';

/** The page's words (intents/_pages.yaml, its section for this page), typed by the file's schema. */
export const W = words;

export const state = {
  me: null as Me | null,
  selected: null as string | null,
  ticket: null as TicketView | null,
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  queueSeq: 0,
  ticketSeq: 0,
  /** What the queue showed last (re-rendered only when it changes). */
  queueKey: '',
  /** Refs waiting at the last poll (null before the first): new ones are announced. */
  knownWaiting: null as Set<string> | null,
  transcriptRef: null as string | null,
  transcriptKey: '',
  /** Unsent replies per ticket, kept while the agent looks at another. */
  drafts: new Map<string, string>(),
  focusTicketOnLoad: false,
};

/**
 * What the parts of the page ask of the whole (set by main.ts): poll again now, and go back to the
 * sign-in form. Late-bound so the parts need not import one another in a circle.
 */
export const page = {
  refresh: (): Promise<void> => Promise.resolve(),
  signIn: (_message: string): void => undefined,
};

export const isMine = (t: TicketView | null): boolean => !!(t && state.me && t.status === 'assigned' && t.assignee?.id === state.me.id);
