/**
 * The protocol harness: a tiny Bot Framework channel service inside the test, and conversations
 * that POST real activities to the bot's `/api/messages` and collect the replies the bot sends back
 * to `serviceUrl` (`POST /v3/conversations/{id}/activities[/{replyToId}]`).
 *
 * The bot answers its HTTP request only after the turn finished, so every reply of a turn has
 * reached the channel by the time `send` resolves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createApp, type App, type AppOptions } from '../../src/server.js';
import { startChannelService, type ChannelAnswer } from './channel-service.js';

export interface ReceivedActivity {
  type: string;
  text?: string;
  name?: string;
  value?: unknown;
  attachments?: Array<{ contentType: string; content?: unknown; name?: string }>;
  suggestedActions?: { actions: Array<{ title?: string; value?: unknown; type?: string }> };
  replyToId?: string;
  conversation?: { id: string };
  channelData?: unknown;
  [k: string]: unknown;
}

export interface ChannelServer {
  url: string;
  /** Every activity received, per conversation id. */
  received: Map<string, ReceivedActivity[]>;
  /** Activities updated in place (PUT .../activities/{id}), per conversation id. */
  updated?: Map<string, ReceivedActivity[]>;
  /** Make the next N reply POSTs fail with this status (fault injection). */
  failNext(status: number, count?: number): void;
  /** Members the channel knows (GET /v3/conversations/{id}/members/{memberId}), like Teams' roster. */
  members?: Map<string, { id: string; name: string; aadObjectId?: string }>;
  /** Authorization headers the bot sent with its replies. */
  authorizations?: string[];
  close(): Promise<void>;
}

export async function startChannel(): Promise<ChannelServer> {
  const received = new Map<string, ReceivedActivity[]>();
  const updated = new Map<string, ReceivedActivity[]>();
  let failures: { status: number; count: number } | undefined;
  const members = new Map<string, { id: string; name: string; aadObjectId?: string }>();
  const authorizations: string[] = [];
  const service = await startChannelService((call): ChannelAnswer => {
    authorizations.push(call.authorization);
    if (call.kind === 'member') {
      const found = members.get(call.memberId);
      return { status: found ? 200 : 404, body: found ?? { error: { code: 'MemberNotFound', message: 'not in this team' } } };
    }
    if (call.kind === 'update') {
      const list = updated.get(call.conversationId) ?? [];
      list.push({ ...(JSON.parse(call.body || '{}') as ReceivedActivity), _id: call.activityId });
      updated.set(call.conversationId, list);
      return { status: 200, body: { id: call.activityId } };
    }
    if (failures && failures.count > 0) {
      failures.count -= 1;
      return { status: failures.status, body: { error: { code: 'Injected', message: 'injected failure' } } };
    }
    const activity = JSON.parse(call.body || '{}') as ReceivedActivity;
    const id = randomUUID();
    activity._id = id; // the id this channel gave the activity (threads in Teams channels start here)
    const list = received.get(call.conversationId) ?? [];
    list.push(activity);
    received.set(call.conversationId, list);
    return { status: 200, body: { id } };
  });
  return {
    url: service.url,
    received,
    updated,
    members,
    authorizations,
    failNext(status, count = 1) {
      failures = { status, count };
    },
    close: () => service.close(),
  };
}

export interface SendResult {
  status: number;
  body: unknown;
  replies: ReceivedActivity[];
  /** The texts of the message replies, joined (handy for assertions). */
  text: string;
}

export function repliesText(replies: ReceivedActivity[]): string {
  return replies
    .filter((a) => a.type === 'message')
    .map((a) =>
      [
        a.text ?? '',
        ...(a.suggestedActions?.actions ?? []).map((x) => `[${x.title}]`),
        ...(a.attachments ?? []).map((x) => JSON.stringify(x.content ?? '')),
      ].join('\n'),
    )
    .join('\n');
}

/** Suggested-action titles of the last reply that had any. */
export function lastChoices(replies: ReceivedActivity[]): string[] {
  for (let i = replies.length - 1; i >= 0; i--) {
    const acts = replies[i]!.suggestedActions?.actions;
    if (acts?.length) return acts.map((a) => String(a.title));
  }
  return [];
}

/**
 * A web-chat message POSTed to a bot's /api/messages by hand, as a caller that is not the channel
 * might (naming a conversation and a service URL of its choosing); the response says what the bot did.
 */
export function postForgedMessage(botUrl: string, o: { serviceUrl: string; conversationId: string; userId: string }): Promise<Response> {
  return fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: 'x1',
      channelId: 'webchat',
      serviceUrl: o.serviceUrl,
      from: { id: o.userId },
      recipient: { id: 'bot' },
      conversation: { id: o.conversationId },
      text: 'lupa password',
    }),
  });
}

export class Conversation {
  readonly id: string;
  readonly userId: string;
  private seq = 0;
  /** Extra headers on every request (a channel token when the bot has credentials). */
  headers: () => Record<string, string> = () => ({});
  constructor(
    public botUrl: string,
    readonly channel: ChannelServer,
    readonly channelId = 'webchat',
    id?: string,
  ) {
    this.id = id ?? `conv-${randomUUID()}`;
    this.userId = `user-${this.id.slice(-8)}`;
  }

  activity(partial: Partial<ReceivedActivity>): Record<string, unknown> {
    return {
      type: 'message',
      id: `act-${++this.seq}-${randomUUID().slice(0, 8)}`,
      channelId: this.channelId,
      serviceUrl: this.channel.url,
      from: { id: this.userId, name: 'Pengguna Uji', role: 'user' },
      recipient: { id: 'bot', name: 'Asisten e-Faktur', role: 'bot' },
      conversation: { id: this.id },
      timestamp: new Date().toISOString(),
      locale: 'id-ID',
      ...partial,
    };
  }

  async post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<SendResult> {
    const before = this.channel.received.get(this.id)?.length ?? 0;
    const res = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers(), ...headers },
      body: JSON.stringify(activity),
    });
    const raw = await res.text();
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* not JSON */
    }
    const replies = (this.channel.received.get(this.id) ?? []).slice(before);
    return { status: res.status, body, replies, text: repliesText(replies) };
  }

  send(text: string, extra: Partial<ReceivedActivity> = {}): Promise<SendResult> {
    return this.post(this.activity({ text, ...extra }));
  }

  /** A card button (Action.Submit): a message with no text and the button's data as `value`. */
  sendValue(value: Record<string, unknown>): Promise<SendResult> {
    return this.post(this.activity({ value } as Partial<ReceivedActivity>));
  }

  /** The user joins: conversationUpdate with the user in membersAdded. */
  join(): Promise<SendResult> {
    return this.post(
      this.activity({
        type: 'conversationUpdate',
        membersAdded: [{ id: this.userId, name: 'Pengguna Uji' }] as unknown as undefined,
      }),
    );
  }
}

export interface TestBot {
  app: App;
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the real server in-process on a free port with the given environment overrides. */
export async function startBot(env: Record<string, string | undefined> = {}, options: Pick<AppOptions, 'credentialsFactory'> = {}): Promise<TestBot> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', STORAGE: 'memory', LOG_LEVEL: 'info', INTENTS_DIR: path.resolve('intents'), ...env });
  const app = createApp(config, { logger: createLogger(config.logLevel, sink), ...options });
  const url = await app.start();
  return { app, url, logs, stop: () => app.stop() };
}

export interface BotProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the bot as its own process (`node --import tsx src/index.ts`, or `args`, e.g. a bundled entry;
 * from `cwd`) and waits until /readyz answers.
 */
export async function spawnBot(env: Record<string, string>, port: number, o: { args?: string[]; cwd?: string } = {}): Promise<BotProcess> {
  let out = '';
  const child = spawn(process.execPath, o.args ?? ['--import', 'tsx', 'src/index.ts'], {
    cwd: o.cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited early (${child.exitCode}):\n${out}`);
    try {
      // Ready only once this child says it listens on the port: between choosing a free port and the
      // child's listening (seconds: tsx, training) another server may have been given the same port,
      // and its /readyz must not pass for this bot's (a flake seen in CI: "no SQLite file").
      const own = out.includes(`:${port}/api/messages`);
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200 && own) break;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
