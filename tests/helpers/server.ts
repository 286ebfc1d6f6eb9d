/**
 * The server set-up most protocol tests share, as one call: `useServer(env)` registers hooks that
 * start a channel service and the real app in-process (free port, memory store unless `env` says
 * otherwise) before the tests of the file or `describe` it is called in, and stop both after them.
 *
 * It also reads what a turn led to without reading the wording: every turn writes one JSON log line
 * (`msg: "turn"`) with the outcome's kind and node, and the conversation's stored flow state holds the
 * path of `intent/node` visited. Flow tests assert those, so an editor's rewording breaks none of them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ConversationData } from '../../src/conversation/data.js';
import type { TurnOutcome } from '../../src/flow/engine.js';
import { logId } from '../../src/log.js';
import { Conversation, startBot, startChannel, type ChannelServer, type TestBot } from './harness.js';

/** One `turn` log line, as the bot writes it (src/bot/helpdesk-bot.ts). */
export interface TurnRecord {
  /** The outcome's kind (answer, check, question, menu, handoff, confirm, did-you-mean, fallback, closed). */
  outcome: TurnOutcome['kind'];
  /** The outcome's node, when the turn reached or re-asked one. */
  node?: string;
  /** The classifier's intent when it was consulted, else the outcome's. */
  intent: string;
  /** How the turn decision read the message (option, switch, person, …). */
  turn?: string;
  decision?: string;
  score?: number;
  /** The activity's id (a correlation id across the logs of one turn). */
  turnId?: string;
  channel?: string;
  latencyMs?: number;
}

/** The turns logged for one conversation, oldest first. */
export function turnRecords(logs: readonly string[], conversationId: string): TurnRecord[] {
  const id = logId(conversationId);
  return logs
    .join('')
    .split('\n')
    .filter((l) => l.includes('"msg":"turn"'))
    .map((l) => JSON.parse(l) as TurnRecord & { msg: string; conversation?: string })
    .filter((l) => l.conversation === id);
}

/** What the last turn of a conversation led to: kind, and the `intent/node` it reached or asked again. */
export interface Step {
  kind: TurnOutcome['kind'];
  /** `intent/node`, when the outcome names a node. */
  at?: string;
  /** How the turn decision read the message. */
  decision?: string;
}

export interface Server {
  readonly bot: TestBot;
  readonly channel: ChannelServer;
  readonly url: string;
  /** A new conversation with the bot (Web Chat unless another channel is given). */
  conversation(channelId?: string, id?: string): Conversation;
  /** The stored state of a conversation (undefined before its first turn or after it expired). */
  data(c: Conversation): Promise<ConversationData | undefined>;
  /** The turns logged for a conversation. */
  turns(c: Conversation): TurnRecord[];
  /** What the last turn of a conversation led to. */
  step(c: Conversation): Promise<Step>;
}

/** The key botbuilder's ConversationState stores a conversation under (namespace ''). */
export const stateKey = (c: Conversation) => `${c.channelId}/conversations/${c.id}/`;

/**
 * Starts a channel and the bot around the tests of the enclosing file or `describe`. `env` overrides
 * the harness defaults (memory store, log level info); a function is read when the server starts (for
 * values another hook prepares, such as a metadata server's URL).
 */
export function useServer(
  env: Record<string, string | undefined> | (() => Record<string, string | undefined>) = {},
  options: Parameters<typeof startBot>[1] = {},
): Server {
  let bot: TestBot | undefined;
  let channel: ChannelServer | undefined;
  const started = <T>(x: T | undefined): T => {
    if (!x) throw new Error('useServer: the server is not running (use it inside a test)');
    return x;
  };
  beforeAll(async () => {
    channel = await startChannel();
    bot = await startBot(typeof env === 'function' ? env() : env, options);
  });
  afterAll(async () => {
    await bot?.stop();
    await channel?.close();
  });
  const server: Server = {
    get bot() {
      return started(bot);
    },
    get channel() {
      return started(channel);
    },
    get url() {
      return started(bot).url;
    },
    conversation: (channelId = 'webchat', id) => new Conversation(server.url, server.channel, channelId, id),
    async data(c) {
      const key = stateKey(c);
      const items = await server.bot.app.store.read([key]);
      return (items[key] as { data?: ConversationData } | undefined)?.data;
    },
    turns: (c) => turnRecords(server.bot.logs, c.id),
    async step(c) {
      const last = server.turns(c).at(-1);
      if (!last) throw new Error(`no turn logged for conversation ${c.id}`);
      // The log names the node; the stored path says which intent it belongs to (node ids repeat across intents).
      const path = (await server.data(c))?.flow.path ?? [];
      const at = last.node ? path.findLast((p) => p.endsWith(`/${last.node}`)) : undefined;
      return { kind: last.outcome, at, decision: last.turn };
    },
  };
  return server;
}
