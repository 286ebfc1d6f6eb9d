/**
 * The web chat: the page, its assets, Web Chat's browser bundle, and the Direct Line the page talks to.
 *
 *   GET  /                      the chat page (src/web/public/index.html)
 *   GET  /static/chat.js        the page's script (no inline scripts: the CSP allows 'self' only)
 *   GET  /static/chat.css       the page's styles
 *   GET  /static/webchat.js     Web Chat's prebuilt bundle from node_modules (cached in memory, gzip)
 *   GET  /api/webchat/config    {mode: 'builtin' | 'azure' | 'unavailable'}: which Direct Line the page uses
 *   POST /api/directline/token  Azure mode: exchanges DIRECT_LINE_SECRET for a conversation token
 *                               {token, conversationId, expires_in, domain}; the secret never leaves the server
 *   /v3/directline/…            built-in Direct Line (see directline.ts), when MicrosoftAppId is not set;
 *                               its conversations live in the bot's store, so any instance serves them
 *
 * Modes: with DIRECT_LINE_SECRET the page uses Azure Direct Line. Otherwise it uses the built-in
 * Direct Line, which works only in anonymous mode (no MicrosoftAppId): with an app id the bot would
 * send Azure AD tokens with its replies and require signed tokens on /api/messages, which this
 * server cannot issue, so the built-in Direct Line is not registered and the page says the chat is
 * unavailable (configure DIRECT_LINE_SECRET for that deployment).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { BotStore } from '../storage/index.js';
import { StoreLimiter } from '../storage/rate-limiters.js';
import { sourceKey } from './console/login-limits.js';
import { clientIp, registerDirectLine, SQLITE_WEB_LIMITS_TABLE, type DirectLineLimits, type DirectLineService } from './directline.js';
import { CSP } from './security.js';

const gzip = promisify(gzipCb);

export type WebChatMode = 'builtin' | 'azure' | 'unavailable';

export interface WebChatDeps {
  config: Config;
  logger: Logger;
  /** This server's base URL once listening (the built-in Direct Line posts to its own /api/messages). */
  baseUrl: () => string;
  /**
   * The bot's store: the built-in Direct Line keeps its conversations there and both token routes count
   * their rate limits there, so several instances on one store serve one web chat and share the
   * limits. Without it (tests of the page alone), everything stays in this process.
   */
  store?: BotStore;
  /** Built-in Direct Line tuning (tests use tiny values). */
  directLine?: {
    limits?: Partial<DirectLineLimits>;
    botEndpoint?: () => string;
    bot?: { id: string; name: string };
    now?: () => number;
  };
  /** Where index.html, chat.js and chat.css live; found automatically. */
  publicDir?: string;
  /** Token requests per client address (built-in and Azure), counted in the store. Default 30 per minute. */
  tokenRate?: { max: number; windowMs: number };
}

export interface WebChat {
  mode: WebChatMode;
  /** The built-in Direct Line, when registered. */
  directLine?: DirectLineService;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** src/web/public next to this module (tsx, vitest) or, from the build in dist/src/web, in the source tree. */
export function publicDirCandidates(): string[] {
  return [path.join(here, 'public'), path.resolve(here, '../../../src/web/public'), path.resolve('src/web/public')];
}

function findPublicDir(logger: Logger): string {
  const candidates = publicDirCandidates();
  const found = candidates.find((d) => existsSync(path.join(d, 'index.html')));
  if (found) return found;
  // The bot keeps working for Teams and other channels; only the page answers 500 (and says why in the log).
  logger.error({ looked: candidates }, 'web chat page files not found: deploy src/web/public with the build');
  return candidates[0]!;
}

/** botframework-webchat does not export package.json or dist/*: look the package up on the resolution paths. */
export function webChatBundlePath(): string {
  const req = createRequire(import.meta.url);
  for (const dir of req.resolve.paths('botframework-webchat') ?? []) {
    const file = path.join(dir, 'botframework-webchat', 'dist', 'webchat.js');
    if (existsSync(file)) return file;
  }
  // Fallback: the package's main entry, then up to its folder.
  let dir = path.dirname(req.resolve('botframework-webchat'));
  while (dir !== path.dirname(dir) && !existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'webchat.js');
}

interface Asset {
  body: Buffer;
  gz?: Buffer;
  etag: string;
  type: string;
  cache: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

async function loadAsset(file: string, cache: string): Promise<Asset> {
  const body = readFileSync(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const asset: Asset = { body, etag, type: TYPES[path.extname(file)] ?? 'application/octet-stream', cache };
  if (body.length > 1024) asset.gz = await gzip(body, { level: 6 });
  return asset;
}

function serve(req: Request, res: Response, asset: Asset, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = {
    'Content-Type': asset.type,
    'Cache-Control': asset.cache,
    ETag: asset.etag,
    Vary: 'Accept-Encoding',
    ...extraHeaders,
  };
  if (String(req.headers['if-none-match'] ?? '') === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const wantsGzip = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
  const body = wantsGzip && asset.gz ? asset.gz : asset.body;
  if (body === asset.gz) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The page's CSP in Azure mode also lets the page reach the Direct Line service (HTTPS and WebSocket). */
function azureCsp(endpoint: string): string {
  const u = new URL(endpoint);
  const ws = `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
  return CSP.replace("connect-src 'self'", `connect-src 'self' ${u.origin} ${ws}`);
}

export function registerWebChat(server: Server, deps: WebChatDeps): WebChat {
  const { config, logger } = deps;
  const publicDir = deps.publicDir ?? findPublicDir(logger);
  const builtinEnabled = !config.auth.appId;
  const mode: WebChatMode = config.directLineSecret ? 'azure' : builtinEnabled ? 'builtin' : 'unavailable';
  const rate = deps.tokenRate ?? deps.directLine?.limits?.tokenRate ?? { max: 30, windowMs: 60_000 };
  const tokenLimiter = new StoreLimiter(deps.store, {
    redisKeyPrefix: 'webchat:azure-tokens:source:',
    sqliteTable: SQLITE_WEB_LIMITS_TABLE,
    keyPrefix: 'azure-tokens',
    points: rate.max,
    durationSeconds: rate.windowMs / 1000,
  });

  // --- static files (a fixed list: no directory listing, no paths from the request) ----------
  const files: Record<string, { file: () => string; cache: string }> = {
    '/': { file: () => path.join(publicDir, 'index.html'), cache: 'no-cache' },
    '/static/chat.js': { file: () => path.join(publicDir, 'chat.js'), cache: 'no-cache' },
    '/static/chat.css': { file: () => path.join(publicDir, 'chat.css'), cache: 'no-cache' },
    '/static/webchat.js': { file: webChatBundlePath, cache: 'public, max-age=86400' },
  };
  const loaded = new Map<string, Promise<Asset>>();
  for (const [route, spec] of Object.entries(files)) {
    const handler = async (req: Request, res: Response) => {
      let p = loaded.get(route);
      if (!p) {
        p = loadAsset(spec.file(), spec.cache);
        loaded.set(route, p);
        p.catch(() => loaded.delete(route));
      }
      let asset: Asset;
      try {
        asset = await p;
      } catch (err) {
        logger.error({ err: { message: (err as Error)?.message }, route }, 'web chat asset missing');
        res.send(500, { error: 'asset unavailable' });
        return;
      }
      serve(req, res, asset, route === '/' && mode === 'azure' ? { 'Content-Security-Policy': azureCsp(config.directLineEndpoint) } : {});
    };
    server.get(route, handler);
    server.head(route, handler);
  }

  // --- which Direct Line the page uses ----------------------------------------------------------
  server.get('/api/webchat/config', async (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.send(200, { mode });
  });

  // --- Azure mode: token exchange -----------------------------------------------------------------
  server.post('/api/directline/token', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!config.directLineSecret) {
      res.send(404, { error: 'Azure Direct Line is not configured (DIRECT_LINE_SECRET); the page uses the built-in Direct Line' });
      return;
    }
    // Per source address (the TCP peer), shared by the instances; a store that cannot count does not
    // block the chat (the bot needs that store for every turn anyway and says so).
    const verdict = await tokenLimiter.take(sourceKey(clientIp(req))).catch((err: unknown) => {
      logger.warn({ err: { message: (err as Error)?.message } }, 'web chat token rate limit unavailable; not limiting');
      return undefined;
    });
    if (verdict && !verdict.allowed) {
      res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      res.send(429, { error: 'too many token requests from this address; try again later' });
      return;
    }
    const userId = `dl_${randomBytes(12).toString('base64url')}`;
    try {
      const r = await fetch(`${config.directLineEndpoint}/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${config.directLineSecret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      if (!r.ok) {
        logger.error({ status: r.status }, 'Direct Line token exchange failed');
        res.send(502, { error: 'could not get a Direct Line token' });
        return;
      }
      const body = JSON.parse(text) as { token?: unknown; conversationId?: unknown; expires_in?: unknown };
      if (typeof body.token !== 'string' || typeof body.conversationId !== 'string') throw new Error('unexpected token response');
      res.send(200, {
        token: body.token,
        conversationId: body.conversationId,
        expires_in: typeof body.expires_in === 'number' ? body.expires_in : 1800,
        domain: config.directLineEndpoint,
      });
    } catch (err) {
      logger.error({ err: { name: (err as Error)?.name, message: (err as Error)?.message } }, 'Direct Line token exchange failed');
      res.send(502, { error: 'could not get a Direct Line token' });
    }
  });

  // --- built-in Direct Line (anonymous mode only; see the header comment) -----------------------
  let directLine: DirectLineService | undefined;
  if (builtinEnabled) {
    directLine = registerDirectLine(server, {
      config,
      logger,
      baseUrl: deps.baseUrl,
      store: deps.store,
      botEndpoint: deps.directLine?.botEndpoint,
      bot: deps.directLine?.bot,
      now: deps.directLine?.now,
      limits: { ...deps.directLine?.limits, ...(deps.tokenRate ? { tokenRate: deps.tokenRate } : {}) },
    });
  } else {
    logger.info('built-in Direct Line disabled (MicrosoftAppId is set); the web chat needs DIRECT_LINE_SECRET');
  }

  return { mode, directLine };
}
