/**
 * The supervisors' insights page in the agent console (only agents marked `:supervisor` in AGENTS):
 *
 *   GET  /agent/insights                         the page (src/web/public/insights.html; 403 for other agents)
 *   GET  /agent/insights.js, insights-words.js, insights-charts.js, insights.css   its script, wording, styles
 *   GET  /agent/vendor/uplot.js, uplot.css       the chart library, served from node_modules (uPlot, MIT)
 *   GET  /agent/api/insights?from=&to=&bucket=   the figures (src/insights/: the same as npm run review --json)
 *   POST /agent/api/insights/accept              {cluster, intent, from, to}: add a cluster as examples
 *                                                (npm run review -- --accept), recorded with the supervisor
 *
 * Sign-in is the console's (session cookie); without a session the API answers 401, for an agent who is
 * not a supervisor 403. The POST also needs `X-Requested-With: agent-console` (CSRF). Only masked text
 * is in the figures (recorded masked, masked again when shown). No outside service: the library is the
 * npm package's own file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { AgentAccount } from '../config.js';
import type { Core } from '../core.js';
import type { CurationLog } from '../curation/log.js';
import { AcceptError, acceptSuggestion, insightsSource, loadInsights, parsePeriod } from '../insights/index.js';
import { publicDirCandidates } from './routes.js';
import { CSP } from './security.js';

export interface InsightsDeps {
  curation: CurationLog;
  core: Core;
  intentsDir: string;
  tzOffsetMinutes: number;
}

export interface InsightsAccess {
  /** False when no agent accounts are configured. */
  enabled: boolean;
  /** The signed-in agent's account; rejects when the session store cannot be read. */
  account(req: Request): Promise<AgentAccount | undefined>;
}

const PAGE_CSP = CSP.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'");
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

function assets(): Record<string, { file: string; type: string }> {
  const candidates = publicDirCandidates();
  const pub = candidates.find((d) => existsSync(path.join(d, 'insights.html'))) ?? candidates[0]!;
  const uplot = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
  return {
    '/agent/insights': { file: path.join(pub, 'insights.html'), type: 'text/html; charset=utf-8' },
    '/agent/insights.js': { file: path.join(pub, 'insights.js'), type: JS },
    '/agent/insights-words.js': { file: path.join(pub, 'insights-words.js'), type: JS },
    '/agent/insights-charts.js': { file: path.join(pub, 'insights-charts.js'), type: JS },
    '/agent/insights.css': { file: path.join(pub, 'insights.css'), type: CSS },
    '/agent/vendor/uplot.js': { file: path.join(uplot, 'uPlot.iife.min.js'), type: JS },
    '/agent/vendor/uplot.css': { file: path.join(uplot, 'uPlot.min.css'), type: CSS },
  };
}

async function sendFile(req: Request, res: Response, spec: { file: string; type: string }, status = 200): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(spec.file);
  } catch {
    res.send(500, { error: `insights asset missing: ${path.basename(spec.file)}` });
    return;
  }
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers: Record<string, string | number> = { 'Content-Type': spec.type, 'Cache-Control': 'no-cache', ETag: etag };
  if (spec.type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = PAGE_CSP;
    headers['X-Frame-Options'] = 'DENY';
  }
  if (status === 200 && String(req.headers['if-none-match'] ?? '') === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function registerInsights(server: Server, deps: InsightsDeps, access: InsightsAccess): void {
  deps.curation.tzOffsetMinutes = deps.tzOffsetMinutes;
  const source = insightsSource(deps.curation);
  source.catalog = deps.core.catalog;
  const files = assets();

  // The roll-ups of closed days are built in the background (shortly after start, then hourly), so a
  // supervisor's first look is the fast path, not the first computation over 30 days of records.
  const prewarm = () => {
    const period = parsePeriod({ days: 30 }, deps.tzOffsetMinutes);
    if (typeof period !== 'string') void source.days(period.from, period.to).catch(() => undefined);
  };
  const first = setTimeout(prewarm, 5_000);
  first.unref();
  const hourly = setInterval(prewarm, 3_600_000);
  hourly.unref();
  server.server?.on?.('close', () => {
    clearTimeout(first);
    clearInterval(hourly);
  });

  for (const [route, spec] of Object.entries(files)) {
    const handler = async (req: Request, res: Response) => {
      let status = 200;
      if (route === '/agent/insights') {
        // A signed-in agent who is not a supervisor is refused the page too (it shows why).
        const account = await access.account(req).catch(() => undefined);
        if (account && !account.supervisor) status = 403;
      }
      await sendFile(req, res, spec, status);
    };
    server.get(route, handler);
    server.head(route, handler);
  }

  const json = restify.plugins.bodyParser({ maxBodySize: 4 * 1024, mapParams: false, mapFiles: false });
  const supervisor =
    (handler: (req: Request, res: Response, who: AgentAccount) => Promise<void>, mutating = false) =>
    async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      if (!access.enabled) return void res.send(404, { error: 'agent console is disabled (set AGENTS)' });
      let who: AgentAccount | undefined;
      try {
        who = await access.account(req);
      } catch {
        return void res.send(503, { error: 'the session store is unavailable; try again shortly' });
      }
      if (!who) return void res.send(401, { error: 'sign in first' });
      if (!who.supervisor) return void res.send(403, { error: 'supervisors only' });
      if (mutating && req.headers['x-requested-with'] !== 'agent-console') return void res.send(403, { error: 'missing X-Requested-With: agent-console' });
      await handler(req, res, who);
    };

  server.get(
    '/agent/api/insights',
    supervisor(async (req, res) => {
      const q = (req.query ?? {}) as Record<string, string>;
      const period = parsePeriod({ from: q.from, to: q.to, days: q.days, bucket: q.bucket }, source.tzOffsetMinutes);
      if (typeof period === 'string') return void res.send(400, { error: period });
      res.send(200, await loadInsights(source, period, { matcher: deps.core.matcher }));
    }),
  );

  server.post(
    '/agent/api/insights/accept',
    json,
    supervisor(async (req, res, who) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' && (body[k] as string).length <= 64 ? (body[k] as string) : undefined);
      const cluster = str('cluster');
      const intent = str('intent');
      if (!cluster || !/^c-[0-9a-f]{8}$/.test(cluster) || !intent) return void res.send(400, { error: 'cluster (c-xxxxxxxx) and intent are required' });
      const period = parsePeriod({ from: str('from'), to: str('to') }, source.tzOffsetMinutes);
      if (typeof period === 'string') return void res.send(400, { error: period });
      try {
        const r = await acceptSuggestion({ source, matcher: deps.core.matcher, catalog: deps.core.catalog, intentsDir: deps.intentsDir, cluster, intent, from: period.from, to: period.to, by: who.id, byName: who.name });
        res.send(200, { ok: true, file: r.file, added: r.added.length, accepted: r.note });
      } catch (err) {
        if (!(err instanceof AcceptError)) throw err;
        res.send(err.code === 'unknown-cluster' ? 404 : err.code === 'unknown-intent' ? 400 : 422, { error: err.message, code: err.code });
      }
    }, true),
  );
}
