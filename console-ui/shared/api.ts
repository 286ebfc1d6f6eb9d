/**
 * The one fetch wrapper of the agent console and the insights page. Both talk to /agent/api with the
 * console's HttpOnly session cookie; every POST carries `X-Requested-With: agent-console` (the
 * server's CSRF check). Errors come back in the API's one shape (src/web/console/api-errors.ts): the
 * pages branch on `code` and show their own words, never the English `error` text.
 */
import type { ApiErrorBody, ApiErrorCode } from '../../src/web/console/api-errors.js';

export type { ApiErrorCode };

export interface ApiResult<T> {
  status: number;
  ok: boolean;
  /** A success's JSON body (null when it had none, or on an error). */
  data: T | null;
  /** An error's body when it is in the API's shape (null otherwise, e.g. a proxy's HTML error page). */
  error: ApiErrorBody | null;
}

function parse(raw: string): unknown {
  try {
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

function errorBody(body: unknown): ApiErrorBody | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  return typeof b.code === 'string' && typeof b.error === 'string' ? (b as ApiErrorBody) : null;
}

/** Rejects only when the server cannot be reached (the pages then say so); every HTTP answer resolves. */
export async function api<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-Requested-With'] = 'agent-console';
    init.body = JSON.stringify(body ?? {});
  }
  const res = await fetch(url, init);
  const parsed = parse(await res.text());
  return { status: res.status, ok: res.ok, data: res.ok ? (parsed as T | null) : null, error: res.ok ? null : errorBody(parsed) };
}

/** Whether the answer is the error with this code. */
export const isError = (r: ApiResult<unknown>, code: ApiErrorCode): boolean => r.error?.code === code;

/** A numeric detail of an error (`retryAfterSeconds`, `maxChars`), if it has one. */
export function detailNumber(r: ApiResult<unknown>, name: string): number | undefined {
  const v = r.error?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A text detail of an error (`assignee`, `status`, `limit`), if it has one. */
export function detailText(r: ApiResult<unknown>, name: string): string | undefined {
  const v = r.error?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** The wait a refused sign-in announces (429 `retryAfterSeconds`), in whole minutes, at least one. */
export const retryMinutes = (r: ApiResult<unknown>): number => Math.max(1, Math.ceil((detailNumber(r, 'retryAfterSeconds') || 60) / 60));

/** What /agent/api/me and the sign-in answer. */
export interface Me {
  id: string;
  name: string;
  supervisor?: boolean;
  expiresAt?: string;
}

/**
 * A words file's refusals by code, checked at compile time: every key must be a code of the API (a
 * misspelt code in intents/_pages.yaml fails `npm run typecheck` instead of never showing).
 */
export function errorWords<T extends Partial<Record<ApiErrorCode, string>>>(words: T & Record<Exclude<keyof T, ApiErrorCode>, never>): T {
  return words;
}
