/**
 * The agent console: `/agent` (page) and `/agent/api/*` (JSON). Agents sign in with their own key
 * (configured as `AGENTS=id:Name:sha256(key)`, compared in constant time) and get an HttpOnly,
 * SameSite=Strict session cookie signed with a key derived from the configuration, so every instance
 * accepts it. State-changing calls also need the `X-Requested-With: agent-console` header (CSRF).
 * Every action on a ticket is recorded with the agent's id (see src/bot/live-agents.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { AnswerIndex } from '../answers/index.js';
import type { LiveAgents, AgentIdentity } from '../bot/live-agents.js';
import type { AgentAccount } from '../config.js';
import type { Ticket, TicketStore } from '../handoff/tickets.js';
import { secretMatches } from './agent-auth.js';
import { registerAgentPage } from './agent-page.js';

export const SESSION_COOKIE = 'agent_session';
const SESSION_TTL_MS = 10 * 60 * 60 * 1000; // one working day

export interface AgentConsoleDeps {
  agents: AgentAccount[];
  /** Extra material for the session signing key (e.g. AGENT_API_KEY); the AGENTS list is always part of it. */
  secretSeed?: string;
  tickets: TicketStore;
  live: LiveAgents;
  answers: AnswerIndex;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class AgentSessions {
  private readonly key: Buffer;
  constructor(agents: AgentAccount[], seed = '') {
    this.key = createHash('sha256').update(`agent-session|${seed}|${agents.map((a) => `${a.id}:${a.keyHash}`).join(',')}`).digest();
  }

  issue(agent: AgentAccount, now = Date.now()): string {
    const body = b64url(JSON.stringify({ sub: agent.id, exp: now + SESSION_TTL_MS }));
    return `${body}.${b64url(createHmac('sha256', this.key).update(body).digest())}`;
  }

  verify(token: string | undefined, now = Date.now()): string | undefined {
    if (!token) return undefined;
    const [body, sig] = token.split('.');
    if (!body || !sig) return undefined;
    const expected = createHmac('sha256', this.key).update(body).digest();
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { sub, exp } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { sub: string; exp: number };
      return exp > now ? sub : undefined;
    } catch {
      return undefined;
    }
  }
}

function cookie(req: Request, name: string): string | undefined {
  const raw = String(req.headers.cookie ?? '');
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** What the console shows of a ticket (no conversation reference). */
function view(t: Ticket, now = Date.now()) {
  const { reference: _r, ...rest } = t;
  return { ...rest, waitingMs: t.status === 'waiting' ? now - Date.parse(t.waitingSince ?? t.createdAt) : undefined };
}

export function registerAgentConsole(server: Server, deps: AgentConsoleDeps): void {
  registerAgentPage(server);
  const sessions = new AgentSessions(deps.agents, deps.secretSeed);
  const byId = new Map(deps.agents.map((a) => [a.id, a]));
  const json = restify.plugins.bodyParser({ maxBodySize: 16 * 1024, mapParams: false, mapFiles: false });

  const agentOf = (req: Request): AgentIdentity | undefined => {
    const id = sessions.verify(cookie(req, SESSION_COOKIE));
    const a = id ? byId.get(id) : undefined;
    return a ? { id: a.id, name: a.name, via: 'console' } : undefined;
  };
  const guard = (handler: (req: Request, res: Response, agent: AgentIdentity) => Promise<void>, mutating = false) => async (req: Request, res: Response) => {
    if (!deps.agents.length) {
      res.send(404, { error: 'agent console is disabled (set AGENTS)' });
      return;
    }
    const agent = agentOf(req);
    if (!agent) {
      res.send(401, { error: 'sign in first' });
      return;
    }
    if (mutating && req.headers['x-requested-with'] !== 'agent-console') {
      res.send(403, { error: 'missing X-Requested-With: agent-console' });
      return;
    }
    await handler(req, res, agent);
  };

  server.post('/agent/api/login', json, async (req: Request, res: Response) => {
    if (!deps.agents.length) {
      res.send(404, { error: 'agent console is disabled (set AGENTS)' });
      return;
    }
    const body = (req.body ?? {}) as { agentId?: unknown; key?: unknown };
    const account = typeof body.agentId === 'string' ? byId.get(body.agentId) : undefined;
    const key = typeof body.key === 'string' ? body.key : '';
    // Compare even for unknown ids, so timing does not reveal which ids exist.
    const ok = secretMatches(key, { sha256Hex: account?.keyHash ?? '0'.repeat(64) }) && !!account;
    if (!ok) {
      res.send(401, { error: 'unknown agent or wrong key' });
      return;
    }
    const secure = String(req.headers['x-forwarded-proto'] ?? '') === 'https' ? '; Secure' : '';
    res.header('Set-Cookie', `${SESSION_COOKIE}=${sessions.issue(account!)}; HttpOnly; SameSite=Strict; Path=/agent; Max-Age=${SESSION_TTL_MS / 1000}${secure}`);
    res.send(200, { id: account!.id, name: account!.name });
  });

  server.post('/agent/api/logout', async (_req: Request, res: Response) => {
    res.header('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/agent; Max-Age=0`);
    res.send(200, { ok: true });
  });

  server.get('/agent/api/me', guard(async (_req, res, agent) => res.send(200, { id: agent.id, name: agent.name })));

  server.get(
    '/agent/api/queue',
    guard(async (_req, res, agent) => {
      const [waiting, assigned] = await Promise.all([deps.tickets.list({ status: 'waiting', pageSize: 100 }), deps.tickets.list({ status: 'assigned', pageSize: 100 })]);
      const now = Date.now();
      // Newest activity first (what the agents asked for); the page also shows each waiting time.
      const items = [...waiting.items, ...assigned.items]
        .sort((a, b) => (b.lastActivityAt ?? b.updatedAt).localeCompare(a.lastActivityAt ?? a.updatedAt))
        .map((t) => ({ ...view(t, now), mine: t.assignee?.id === agent.id, transcript: undefined, transcriptLength: t.transcript.length }));
      res.send(200, { items });
    }),
  );

  server.get(
    '/agent/api/tickets/:ref',
    guard(async (req, res) => {
      const t = await deps.tickets.get(String(req.params.ref ?? '').toUpperCase());
      if (!t) return void res.send(404, { error: 'no such ticket' });
      res.send(200, view(t));
    }),
  );

  const action = (name: 'claim' | 'release' | 'close') =>
    guard(async (req, res, agent) => {
      const ref = String(req.params.ref ?? '').toUpperCase();
      const r = name === 'claim' ? await deps.live.claim(ref, agent) : name === 'release' ? await deps.live.release(ref, agent) : await deps.live.close(ref, agent);
      if (!r.ok) return void res.send(r.reason === 'no such ticket' ? 404 : 409, { error: r.reason });
      res.send(200, { ok: true });
    }, true);
  server.post('/agent/api/tickets/:ref/claim', action('claim'));
  server.post('/agent/api/tickets/:ref/release', action('release'));
  server.post('/agent/api/tickets/:ref/close', action('close'));
  server.post(
    '/agent/api/tickets/:ref/messages',
    json,
    guard(async (req, res, agent) => {
      const text = (req.body as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string' || !text.trim() || text.length > 4000) return void res.send(400, { error: 'text must be 1 to 4000 characters' });
      const r = await deps.live.sendFromAgent(String(req.params.ref ?? '').toUpperCase(), agent, text);
      if (!r.ok) return void res.send(r.reason === 'no such ticket' ? 404 : 409, { error: r.reason });
      res.send(200, { ok: true });
    }, true),
  );

  server.get(
    '/agent/api/answers',
    guard(async (req, res) => {
      const q = String((req.query as Record<string, string> | undefined)?.q ?? '').slice(0, 200);
      const hits = q.trim().replace(/^\/+/, '') ? deps.answers.search(q, 10).map((h) => h.answer) : deps.answers.answers;
      res.send(200, { items: hits.map((a) => ({ id: a.id, code: a.code, title: a.title, markdown: a.markdown })) });
    }),
  );
}
