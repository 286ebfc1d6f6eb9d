/**
 * The agent console: `/agent` (page) and `/agent/api/*` (JSON). Agents sign in with their own key
 * (configured as `AGENTS=id:Name:sha256(key)`, compared in constant time; keys shorter than
 * MIN_AGENT_KEY_LENGTH never match) and get an HttpOnly, SameSite=Strict session cookie. Sessions,
 * their signing secret and the sign-in limits live in the bot's store, so every instance accepts the
 * same sessions, a restart keeps them, and signing out ends them everywhere (src/web/console/).
 * State-changing calls also need the `X-Requested-With: agent-console` header (CSRF).
 * Every action on a ticket is recorded with the agent's id (see src/handoff/live.ts).
 * Supervisors (`:supervisor` in AGENTS) also get the insights page `/agent/insights` (src/web/insights.ts).
 * Errors are `{ code, error, ...details }` (src/web/console/api-errors.ts); the page words them by code.
 */
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { AnswerIndex } from '../answers/index.js';
import type { LiveAgents, AgentIdentity } from '../handoff/live.js';
import type { AgentAccount } from '../config.js';
import type { Ticket, TicketStore } from '../handoff/tickets.js';
import type { Logger } from '../log.js';
import type { BotStore } from '../storage/index.js';
import { MIN_AGENT_KEY_LENGTH, keyLength, secretMatches } from './agent-auth.js';
import { registerAgentPage } from './agent-page.js';
import { registerInsights, type InsightsDeps } from './insights.js';
import { sendError } from './console/api-errors.js';
import { LoginLimits, LoginLimitUnavailableError, sourceKey } from './console/login-limits.js';
import { ConsoleSessions, SESSION_TTL_MS } from './console/sessions.js';
import { pathParam } from './request-params.js';
import { MESSAGE_CHARS } from '../limits.js';

export const SESSION_COOKIE = 'agent_session';
export { SESSION_TTL_MS };

export interface AgentConsoleDeps {
  agents: AgentAccount[];
  /** The bot's store (sessions, the session secret, sign-in counters). */
  store: BotStore;
  /** SESSION_SECRET (config.sessionSecret); undefined = a random secret kept in the store. */
  sessionSecret?: string;
  tickets: TicketStore;
  live: LiveAgents;
  answers: AnswerIndex;
  /** The supervisors' insights page and its API (omitted: not served). */
  insights?: InsightsDeps;
  /** A ticket's path (intent/node ids) in words for agents; without it the console shows the ids. */
  steps?: (path: string[]) => string[];
  /** Where missing page files and bundles that do not build are reported. */
  logger?: Logger;
}

function sessionCookie(req: Request): string | undefined {
  const raw = req.headers.cookie;
  if (typeof raw !== 'string' || !raw) return undefined;
  return parseCookies(raw)[SESSION_COOKIE];
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** What the console shows of a ticket (no conversation reference); `steps` is its path in words. */
function view(t: Ticket, now = Date.now(), steps?: (path: string[]) => string[]) {
  const { reference: _r, ...rest } = t;
  return { ...rest, steps: steps?.(t.path), waitingMs: t.status === 'waiting' ? now - Date.parse(t.waitingSince ?? t.createdAt) : undefined };
}

export function registerAgentConsole(server: Server, deps: AgentConsoleDeps): void {
  registerAgentPage(server, deps.logger);
  const enabled = deps.agents.length > 0;
  const store = enabled ? deps.store : undefined;
  const sessions = store ? new ConsoleSessions(store, deps.sessionSecret) : undefined;
  const limits = store ? new LoginLimits(store) : undefined;
  if (limits) server.server.once('close', () => limits.close());
  const byId = new Map(deps.agents.map((a) => [a.id, a]));
  const json = restify.plugins.bodyParser({ maxBodySize: 16 * 1024, mapParams: false, mapFiles: false });
  const disabled = (res: Response) => sendError(res, 404, 'console-disabled', 'agent console is disabled (set AGENTS)');
  const storeDown = (res: Response) => sendError(res, 503, 'store-unavailable', 'the session store is unavailable; try again shortly');
  const cookieOptions = (req: Request, maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/agent',
    maxAge: maxAgeSeconds,
    secure: String(req.headers['x-forwarded-proto'] ?? '') === 'https',
  });

  /** The signed-in agent, undefined without a live session; rejects when the store cannot be read. */
  const agentOf = async (req: Request): Promise<AgentIdentity | undefined> => {
    const session = await sessions!.verify(sessionCookie(req));
    const a = session ? byId.get(session.agentId) : undefined;
    return a ? { id: a.id, name: a.name, via: 'console' } : undefined;
  };
  const guard =
    (handler: (req: Request, res: Response, agent: AgentIdentity) => Promise<void>, mutating = false) =>
    async (req: Request, res: Response) => {
      if (!enabled) return void disabled(res);
      let agent: AgentIdentity | undefined;
      try {
        agent = await agentOf(req);
      } catch {
        return void storeDown(res);
      }
      if (!agent) return void sendError(res, 401, 'sign-in-required', 'sign in first');
      if (mutating && req.headers['x-requested-with'] !== 'agent-console')
        return void sendError(res, 403, 'csrf-header-missing', 'missing X-Requested-With: agent-console');
      await handler(req, res, agent);
    };

  server.post('/agent/api/login', json, async (req: Request, res: Response) => {
    if (!enabled) return void disabled(res);
    const body = (req.body ?? {}) as { agentId?: unknown; key?: unknown };
    const agentId = typeof body.agentId === 'string' ? body.agentId : undefined;
    const key = typeof body.key === 'string' ? body.key : '';
    // The TCP peer, never X-Forwarded-For (anyone can write that header).
    const source = sourceKey(req.socket?.remoteAddress);
    let check;
    try {
      check = await limits!.attempt(source, agentId);
    } catch (err) {
      if (err instanceof LoginLimitUnavailableError) return void storeDown(res);
      throw err;
    }
    if (!check.allowed) {
      const wait = minutes(check.retryAfterSeconds);
      res.header('Retry-After', String(check.retryAfterSeconds));
      sendError(
        res,
        429,
        'too-many-sign-ins',
        `too many failed sign-ins ${check.limit === 'agent' ? 'for this agent id' : 'from this address'}: try again in ${wait} minute${wait === 1 ? '' : 's'}`,
        {
          limit: check.limit,
          retryAfterSeconds: check.retryAfterSeconds,
        },
      );
      return;
    }
    const account = agentId !== undefined ? byId.get(agentId) : undefined;
    // Compare even for unknown ids and short keys, so timing does not reveal which ids exist.
    const matches = secretMatches(key, { sha256Hex: account?.keyHash ?? '0'.repeat(64) });
    if (!matches || !account || keyLength(key) < MIN_AGENT_KEY_LENGTH) return void sendError(res, 401, 'wrong-credentials', 'unknown agent or wrong key');
    let issued;
    try {
      await limits!.succeeded(source, account.id);
      issued = await sessions!.issue(account.id);
    } catch {
      return void storeDown(res);
    }
    res.header('Set-Cookie', serializeCookie(SESSION_COOKIE, issued.token, cookieOptions(req, Math.floor(SESSION_TTL_MS / 1000))));
    res.send(200, { id: account.id, name: account.name, expiresAt: new Date(issued.expiresAt).toISOString() });
  });

  // Ends the session in the store (a copy of the cookie stops working on every instance) and clears the cookie.
  server.post('/agent/api/logout', async (req: Request, res: Response) => {
    res.header('Set-Cookie', serializeCookie(SESSION_COOKIE, '', cookieOptions(req, 0)));
    const token = sessionCookie(req);
    if (sessions && token) {
      try {
        await sessions.revoke(token);
      } catch {
        return void sendError(res, 503, 'store-unavailable', 'could not end the session: the session store is unavailable; try again');
      }
    }
    res.send(200, { ok: true });
  });

  server.get(
    '/agent/api/me',
    guard(async (_req, res, agent) => void res.send(200, { id: agent.id, name: agent.name, ...(byId.get(agent.id)?.supervisor ? { supervisor: true } : {}) })),
  );
  if (deps.insights) {
    registerInsights(
      server,
      { logger: deps.logger, ...deps.insights },
      {
        enabled,
        account: async (req) => {
          const session = await sessions?.verify(sessionCookie(req));
          return session ? byId.get(session.agentId) : undefined;
        },
      },
    );
  }

  server.get(
    '/agent/api/queue',
    guard(async (_req, res, agent) => {
      const [waiting, assigned] = await Promise.all([
        deps.tickets.list({ status: 'waiting', pageSize: 100 }),
        deps.tickets.list({ status: 'assigned', pageSize: 100 }),
      ]);
      const now = Date.now();
      // Newest activity first (what the agents asked for); the page also shows each waiting time.
      const items = [...waiting.items, ...assigned.items]
        .sort((a, b) => (b.lastActivityAt ?? b.updatedAt).localeCompare(a.lastActivityAt ?? a.updatedAt))
        .map((t) => ({ ...view(t, now, deps.steps), mine: t.assignee?.id === agent.id, transcript: undefined, transcriptLength: t.transcript.length }));
      res.send(200, { items });
    }),
  );

  server.get(
    '/agent/api/tickets/:ref',
    guard(async (req, res) => {
      const t = await deps.tickets.get(pathParam(req, 'ref').toUpperCase());
      if (!t) return void sendError(res, 404, 'no-such-ticket', 'no such ticket');
      res.send(200, view(t, Date.now(), deps.steps));
    }),
  );

  /**
   * A refused claim, release, close or reply as an API error. LiveAgents explains a refusal in English
   * (`reason`, kept as the error text); the code comes from the ticket itself rather than from that
   * wording: a claim returns the ticket it refused, the other actions only refuse a missing ticket or
   * one the agent does not hold.
   */
  const refused = async (res: Response, ref: string, r: { ticket?: Ticket; reason?: string }, claim: boolean): Promise<void> => {
    const reason = r.reason ?? 'refused';
    const t = claim ? r.ticket : await deps.tickets.get(ref);
    if (!t) return sendError(res, 404, 'no-such-ticket', reason);
    if (!claim) return sendError(res, 409, 'not-assigned-to-you', reason);
    if (t.status === 'assigned') return sendError(res, 409, 'already-taken', reason, { assignee: t.assignee?.name });
    sendError(res, 409, 'ticket-not-waiting', reason, { status: t.status });
  };

  const action = (name: 'claim' | 'release' | 'close') =>
    guard(async (req, res, agent) => {
      const ref = pathParam(req, 'ref').toUpperCase();
      const r =
        name === 'claim' ? await deps.live.claim(ref, agent) : name === 'release' ? await deps.live.release(ref, agent) : await deps.live.close(ref, agent);
      if (!r.ok) return refused(res, ref, r, name === 'claim');
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
      if (typeof text !== 'string' || !text.trim() || text.length > MESSAGE_CHARS)
        return sendError(res, 400, 'invalid-text', `text must be 1 to ${MESSAGE_CHARS} characters`, { maxChars: MESSAGE_CHARS });
      const ref = pathParam(req, 'ref').toUpperCase();
      const r = await deps.live.sendFromAgent(ref, agent, text);
      if (!r.ok) return refused(res, ref, r, false);
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
