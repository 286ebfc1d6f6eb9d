/**
 * Agent authentication for the HTTP APIs: a shared API key (`AGENT_API_KEY`) sent as
 * `Authorization: Bearer <key>` or `X-Agent-Key`. Compared in constant time (hashes of equal length).
 * With no key configured the agent APIs are off (404), so nothing is exposed by accident.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Next, Request, Response } from 'restify';
import { sendError } from './console/api-errors.js';

/**
 * The shortest agent console key accepted (issue 18, item 5). `AGENTS` holds only each key's sha256, so the
 * length cannot be checked when the configuration is read: a shorter key is refused at sign-in (it never
 * matches), and the helper that makes `AGENTS` entries (src/web/console/agent-key.ts) refuses to hash one.
 */
export const MIN_AGENT_KEY_LENGTH = 16;

/** Length in characters (code points), as a person counts them. */
export const keyLength = (key: string): number => [...key].length;

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with the expected one (or its sha256 hex). */
export function secretMatches(presented: string, expected: { plain?: string; sha256Hex?: string }): boolean {
  const a = sha256(presented);
  const b = expected.plain !== undefined ? sha256(expected.plain) : Buffer.from(expected.sha256Hex ?? '', 'hex');
  return b.length === a.length && timingSafeEqual(a, b);
}

export function presentedKey(req: Request): string {
  const auth = String(req.headers.authorization ?? '');
  const m = auth.match(/^Bearer\s+(.+)$/i);
  return (m?.[1] ?? String(req.headers['x-agent-key'] ?? '')).trim();
}

export function requireAgentKey(apiKey: string | undefined) {
  return (req: Request, res: Response, next: Next) => {
    if (!apiKey) {
      sendError(res, 404, 'agent-api-disabled', 'agent API is disabled (set AGENT_API_KEY)');
      return next(false);
    }
    const key = presentedKey(req);
    if (!key || !secretMatches(key, { plain: apiKey })) {
      res.header('WWW-Authenticate', 'Bearer realm="agents"');
      sendError(res, 401, 'agent-key-required', 'unauthorized: a valid agent key is required');
      return next(false);
    }
    return next();
  };
}
