/**
 * JSON APIs for agents and helpdesk tools, protected by the agent key:
 *   GET /api/handoffs?status=open&page=1&pageSize=20   hand-off tickets, newest first
 *   GET /api/handoffs/:ref                             one ticket (summary, steps, masked transcript)
 *   GET /api/answers?q=lupa%20password                 ranked canned answers
 *   GET /api/answers/:id                               one answer with both renderings (id or short code)
 *   GET /api/review?days=30                            the helpdesk's figures: the curation report and the
 *   GET /api/review?from=…&to=…&bucket=week            insights page's figures (one source: src/insights/)
 *
 * Errors are `{ code, error }` (src/web/console/api-errors.ts): programs branch on `code`.
 */
import type { Request, Response, Server } from 'restify';
import type { AnswerIndex, CannedAnswer } from '../answers/index.js';
import type { CurationLog } from '../curation/log.js';
import { insightsSource, loadInsights, parsePeriod } from '../insights/index.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import type { TicketStatus, TicketStore } from '../handoff/tickets.js';
import { requireAgentKey } from './agent-auth.js';
import { sendError } from './console/api-errors.js';
import { pathParam } from './request-params.js';

const STATUSES: TicketStatus[] = ['open', 'waiting', 'assigned', 'closed', 'failed'];

const summaryOf = (a: CannedAnswer) => ({ id: a.id, code: a.code, title: a.title, tags: a.tags, intent: a.intent });

export function registerAgentApi(
  server: Server,
  deps: { apiKey?: string; tickets: TicketStore; answers: AnswerIndex; curation: CurationLog; matcher: IntentClassifier },
): void {
  const auth = requireAgentKey(deps.apiKey);
  server.get('/api/handoffs', auth, async (req: Request, res: Response) => {
    const q = (req.query ?? {}) as Record<string, string>;
    if (q.status && !STATUSES.includes(q.status as TicketStatus)) return sendError(res, 400, 'invalid-query', `status must be one of ${STATUSES.join(', ')}`);
    const page = Number(q.page ?? 1);
    const pageSize = Number(q.pageSize ?? 20);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return sendError(res, 400, 'invalid-query', 'page must be >= 1 and pageSize between 1 and 100');
    }
    const result = await deps.tickets.list({ status: q.status as TicketStatus | undefined, page, pageSize });
    res.send(200, { ...result, items: result.items.map(({ reference: _r, ...t }) => t) });
  });
  server.get('/api/handoffs/:ref', auth, async (req: Request, res: Response) => {
    const t = await deps.tickets.get(pathParam(req, 'ref').toUpperCase());
    if (!t) return sendError(res, 404, 'no-such-ticket', 'no such ticket');
    const { reference: _r, ...ticket } = t;
    res.send(200, ticket);
  });
  server.get('/api/answers', auth, async (req: Request, res: Response) => {
    const q = String((req.query as Record<string, string> | undefined)?.q ?? '').slice(0, 200);
    if (!q.trim()) {
      res.send(200, { query: q, items: deps.answers.answers.map(summaryOf) });
      return;
    }
    res.send(200, {
      query: q,
      items: deps.answers.search(q, 20).map((h) => ({
        ...summaryOf(h.answer),
        match: h.tier === 3 ? 'code' : h.tier === 2 ? 'title' : 'body',
        score: Math.round((1 - Math.min(h.score, 1)) * 1000) / 1000,
      })),
    });
  });
  const one = async (req: Request, res: Response) => {
    // The router has already decoded the path parameters; decoding again would throw (HTTP 500) on
    // an id containing "%" (e.g. /api/answers/%25) and would mis-read double-encoded ids.
    const id = [pathParam(req, 'id'), pathParam(req, 'node')].filter(Boolean).join('/');
    const a = deps.answers.get(id);
    if (!a) return sendError(res, 404, 'no-such-answer', 'no such answer');
    res.send(200, a);
  };
  server.get('/api/review', auth, async (req: Request, res: Response) => {
    const q = (req.query ?? {}) as Record<string, string>;
    const source = insightsSource(deps.curation);
    const period = parsePeriod({ from: q.from, to: q.to, days: q.days, bucket: q.bucket }, source.tzOffsetMinutes);
    if (typeof period === 'string') return sendError(res, 400, 'invalid-period', period);
    res.send(200, await loadInsights(source, period, { matcher: deps.matcher }));
  });
  server.get('/api/answers/:id', auth, one);
  server.get('/api/answers/:id/:node', auth, one);
}
