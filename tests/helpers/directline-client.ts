/**
 * A Direct Line client for the tests of the built-in Direct Line (tests/directline*.test.ts): plain
 * HTTP calls as DirectLineJS makes them (generate a token, start, post, poll activities by watermark),
 * with the few checks every conversation start needs.
 */
import { expect } from 'vitest';

export interface DlActivity {
  type: string;
  id: string;
  text?: string;
  timestamp?: string;
  replyToId?: string;
  from: { id: string; role?: string; name?: string };
  conversation: { id: string };
  suggestedActions?: { actions: Array<{ title: string; value: string; type: string }> };
  attachments?: Array<{ contentType: string; content?: unknown }>;
  channelData?: Record<string, unknown>;
  serviceUrl?: string;
}

export interface Session {
  conversationId: string;
  token: string;
  userId: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The user id a token was issued for (read from its payload, not verified). */
export function userOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { user: string }).user;
}

export class Client {
  constructor(readonly base: string) {}

  async req(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body of any shape, checked field by field
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async start(): Promise<Session> {
    const g = await this.req('POST', '/v3/directline/tokens/generate');
    expect(g.status).toBe(200);
    const c = await this.req('POST', '/v3/directline/conversations', g.body.token, { user: { id: 'ignored' }, locale: 'id-ID' });
    expect(c.status).toBe(201);
    expect(c.body.conversationId).toBe(g.body.conversationId);
    expect(typeof c.body.token).toBe('string');
    expect(c.body.expires_in).toBeGreaterThan(60);
    return { conversationId: c.body.conversationId, token: c.body.token, userId: userOf(c.body.token) };
  }

  async activities(s: Session, watermark = ''): Promise<{ activities: DlActivity[]; watermark: string }> {
    const r = await this.req('GET', `/v3/directline/conversations/${s.conversationId}/activities?watermark=${watermark}`, s.token);
    expect(r.status).toBe(200);
    return r.body;
  }

  post(s: Session, activity: unknown, token = s.token) {
    return this.req('POST', `/v3/directline/conversations/${s.conversationId}/activities`, token, activity);
  }

  /** Polls (like DirectLineJS) until `until` holds for the activities after `watermark`. */
  async pollUntil(s: Session, watermark: string, until: (all: DlActivity[]) => boolean, what: string) {
    const seen: DlActivity[] = [];
    let wm = watermark;
    const marks: number[] = [];
    await waitFor(async () => {
      const r = await this.activities(s, wm);
      seen.push(...r.activities);
      if (r.activities.length) marks.push(Number(r.watermark));
      wm = r.watermark;
      return until(seen) ? true : undefined;
    }, what);
    return { activities: seen, watermark: wm, marks };
  }
}

/** The bot's messages among the activities (not the echoes of the user's). */
export const botMessages = (all: DlActivity[]) => all.filter((a) => a.type === 'message' && a.from.role === 'bot');
