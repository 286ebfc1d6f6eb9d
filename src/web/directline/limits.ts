/** Paths, body sizes and the tunable limits of the built-in Direct Line (see ../directline.ts). */

export const DIRECT_LINE_PREFIX = '/v3/directline';
export const CHANNEL_PREFIX = '/v3/directline-channel';
export const MAX_CLIENT_BODY_BYTES = 256 * 1024;
/** Bot replies may carry cards and the hand-off transcript. */
export const MAX_BOT_BODY_BYTES = 1024 * 1024;
export { WIRE_MESSAGE_CHARS as MAX_TEXT_CHARS } from '../../limits.js';
export const MAX_ATTACHMENTS = 5;

export interface DirectLineLimits {
  /** Token lifetime; a refresh extends it by this much again. Default 30 min. */
  tokenTtlSeconds: number;
  /** A conversation without any client or bot traffic (polls count: an open page keeps its conversation) for this long is forgotten. Default 1 h. */
  conversationIdleMs: number;
  /** At most this many conversations are kept; the least recently active is evicted. Default 5,000. */
  maxConversations: number;
  /** Only the newest N activities of a conversation are kept. Default 500. */
  maxActivitiesPerConversation: number;
  /** Stored JSON bytes per conversation (oldest activities dropped beyond it). Default 2 MB. */
  maxBytesPerConversation: number;
  /** Stored JSON bytes over all conversations (least recently active evicted). Default 128 MB. */
  maxTotalBytes: number;
  /** Token generation per client IP. Default 30 per minute. */
  tokenRate: { max: number; windowMs: number };
  /** User activities waiting for the bot per conversation (in this process) before 429. Default 5. */
  maxQueuedPerConversation: number;
  /** How long to wait for the bot's HTTP answer. Default 15 s (the real service waits 15 s too). */
  botTimeoutMs: number;
}

export const DEFAULT_LIMITS: DirectLineLimits = {
  tokenTtlSeconds: 30 * 60,
  conversationIdleMs: 60 * 60 * 1000,
  maxConversations: 5000,
  maxActivitiesPerConversation: 500,
  maxBytesPerConversation: 2 * 1024 * 1024,
  maxTotalBytes: 128 * 1024 * 1024,
  tokenRate: { max: 30, windowMs: 60_000 },
  maxQueuedPerConversation: 5,
  botTimeoutMs: 15_000,
};

/** The part of the limits the conversation store enforces. */
export type StoreLimits = Pick<
  DirectLineLimits,
  'conversationIdleMs' | 'maxConversations' | 'maxActivitiesPerConversation' | 'maxBytesPerConversation' | 'maxTotalBytes'
>;
