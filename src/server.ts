/**
 * Wiring: configuration -> store, core, adapter, bot -> restify routes. `createApp` builds
 * everything without listening, so tests start a real server on a free port.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError, type ServiceClientCredentialsFactory } from 'botframework-connector';
import restify, { type Request, type Response } from 'restify';
import { HelpdeskAdapter } from './bot/adapter.js';
import { HelpdeskBot } from './bot/helpdesk-bot.js';
import { AgentsTeamsChannel } from './bot/agents-channel.js';
import { userDelivery } from './bot/proactive.js';
import { LiveAgents } from './handoff/live.js';
import { pathInWords } from './handoff/summary.js';
import { TicketStore } from './handoff/tickets.js';
import { contactsMarkdown, textActivity } from './bot/render.js';
import type { Config } from './config.js';
import { loadCore, type Core } from './core.js';
import { createLogger, errInfo, logId, type Logger } from './log.js';
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
/** Where a turn keeps the caller's address (anonymous mode: the new-conversation budget). */
const SOURCE_KEY = Symbol('source');

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
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const core = options.core ?? loadCore(config.intentsDir);
  const store =
    options.store ??
    createStore({
      kind: config.storage.kind,
      dataDir: config.storage.dataDir,
      redisUrl: config.storage.redisUrl,
      redisPrefix: config.storage.redisPrefix,
      ttlSeconds: config.storage.ttlSeconds,
    });

  const adapter = new HelpdeskAdapter(config, options.credentialsFactory);
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
  const content = () => core.catalog.bot;
  const agentsChannel = new AgentsTeamsChannel({
    adapter,
    tickets,
    storage: store,
    logger,
    bot: content,
    appId: config.auth.appId,
    agentsTeams: config.agentsTeams,
  });
  const live = new LiveAgents({
    tickets,
    logger,
    bot: content,
    hours: { hours: config.handoff.hours, days: config.handoff.days, tzOffsetMinutes: config.handoff.tzOffsetMinutes },
    waitSeconds: config.handoff.waitSeconds,
    consoleAgents: config.agents.length > 0,
    deliver: userDelivery(adapter, config.auth.appId, content),
    // Only with a configured agents' channel (and credentials) can Teams agents take conversations.
    mirror: config.agentsTeams ? agentsChannel : undefined,
  });
  const bot = new HelpdeskBot({
    core,
    store,
    logger,
    tickets,
    live,
    agentsChannel,
    rateLimit: config.rateLimit,
    admitNewConversation: newConversations
      ? async (context) => {
          const source = context.turnState.get<string | undefined>(SOURCE_KEY);
          return !source || (await newConversations.take(source)).allowed;
        }
      : undefined,
    onEvents: async (events, conversationId) => curation.recordEvents(events, new Date(), conversationId),
  });

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errInfo(error), conversation: logId(context.activity.conversation?.id), activityType: context.activity.type }, 'turn failed');
    try {
      if (context.activity.type === 'message') {
        const b = core.catalog.bot;
        await context.sendActivity(textActivity(`${b.messages.error}\n\n${contactsMarkdown(b)}`));
      }
    } catch (sendErr) {
      logger.error({ err: errInfo(sendErr) }, 'could not tell the user about the failed turn');
    }
  };

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
      if (!config.auth.appId) {
        const refused = checkAnonymousCaller(
          req,
          String((req.body as Activity).serviceUrl),
          String((req.body as Activity).conversation.id),
          webChat?.directLine,
        );
        if (refused) {
          logger.warn({ status: refused.status, channel: (req.body as Activity).channelId }, 'request refused in anonymous mode');
          res.send(refused.status, { error: refused.reason });
          return;
        }
      }
      inFlight += 1;
      try {
        const activity = req.body as Activity;
        // The source a new conversation counts against: local tools by address; the built-in web chat is
        // counted at its own token endpoint.
        const source =
          !config.auth.appId && webChat?.directLine?.serviceUrlKind(String(activity.serviceUrl), String(activity.conversation.id)) !== 'own'
            ? clientIp(req)
            : undefined;
        const invoke = await adapter.handle(String(req.headers.authorization ?? ''), activity, (ctx) => {
          if (source) ctx.turnState.set(SOURCE_KEY, source);
          return bot.run(ctx);
        });
        if (invoke) res.send(invoke.status, invoke.body);
        else res.send(200);
      } catch (err) {
        // jsonwebtoken's own errors (bad signature, malformed, not yet valid) escape the SDK unwrapped.
        const jwtError = ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'].includes((err as Error)?.name);
        if (err instanceof AuthenticationError || jwtError || (err as { statusCode?: number })?.statusCode === 401) {
          logger.warn({ reason: (err as Error).message?.slice(0, 200), channel: (req.body as Activity)?.channelId }, 'request rejected: authentication failed');
          res.send(401, { error: 'unauthorized: a valid channel token is required' });
        } else {
          logger.error({ err: errInfo(err) }, 'activity processing failed');
          res.send(500, { error: 'internal error' });
        }
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
