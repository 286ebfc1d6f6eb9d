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
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { BotStore } from '../storage/index.js';
import { StoreLimiter } from '../storage/rate-limiters.js';
import { sourceKey } from './console/login-limits.js';
import { clientIp, registerDirectLine, SQLITE_WEB_LIMITS_TABLE, type DirectLineLimits, type DirectLineService } from './directline.js';
import { CSP } from './security.js';
import { findPublicDir, serveStaticFiles } from './static-files.js';
import { pageFiller } from './page-words.js';

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

/** The page's CSP in Azure mode also lets the page reach the Direct Line service (HTTPS and WebSocket). */
function azureCsp(endpoint: string): string {
  const u = new URL(endpoint);
  const ws = `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
  return CSP.replace("connect-src 'self'", `connect-src 'self' ${u.origin} ${ws}`);
}

export function registerWebChat(server: Server, deps: WebChatDeps): WebChat {
  const { config, logger } = deps;
  const publicDir = deps.publicDir ?? findPublicDir('index.html', logger);
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
  const pageHeaders = (): Record<string, string> => (mode === 'azure' ? { 'Content-Security-Policy': azureCsp(config.directLineEndpoint) } : {});
  serveStaticFiles(
    server,
    {
      '/': {
        file: () => path.join(publicDir, 'index.html'),
        headers: pageHeaders,
        transform: pageFiller(path.join(publicDir, 'index.html'), 'chat'),
      },
      '/static/chat.js': { file: () => path.join(publicDir, 'chat.js') },
      '/static/chat.css': { file: () => path.join(publicDir, 'chat.css') },
      '/static/webchat.js': { file: webChatBundlePath, cache: 'public, max-age=86400' },
    },
    logger,
  );

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
