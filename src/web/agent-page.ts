/**
 * The agent console's page and assets (the JSON API is in agent-console.ts):
 *
 *   GET /agent            src/web/public/agent.html
 *   GET /agent/agent.js   the page's script (no inline scripts: the CSP allows 'self' only)
 *   GET /agent/agent.css  the page's styles
 *
 * A fixed list of files (no paths from the request). Everything is served with `no-cache` and an
 * ETag, so a deploy is picked up on the next load and unchanged files revalidate with a 304. The
 * page must not be framed (it acts with the agent's session): its CSP says `frame-ancestors 'none'`
 * instead of the Teams allowance the chat page needs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { publicDirCandidates } from './routes.js';
import { CSP } from './security.js';


const PAGE_CSP = CSP.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'");

const FILES: Record<string, { file: string; type: string }> = {
  '/agent': { file: 'agent.html', type: 'text/html; charset=utf-8' },
  '/agent/agent.js': { file: 'agent.js', type: 'text/javascript; charset=utf-8' },
  '/agent/agent.css': { file: 'agent.css', type: 'text/css; charset=utf-8' },
};

function findPublicDir(): string {
  const candidates = publicDirCandidates();
  return candidates.find((d) => existsSync(path.join(d, 'agent.html'))) ?? candidates[0]!;
}

export function registerAgentPage(server: Server, publicDir = findPublicDir()): void {
  for (const [route, spec] of Object.entries(FILES)) {
    const handler = async (req: Request, res: Response) => {
      let body: Buffer;
      try {
        body = await readFile(path.join(publicDir, spec.file));
      } catch {
        res.send(500, { error: `agent console asset missing: deploy src/web/public/${spec.file}` });
        return;
      }
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      const headers: Record<string, string | number> = { 'Content-Type': spec.type, 'Cache-Control': 'no-cache', ETag: etag };
      if (spec.file.endsWith('.html')) {
        headers['Content-Security-Policy'] = PAGE_CSP;
        headers['X-Frame-Options'] = 'DENY';
      }
      if (String(req.headers['if-none-match'] ?? '') === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      headers['Content-Length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    server.get(route, handler);
    server.head(route, handler);
  }
  // `/agent/` (typed by hand) goes to the page.
  server.get('/agent/', async (_req: Request, res: Response) => {
    res.writeHead(301, { Location: '/agent', 'Cache-Control': 'no-cache' });
    res.end();
  });
}
