/**
 * Cheap checks on an incoming activity before the adapter sees it, so malformed requests get a 4xx
 * with a reason instead of an exception deep in the SDK.
 */
import type { Request } from 'restify';
import { z } from 'zod';

export const MAX_JSON_DEPTH = 32;

export interface BodyProblem {
  status: number;
  reason: string;
}

/** Depth of a parsed JSON value, iteratively (a hostile body must not blow the stack). */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH + 1): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max >= limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Ids a channel gives conversations and members: no control or bidirectional-override characters. */
const id = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]+$/u, 'must not contain control or direction-override characters');

const account = z.looseObject({
  id: id(256),
  name: z.string().max(256).optional(),
  aadObjectId: z.string().max(128).optional(),
  role: z.string().max(32).optional(),
});

/**
 * The activity fields this server reads, typed; everything else passes through untouched (channels add
 * their own). One schema at the edge, so a wrongly typed field is a 400 naming it, not a failed turn.
 */
export const activitySchema = z.looseObject({
  type: z.string().min(1, 'is required').max(64),
  id: z.string().max(256).optional(),
  channelId: z.string().min(1, 'is required').max(64),
  serviceUrl: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s]+$/i, 'must be an http(s) URL'),
  conversation: z.looseObject({
    id: id(512),
    conversationType: z.string().max(64).optional(),
    tenantId: z.string().max(128).optional(),
    isGroup: z.boolean().optional(),
    name: z.string().max(256).optional(),
  }),
  from: account.optional(),
  recipient: account.optional(),
  text: z.string().optional(),
  textFormat: z.string().max(32).optional(),
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as id-ID')
    .optional(),
  timestamp: z.string().max(64).optional(),
  localTimestamp: z.string().max(64).optional(),
  replyToId: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
  membersAdded: z.array(account).max(500).optional(),
  membersRemoved: z.array(account).max(500).optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256).optional(), name: z.string().max(512).optional() }))
    .max(50)
    .optional(),
  entities: z
    .array(z.looseObject({ type: z.string().max(128).optional() }))
    .max(100)
    .optional(),
  channelData: z.looseObject({}).optional(),
});

export function validateActivityBody(req: Request): BodyProblem | undefined {
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/json')) return { status: 415, reason: 'content type must be application/json' };
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, reason: 'body must be a JSON object (a Bot Framework activity)' };
  if (jsonDepth(body) > MAX_JSON_DEPTH) return { status: 400, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  const r = activitySchema.safeParse(body);
  if (r.success) return undefined;
  const issue = r.error.issues[0]!;
  const where = ['activity', ...issue.path.map(String)].join('.');
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return { status: 400, reason: `${where}: ${missing ? 'is required' : issue.message}` };
}
