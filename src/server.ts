/**
 * Wiring: configuration -> store, core, adapter, bot -> restify routes. `createApp` builds
 * everything without listening, so tests start a real server on a free port.
 */
import restify, { type Request, type Response } from 'restify';
import type { HelpdeskAdapter } from './bot/adapter.js';
import { createBotEndpoint, type BotEndpointOptions } from './bot/endpoint.js';
import type { HelpdeskBot } from './bot/helpdesk-bot.js';
import { LiveAgents } from './handoff/live.js';
import { pathInWords } from './handoff/summary.js';
import { TicketStore } from './handoff/tickets.js';
import type { Config } from './config.js';
import { loadCore, type Core } from './core.js';
import { createLogger, errInfo, type Logger } from './log.js';
import { createStore, type BotStore } from './storage/index.js';
import { CurationLog } from './curation/log.js';
import { registerAgentApi } from './web/agent-api.js';
import { registerAgentConsole } from './web/agent-console.js';
import { validateActivityBody } from './web/activity-validation.js';
import { securityHeaders } from './web/security.js';
import { registerWebChat, type WebChat } from './web/routes.js';
import { checkAnonymousCaller } from './web/anonymous.js';
import { clientIp } from './web/directline/network.js';
import { StoreLimiter } from './storage/rate-limiters.js';
import { ConversationBudget } from './storage/budget.js';

export const MAX_BODY_BYTES = 256 * 1024;
/** The activity fields the server itself reads (validated at the edge by activity-validation). */
interface ActivityHead {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string };
}

export interface App {
  config: Config;
  logger: Logger;
  core: Core;
  store: BotStore;
  adapter: HelpdeskAdapter;
  bot: HelpdeskBot;
  live: LiveAgents;
  server: restify.Server;
  /** The built-in web chat (page, Direct Line), once registered. */
  webChat(): WebChat | undefined;
  /** Listens on config.port (0 = a free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Stops accepting, lets in-flight turns finish (bounded), closes the store. */
  stop(): Promise<void>;
  /** The base URL once started. */
  url(): string;
}

export interface AppOptions {
  logger?: Logger;
  core?: Core;
  store?: BotStore;
  /** Outbound token source for the connector (see HelpdeskAdapter); default from the credentials. */
  credentialsFactory?: BotEndpointOptions['credentialsFactory'];
}

export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const core = options.core ?? loadCore(config.intentsDir, { cacheDir: config.cacheDir });
  const store =
    options.store ??
    createStore({
      kind: config.storage.kind,
      dataDir: config.storage.dataDir,
      redisUrl: config.storage.redisUrl,
      redisPrefix: config.storage.redisPrefix,
      ttlSeconds: config.storage.ttlSeconds,
    });

  const budget = new ConversationBudget(store, config.storage.maxConversations);
  const curation = new CurationLog(store);
  // Anonymous mode: new conversations per source address (the built-in web chat limits its own tokens
  // per address), so one client cannot fill the store. With credentials every request is the channel's.
  const newConversations = config.auth.appId
    ? undefined
    : new StoreLimiter(store, {
        redisKeyPrefix: 'limits:new-conversations:',
        sqliteTable: 'rate_limits',
        keyPrefix: 'new-conversations',
        points: config.newConversationsPerSource,
        durationSeconds: 600,
      });
  // Tickets are shared by the bot (hand-offs), the live agents and the consoles.
  const tickets = new TicketStore(store);
  const endpoint = createBotEndpoint({
    config,
    core,
    store,
    logger,
    tickets,
    live: (ports) =>
      new LiveAgents({
        tickets,
        logger,
        bot: () => core.catalog.bot,
        hours: { hours: config.handoff.hours, days: config.handoff.days, tzOffsetMinutes: config.handoff.tzOffsetMinutes },
        waitSeconds: config.handoff.waitSeconds,
        consoleAgents: config.agents.length > 0,
        ...ports,
      }),
    admitSource: newConversations ? async (source) => (await newConversations.take(source)).allowed : undefined,
    onEvents: async (events, conversationId) => curation.recordEvents(events, new Date(), conversationId),
    credentialsFactory: options.credentialsFactory,
  });
  const { adapter, bot, live } = endpoint;

  const server = restify.createServer({ handleUncaughtExceptions: false });
  // Idle keep-alive sockets are closed by the client, never by us first: with Node's 5 s default a
  // client (a channel, a load balancer, fetch) that reuses a socket just as the server drops it gets
  // ECONNRESET on a request the bot never saw. 65 s outlasts the usual client and proxy idle timeouts.
  server.server.keepAliveTimeout = 65_000;
  server.server.headersTimeout = 66_000;
  server.pre(securityHeaders());
  server.use(restify.plugins.queryParser({ mapParams: false }));

  let webChat: WebChat | undefined;
  let inFlight = 0;
  let stopping = false;
  let baseUrl = '';
  const idleWaiters: Array<() => void> = [];
  const turnDone = () => {
    inFlight -= 1;
    if (inFlight === 0) idleWaiters.splice(0).forEach((r) => r());
  };

  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: true }),
    async (req: Request, res: Response) => {
      if (stopping) {
        res.send(503, { error: 'shutting down' });
        return;
      }
      const problem = validateActivityBody(req);
      if (problem) {
        res.send(problem.status, { error: problem.reason });
        return;
      }
      const activity = req.body as ActivityHead;
      if (!config.auth.appId) {
        const refused = checkAnonymousCaller(req, activity.serviceUrl, activity.conversation.id, webChat?.directLine);
        if (refused) {
          logger.warn({ status: refused.status, channel: activity.channelId }, 'request refused in anonymous mode');
          res.send(refused.status, { error: refused.reason });
          return;
        }
      }
      inFlight += 1;
      try {
        // The source a new conversation counts against: local tools by address; the built-in web chat is
        // counted at its own token endpoint.
        const source =
          !config.auth.appId && webChat?.directLine?.serviceUrlKind(activity.serviceUrl, activity.conversation.id) !== 'own' ? clientIp(req) : undefined;
        const r = await endpoint.process(String(req.headers.authorization ?? ''), req.body, source);
        if (r.body === undefined) res.send(r.status);
        else res.send(r.status, r.body);
      } finally {
        turnDone();
      }
    },
  );

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const checks: Record<string, string> = { catalog: core.catalog.intents.size > 0 ? 'ok' : 'empty' };
    try {
      await Promise.race([store.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 1500))]);
      checks.storage = 'ok';
    } catch (err) {
      checks.storage = `unavailable: ${(err as Error).message}`;
    }
    const ok = Object.values(checks).every((v) => v === 'ok') && !stopping;
    // The conversation budget is information, not readiness: eviction keeps it.
    res.send(ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks, conversations: budget.status });
  });

  // Agents who never claim: each instance checks the queue; the ticket update decides who notifies.
  const sweepTimer = setInterval(() => void live.sweep().catch((err) => logger.warn({ err: errInfo(err) }, 'queue sweep failed')), 15_000);
  sweepTimer.unref();
  const enforceBudget = () =>
    budget
      .enforce()
      .then((r) =>
        r.stored >= r.budget ? logger.warn({ ...r }, 'conversation budget reached: the least recently active conversations were evicted') : undefined,
      )
      .catch((err) => logger.warn({ err: errInfo(err) }, 'conversation budget check failed'));
  const budgetTimer = setInterval(() => void enforceBudget(), 60_000);
  budgetTimer.unref();
  void enforceBudget();
  registerAgentConsole(server, {
    agents: config.agents,
    store,
    sessionSecret: config.sessionSecret,
    tickets,
    live,
    logger,
    steps: (path) => pathInWords(core.catalog, path),
    answers: core.answers,
    insights: { curation, core, intentsDir: config.intentsDir, tzOffsetMinutes: config.handoff.tzOffsetMinutes },
  });

  registerAgentApi(server, { apiKey: config.agentApiKey, tickets, answers: core.answers, curation, matcher: core.matcher });

  // --- web chat (page, built-in Direct Line, Azure token exchange) ---
  webChat = registerWebChat(server, { config, logger, baseUrl: () => baseUrl, store });
  // --- end web chat ---

  const app: App = {
    config,
    logger,
    core,
    store,
    adapter,
    bot,
    live,
    server,
    webChat: () => webChat,
    url: () => baseUrl,
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const addr = server.address();
          const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
          baseUrl = `http://${host}:${addr.port}`;
          // The built-in Direct Line's keys come from the store: load them before the first request
          // (bounded by the store's own timeout; if it is down, the first request loads them).
          const keys = webChat?.directLine?.ready().catch((err: unknown) => logger.warn({ err: errInfo(err) }, 'built-in Direct Line keys not loaded yet'));
          void Promise.resolve(keys).then(() => resolve(baseUrl));
        });
      }),
    stop: async () => {
      stopping = true;
      clearInterval(sweepTimer);
      clearInterval(budgetTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections kept alive by clients must not hold the process open.
        (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        setTimeout(resolve, 10_000).unref();
      });
      if (inFlight > 0)
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          setTimeout(resolve, 10_000).unref();
        });
      await curation.close();
      await store.close();
    },
  };
  return app;
}
