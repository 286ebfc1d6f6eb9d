/**
 * What the conversation service takes in and gives out, free of any channel SDK: a user's message as
 * plain fields, and neutral replies that `src/bot/render.ts` turns into a channel's activities.
 */
import type { AnswerNode } from '../catalog/schema.js';
import type { Ticket, TranscriptEntry } from '../handoff/tickets.js';

/** One message from a user, as the bot layer read it from the channel. */
export interface IncomingMessage {
  /** The text the user typed or the label of the button they clicked (mentions removed). */
  text: string;
  /** The message carried files or images and no text. */
  attachmentsOnly: boolean;
  channel: string;
  conversationId: string;
  userId: string;
  activityId?: string;
  /** How to reach this conversation later (opaque here; stored on a hand-off ticket). */
  reference: unknown;
}

/** A neutral reply. Consecutive texts may be sent together; each entry is in order. */
export type Outgoing =
  | { kind: 'text'; text: string; /** Shown as written by this person (a live agent). */ from?: string }
  /** A procedure (split into bubbles by the renderer). */
  | { kind: 'answer'; node: AnswerNode }
  | { kind: 'choices'; text: string; labels: string[] }
  /** The official contacts (a card where cards render), with the ticket's reference if any. */
  | { kind: 'contacts'; ref?: string }
  /** For hubs that speak the Bot Framework hand-off protocol: the ticket and the masked transcript. */
  | { kind: 'handoff-context'; ticket: Ticket; transcript: TranscriptEntry[] };

/** Live agents as the conversation service needs them (src/handoff/live.ts). */
export interface LiveRelay {
  /** Puts a new ticket in the live queue; the text for the user, or undefined when no agents exist. */
  enqueue(ticket: Ticket): Promise<string | undefined>;
  /** A user's message while their conversation has a ticket: relayed, answered, or left to the bot. */
  handleUserMessage(
    ref: string,
    text: string,
  ): Promise<{ handled: boolean; clearRef?: boolean; outcome?: { solved: boolean; intent?: string }; replies: Outgoing[] }>;
}
