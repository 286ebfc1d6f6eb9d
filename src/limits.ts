/**
 * The size limits that several parts of the bot share, in one place so they cannot disagree.
 *
 * A message is read up to MESSAGE_CHARS: longer ones are answered from their first part with a note
 * that they were long (`messages.tooLong`). Channels accept up to WIRE_MESSAGE_CHARS, so such a message
 * still reaches the bot and gets that note instead of an HTTP error. Agents write up to MESSAGE_CHARS.
 */
export const MESSAGE_CHARS = 4000;
export const WIRE_MESSAGE_CHARS = 10_000;

/**
 * Transcript entries kept: in a conversation's own state (what a hand-off carries over: the recent
 * exchange), and in a ticket (the whole exchange with the agent, which can run longer).
 */
export const CONVERSATION_TRANSCRIPT_ENTRIES = 60;
export const TICKET_TRANSCRIPT_ENTRIES = 200;
