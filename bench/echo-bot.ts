/**
 * Baseline for `npm run bench`: the smallest bot on the same stack as the helpdesk bot — restify,
 * botbuilder's `CloudAdapter` (anonymous local mode, like the bot without Azure credentials) and
 * `ConversationState` on the same storage backends (`createStore` from src/storage). Every message
 * turn loads the conversation state, increments a counter, replies `#<counter> <text>` and saves.
 *
 *   PORT (default 3979), HOST (default 127.0.0.1), STORAGE (memory | sqlite | redis, default sqlite),
 *   DATA_DIR (sqlite folder, default ./data), REDIS_URL, REDIS_PREFIX (default echo-bench:),
 *   STATE_TTL_DAYS (default 30, as the bot),
 *   ECHO_REPLIES (default 1): activities sent per turn (diagnostics: the cost of one more reply).
 *
 * Routes: POST /api/messages, GET /readyz. SIGTERM/SIGINT: close the server and the store, exit 0.
 */
import path from 'node:path';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { createStore, type StoreKind } from '../src/storage/index.js';

const kind = (process.env.STORAGE || 'sqlite') as StoreKind;
if (!['memory', 'sqlite', 'redis'].includes(kind)) {
  process.stderr.write(`echo-bot: STORAGE must be memory, sqlite or redis (got ${JSON.stringify(kind)})\n`);
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3979);
const host = process.env.HOST || '127.0.0.1';
const ttlDays = Number(process.env.STATE_TTL_DAYS || 30);
const repliesPerTurn = Math.max(1, Math.min(10, Number(process.env.ECHO_REPLIES || 1)));

const store = createStore({
  kind,
  dataDir: path.resolve(process.env.DATA_DIR || './data'),
  redisUrl: process.env.REDIS_URL || undefined,
  redisPrefix: process.env.REDIS_PREFIX || 'echo-bench:',
  ttlSeconds: ttlDays * 86400,
});

/** Same shape as src/bot/adapter.ts: the route hands over the parsed activity (same SDK code path). */
class EchoAdapter extends CloudAdapter {
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}
const adapter = new EchoAdapter(
  new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    MicrosoftAppType: 'MultiTenant',
    MicrosoftAppTenantId: '',
  } as Record<string, string>),
);
adapter.onTurnError = async (context: TurnContext, error: Error) => {
  process.stderr.write(`echo-bot: turn failed: ${error?.message}\n`);
  if (context.activity.type === 'message') await context.sendActivity('echo-bot: error').catch(() => undefined);
};

class EchoBot extends ActivityHandler {
  readonly state = new ConversationState(store);
  private readonly counter = this.state.createProperty<number>('count');

  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await this.state.load(context);
      const n = (await this.counter.get(context, 0)) + 1;
      await this.counter.set(context, n);
      const reply = { type: 'message', text: `#${n} ${context.activity.text ?? ''}` };
      if (repliesPerTurn === 1) await context.sendActivity(reply);
      else await context.sendActivities(Array.from({ length: repliesPerTurn }, () => ({ ...reply })));
      await this.state.saveChanges(context);
      await next();
    });
  }
}
const bot = new EchoBot();

const server = restify.createServer({ handleUncaughtExceptions: false });
server.post(
  '/api/messages',
  restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false, rejectUnknown: true }),
  async (req: Request, res: Response) => {
    try {
      const invoke = await adapter.handle(String(req.headers.authorization ?? ''), req.body as Activity, (ctx) => bot.run(ctx));
      if (invoke) res.send(invoke.status, invoke.body);
      else res.send(200);
    } catch (err) {
      const status = (err as { statusCode?: number })?.statusCode === 401 ? 401 : 500;
      res.send(status, { error: (err as Error)?.message ?? 'error' });
    }
  },
);
server.get('/readyz', async (_req: Request, res: Response) => {
  try {
    await store.ping();
    res.send(200, { status: 'ready' });
  } catch (err) {
    res.send(503, { status: 'not ready', error: (err as Error).message });
  }
});

server.listen(port, host, () => {
  process.stdout.write(`echo-bot listening on http://${host}:${server.address().port} (storage ${kind})\n`);
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    setTimeout(resolve, 5000).unref();
  });
  await store.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
