/**
 * Cheap checks on an incoming activity before the adapter sees it, so malformed requests get a 4xx
 * with a reason instead of an exception deep in the SDK.
 */
import type { Request } from 'restify';

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
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function validateActivityBody(req: Request): BodyProblem | undefined {
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/json')) return { status: 415, reason: 'content type must be application/json' };
  const body: unknown = req.body;
  if (!isObj(body)) return { status: 400, reason: 'body must be a JSON object (a Bot Framework activity)' };
  if (jsonDepth(body) > MAX_JSON_DEPTH) return { status: 400, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  if (typeof body.type !== 'string' || !body.type) return { status: 400, reason: 'activity.type is required' };
  if (!isObj(body.conversation) || typeof body.conversation.id !== 'string' || !body.conversation.id) return { status: 400, reason: 'activity.conversation.id is required' };
  if (typeof body.serviceUrl !== 'string' || !/^https?:\/\/[^\s]+$/i.test(body.serviceUrl)) return { status: 400, reason: 'activity.serviceUrl must be an http(s) URL' };
  if (body.from !== undefined && !isObj(body.from)) return { status: 400, reason: 'activity.from must be an object' };
  if (body.text !== undefined && typeof body.text !== 'string') return { status: 400, reason: 'activity.text must be a string' };
  if (typeof body.channelId !== 'string' || !body.channelId) return { status: 400, reason: 'activity.channelId is required' };
  return undefined;
}
