/**
 * The errors of the agent console, insights and agent-key APIs (/agent/api/*, /api/handoffs,
 * /api/answers, /api/review) and of their static files. One shape everywhere:
 *
 *   { "code": "no-such-ticket", "error": "no such ticket", ...details }
 *
 * `code` is stable and is what programs (the console pages included) branch on; `error` is the
 * English explanation for people reading logs or curl output and may be reworded at any time. The
 * pages show their own Indonesian words for each code (intents/_pages.yaml),
 * never `error`.
 * Details are named fields (`assignee`, `status`, `limit`, `retryAfterSeconds`, `maxChars`).
 *
 * `error` stayed a string (and `code` sits next to it) so that clients written against the earlier
 * `{ error }` bodies keep working. The built-in Direct Line has its own protocol's error shape
 * (src/web/directline/), not this one.
 *
 * This file is also type-checked with the pages (console-ui/tsconfig.json): no Node or restify imports.
 */
export const API_ERROR_CODES = [
  /** 404: no agent accounts configured (AGENTS). */
  'console-disabled',
  /** 404: no agent API key configured (AGENT_API_KEY). */
  'agent-api-disabled',
  /** 401: the agent API key is missing or wrong. */
  'agent-key-required',
  /** 401: no live console session (never signed in, expired, or signed out). */
  'sign-in-required',
  /** 401: sign-in with an unknown agent id or a wrong key. */
  'wrong-credentials',
  /** 429: too many failed sign-ins (`limit`: 'agent' | 'source', `retryAfterSeconds`). */
  'too-many-sign-ins',
  /** 503: the store that keeps sessions and sign-in limits cannot be reached. */
  'store-unavailable',
  /** 403: a state-changing call without `X-Requested-With: agent-console` (CSRF). */
  'csrf-header-missing',
  /** 403: the insights are for supervisors only. */
  'supervisors-only',
  /** 404: no ticket with this reference. */
  'no-such-ticket',
  /** 409: claiming a ticket another agent holds (`assignee`: their name). */
  'already-taken',
  /** 409: claiming a ticket that is not waiting (`status`: its status). */
  'ticket-not-waiting',
  /** 409: releasing, closing or replying to a ticket the agent does not hold. */
  'not-assigned-to-you',
  /** 400: a reply that is empty or longer than `maxChars`. */
  'invalid-text',
  /** 400: from/to/days/bucket of a period that cannot be read. */
  'invalid-period',
  /** 400: a ticket status filter or paging that cannot be read. */
  'invalid-query',
  /** 404: no canned answer with this id or short code. */
  'no-such-answer',
  /** 400: adding examples without a cluster id (c-xxxxxxxx) or an intent. */
  'invalid-accept-request',
  /** 404: the cluster is not in that period (any more). */
  'unknown-cluster',
  /** 400: no intent with that id. */
  'unknown-intent',
  /** 422: the intent file would not validate with the examples added; nothing was written. */
  'invalid-examples',
  /** 500: a page file or bundle is missing on the server. */
  'asset-unavailable',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The body of every error response of these APIs. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  error: string;
  [detail: string]: unknown;
}

/** Structural, so this file needs no restify import (see the header). */
interface Sender {
  send(status: number, body: unknown): unknown;
}

/** Sends `{ code, error, ...details }` with the status. */
export function sendError(res: Sender, status: number, code: ApiErrorCode, error: string, details: Record<string, unknown> = {}): void {
  res.send(status, { code, error, ...details } satisfies ApiErrorBody);
}
