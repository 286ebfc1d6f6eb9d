/**
 * The supervisors' insights page in the agent console (only agents marked `:supervisor` in AGENTS):
 *
 *   GET  /agent/insights                         the page (src/web/public/insights.html; 403 for other agents)
 *   GET  /agent/insights.js, insights.css        its script (bundled from console-ui/insights/, wording from
 *                                                intents/_pages.yaml) and styles
 *   GET  /agent/vendor/uplot.js, uplot.css       the chart library, served from node_modules (uPlot, MIT)
 *   GET  /agent/api/insights?from=&to=&bucket=   the figures (src/insights/: the same as npm run review --json)
 *   POST /agent/api/insights/accept              {cluster, intent, from, to}: add a cluster as examples
 *                                                (npm run review -- --accept), recorded with the supervisor
 *
 * Sign-in is the console's (session cookie); without a session the API answers 401, for an agent who is
 * not a supervisor 403. The POST also needs `X-Requested-With: agent-console` (CSRF). Only masked text
 * is in the figures (recorded masked, masked again when shown). No outside service: the library is the
 * npm package's own file. Errors: `{ code, error }` (src/web/console/api-errors.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { AgentAccount } from '../config.js';
import type { Core } from '../core.js';
import type { CurationLog } from '../curation/log.js';
import { AcceptError, acceptSuggestion, insightsSource, loadInsights, parsePeriod } from '../insights/index.js';
import type { Logger } from '../log.js';
import { consolePageHeaders } from './agent-page.js';
import { sendError } from './console/api-errors.js';
import { uiBundle } from './console/ui-bundle.js';
import { findPublicDir, serveStaticFiles, type StaticFile } from './static-files.js';
import { pageFiller } from './page-words.js';

export interface InsightsDeps {
  curation: CurationLog;
  core: Core;
  intentsDir: string;
  tzOffsetMinutes: number;
  /** Where a missing page file is reported. */
  logger?: Logger;
}

export interface InsightsAccess {
  /** False when no agent accounts are configured. */
  enabled: boolean;
  /** The signed-in agent's account; rejects when the session store cannot be read. */
  account(req: Request): Promise<AgentAccount | undefined>;
}

/** The page's files (a fixed list; the chart library is the npm package's own file). */
function files(): Record<string, StaticFile> {
  const pub = findPublicDir('insights.html');
  const uplot = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
  return {
    '/agent/insights': {
      file: () => path.join(pub, 'insights.html'),
      headers: consolePageHeaders,
      transform: pageFiller(path.join(pub, 'insights.html'), 'insights'),
    },
    '/agent/insights.js': { file: () => uiBundle('insights') },
    '/agent/insights.css': { file: () => path.join(pub, 'insights.css') },
    '/agent/vendor/uplot.js': { file: () => path.join(uplot, 'uPlot.iife.min.js') },
    '/agent/vendor/uplot.css': { file: () => path.join(uplot, 'uPlot.min.css') },
  };
}

export function registerInsights(server: Server, deps: InsightsDeps, access: InsightsAccess): void {
  deps.curation.tzOffsetMinutes = deps.tzOffsetMinutes;
  const source = insightsSource(deps.curation);
  source.catalog = deps.core.catalog;
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

  const pageFiles = files();
  // A signed-in agent who is not a supervisor is refused the page too (it shows why).
  pageFiles['/agent/insights']!.status = async (req) => {
    const account = await access.account(req).catch(() => undefined);
    return account && !account.supervisor ? 403 : 200;
  };
  serveStaticFiles(server, pageFiles, deps.logger);

  const json = restify.plugins.bodyParser({ maxBodySize: 4 * 1024, mapParams: false, mapFiles: false });
  const supervisor =
    (handler: (req: Request, res: Response, who: AgentAccount) => Promise<void>, mutating = false) =>
    async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      if (!access.enabled) return sendError(res, 404, 'console-disabled', 'agent console is disabled (set AGENTS)');
      let who: AgentAccount | undefined;
      try {
        who = await access.account(req);
      } catch {
        return sendError(res, 503, 'store-unavailable', 'the session store is unavailable; try again shortly');
      }
      if (!who) return sendError(res, 401, 'sign-in-required', 'sign in first');
      if (!who.supervisor) return sendError(res, 403, 'supervisors-only', 'supervisors only');
      if (mutating && req.headers['x-requested-with'] !== 'agent-console')
        return sendError(res, 403, 'csrf-header-missing', 'missing X-Requested-With: agent-console');
      await handler(req, res, who);
    };

  server.get(
    '/agent/api/insights',
    supervisor(async (req, res) => {
      const q = (req.query ?? {}) as Record<string, string>;
      const period = parsePeriod({ from: q.from, to: q.to, days: q.days, bucket: q.bucket }, source.tzOffsetMinutes);
      if (typeof period === 'string') return sendError(res, 400, 'invalid-period', period);
      res.send(200, await loadInsights(source, period, { matcher: deps.core.matcher }));
    }),
  );

  server.post(
    '/agent/api/insights/accept',
    json,
    supervisor(async (req, res, who) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) => (typeof body[k] === 'string' && body[k].length <= 64 ? body[k] : undefined);
      const cluster = str('cluster');
      const intent = str('intent');
      if (!cluster || !/^c-[0-9a-f]{8}$/.test(cluster) || !intent)
        return sendError(res, 400, 'invalid-accept-request', 'cluster (c-xxxxxxxx) and intent are required');
      const period = parsePeriod({ from: str('from'), to: str('to') }, source.tzOffsetMinutes);
      if (typeof period === 'string') return sendError(res, 400, 'invalid-period', period);
      try {
        const r = await acceptSuggestion({
          source,
          matcher: deps.core.matcher,
          catalog: deps.core.catalog,
          intentsDir: deps.intentsDir,
          cluster,
          intent,
          from: period.from,
          to: period.to,
          by: who.id,
          byName: who.name,
        });
        res.send(200, { ok: true, file: r.file, added: r.added.length, accepted: r.note });
      } catch (err) {
        if (!(err instanceof AcceptError)) throw err;
        if (err.code === 'unknown-cluster') return sendError(res, 404, 'unknown-cluster', err.message);
        if (err.code === 'unknown-intent') return sendError(res, 400, 'unknown-intent', err.message);
        sendError(res, 422, 'invalid-examples', err.message);
      }
    }, true),
  );
}
