/**
 * The agent console's page and assets (the JSON API is in agent-console.ts):
 *
 *   GET /agent            src/web/public/agent.html
 *   GET /agent/agent.js   the page's script, bundled from console-ui/agent/ (src/web/console/ui-bundle.ts;
 *                         no inline scripts: the CSP allows 'self' only)
 *   GET /agent/agent.css  the page's styles
 *
 * A fixed list of files served by src/web/static-files.ts with `no-cache` and an ETag, so a deploy is
 * picked up on the next load and unchanged files revalidate with a 304. The page must not be framed
 * (it acts with the agent's session): its CSP says `frame-ancestors 'none'` instead of the Teams
 * allowance the chat page needs.
 */
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../log.js';
import { uiBundle } from './console/ui-bundle.js';
import { CSP } from './security.js';
import { findPublicDir, serveStaticFiles } from './static-files.js';
import { pageFiller } from './page-words.js';

const PAGE_CSP = CSP.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'");

/** The headers of the console's HTML pages (this one and the insights page). */
export const consolePageHeaders = (): Record<string, string> => ({ 'Content-Security-Policy': PAGE_CSP, 'X-Frame-Options': 'DENY' });

export function registerAgentPage(server: Server, logger?: Logger, publicDir = findPublicDir('agent.html', logger)): void {
  serveStaticFiles(
    server,
    {
      '/agent': {
        file: () => path.join(publicDir, 'agent.html'),
        headers: consolePageHeaders,
        transform: pageFiller(path.join(publicDir, 'agent.html'), 'agent'),
      },
      '/agent/agent.js': { file: () => uiBundle('agent') },
      '/agent/agent.css': { file: () => path.join(publicDir, 'agent.css') },
    },
    logger,
  );
  // `/agent/` (typed by hand) goes to the page.
  server.get('/agent/', async (_req: Request, res: Response) => {
    res.writeHead(301, { Location: '/agent', 'Cache-Control': 'no-cache' });
    res.end();
  });
}
