/** What the page may post, and how activities are shaped on their way to the bot and back. */
import { jsonDepth, MAX_JSON_DEPTH } from '../activity-validation.js';
import { MAX_ATTACHMENTS, MAX_TEXT_CHARS } from './limits.js';

export type Activity = Record<string, unknown>;

export const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const CLIENT_TYPES = new Set(['message', 'event', 'typing']);
/** Fields a client may set; everything else (from, recipient, serviceUrl, ids, …) is ours. */
const CLIENT_FIELDS = [
  'type',
  'text',
  'textFormat',
  'locale',
  'localTimestamp',
  'localTimezone',
  'attachments',
  'attachmentLayout',
  'value',
  'valueType',
  'name',
  'channelData',
  'entities',
  'speak',
  'inputHint',
  'replyToId',
] as const;

export function validateClientActivity(body: unknown): string | undefined {
  if (!isObj(body)) return 'body must be a JSON object (an activity)';
  if (jsonDepth(body) > MAX_JSON_DEPTH) return `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (typeof body.type !== 'string' || !body.type) return 'activity.type must be a non-empty string';
  if (!CLIENT_TYPES.has(body.type)) return `activity.type must be one of ${[...CLIENT_TYPES].join(', ')}`;
  if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') return 'activity.text must be a string';
  if (typeof body.text === 'string' && body.text.length > MAX_TEXT_CHARS) return `activity.text is longer than ${MAX_TEXT_CHARS} characters`;
  if (body.attachments !== undefined && body.attachments !== null) {
    if (!Array.isArray(body.attachments)) return 'activity.attachments must be an array';
    if (body.attachments.length > MAX_ATTACHMENTS) return `at most ${MAX_ATTACHMENTS} attachments are allowed`;
    if (!body.attachments.every((a) => isObj(a) && typeof a.contentType === 'string')) return 'every attachment needs a contentType string';
  }
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length > 200)) return 'activity.name must be a string of at most 200 characters';
  if (body.locale !== undefined && (typeof body.locale !== 'string' || body.locale.length > 35)) return 'activity.locale must be a language tag';
  if (body.channelData !== undefined && body.channelData !== null && !isObj(body.channelData)) return 'activity.channelData must be an object';
  if (body.entities !== undefined && body.entities !== null && (!Array.isArray(body.entities) || body.entities.length > 20))
    return 'activity.entities must be an array of at most 20 items';
  if (body.from !== undefined && body.from !== null && !isObj(body.from)) return 'activity.from must be an object';
  return undefined;
}

export interface Party {
  id: string;
  name: string;
}

/** The page's activity as this channel records it: only client fields, the user from the token. */
export function userActivity(body: Activity, c: { id: string; userId: string; locale?: string }, timestamp: string): Activity {
  const activity: Activity = {};
  for (const k of CLIENT_FIELDS) if (body[k] !== undefined) activity[k] = body[k];
  const clientFrom = isObj(body.from) ? body.from : {};
  const name = typeof clientFrom.name === 'string' && clientFrom.name.length <= 100 ? clientFrom.name : undefined;
  activity.from = { id: c.userId, ...(name ? { name } : {}), role: 'user' };
  activity.conversation = { id: c.id };
  activity.channelId = 'webchat';
  activity.timestamp = timestamp;
  if (!activity.locale && c.locale) activity.locale = c.locale;
  return activity;
}

/** Ids of stored activities: `<conversation>|<seq, 7 digits or more>`; the seq is the watermark. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/** The seq of one of this conversation's activity ids, or undefined. */
export function seqOf(conversationId: string, id: unknown): number | undefined {
  const m = typeof id === 'string' ? /^(.+)\|(\d{7,})$/.exec(id) : null;
  return m && m[1] === conversationId ? Number(m[2]) : undefined;
}

/**
 * A reply or proactive message from the bot, as the page gets it. `replyToId` is kept only when it
 * names one of this conversation's stored activities: Web Chat holds a reply back for up to 5 s
 * waiting for the activity it replies to (the join event, or the SDK's proactive path replying to its
 * own continuation event, name none).
 */
export function botActivity(
  body: Activity,
  params: Record<string, unknown> | undefined,
  c: { id: string; userId: string; seq: number },
  bot: Party,
  timestamp: string,
): Activity {
  const { serviceUrl: _s, id: _id, ...rest } = body;
  const asked = typeof params?.replyToId === 'string' ? params.replyToId : rest.replyToId;
  const seq = seqOf(c.id, asked);
  const replyToId = seq !== undefined && seq <= c.seq ? asked : undefined;
  delete rest.replyToId;
  return {
    ...rest,
    ...(replyToId ? { replyToId } : {}),
    channelId: 'webchat',
    conversation: { id: c.id },
    from: isObj(rest.from) && typeof rest.from.id === 'string' ? { ...rest.from, role: 'bot' } : { id: bot.id, name: bot.name, role: 'bot' },
    recipient: { id: c.userId, role: 'user' },
    timestamp,
  };
}
