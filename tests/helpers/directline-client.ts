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

/** One Direct Line call to an instance; a JSON answer is parsed, anything else kept as text. */
export async function dlRequest(base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
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

export class Client {
  constructor(readonly base: string) {}

  req(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
    return dlRequest(this.base, method, path, token, body, headers);
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

/**
 * A web-chat client that moves between instances (each call names the instance it goes to) and
 * remembers everything it was shown, to check that nothing was lost and nothing came twice.
 */
export class RoamingClient {
  token = '';
  conversationId = '';
  watermark = '';
  readonly seen: DlActivity[] = [];

  async poll(base: string): Promise<DlActivity[]> {
    const r = await dlRequest(base, 'GET', `/v3/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, this.token);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    this.seen.push(...(r.body.activities as DlActivity[]));
    this.watermark = r.body.watermark as string;
    return r.body.activities as DlActivity[];
  }

  /** Polls `base` until a bot message replying to `replyTo` (or any bot message) has been seen. */
  async waitForBot(base: string, replyTo?: string): Promise<DlActivity> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await this.poll(base);
      const found = this.seen.find((a) => a.type === 'message' && a.from.role === 'bot' && (replyTo === undefined || a.replyToId === replyTo));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no bot reply${replyTo ? ` to ${replyTo}` : ''} via ${base}; seen ${JSON.stringify(this.seen.map((a) => a.text))}`);
      await sleep(100);
    }
  }

  async post(base: string, text: string): Promise<string> {
    const r = await dlRequest(base, 'POST', `/v3/directline/conversations/${this.conversationId}/activities`, this.token, {
      type: 'message',
      text,
      locale: 'id-ID',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.id as string;
  }

  /** Every activity it was shown equals the stored list: same ids, same order, seqs 1..n. */
  async expectSeenExactlyOnce(base: string): Promise<void> {
    const all = await dlRequest(base, 'GET', `/v3/directline/conversations/${this.conversationId}/activities?watermark=`, this.token);
    const stored = (all.body.activities as DlActivity[]).map((a) => a.id);
    const seen = this.seen.map((a) => a.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(stored);
    expect(stored.map((id) => Number(id.split('|')[1]))).toEqual(stored.map((_, i) => i + 1));
    expect(all.body.watermark).toBe(String(stored.length));
  }
}
