/**
 * The HTTP side of a Bot Framework channel service, shared by the protocol tests
 * (tests/helpers/harness.ts keeps every activity for assertions) and the benchmark (bench/load.ts
 * keeps only the reply texts until the load client takes them): the routes a bot calls on its
 * `serviceUrl`, parsed; what to answer is the caller's.
 *
 *   POST /v3/conversations/{id}/activities[/{replyToId}]   a reply or a new message
 *   PUT  /v3/conversations/{id}/activities/{activityId}    an update in place
 *   GET  /v3/conversations/{id}/members/{memberId}         a member lookup (Teams' roster)
 *
 * Anything else is 404. Connections are kept alive (the connector reuses them, as with a real channel).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChannelCall =
  | { kind: 'send'; conversationId: string; replyToId?: string; body: string; authorization: string }
  | { kind: 'update'; conversationId: string; activityId: string; body: string; authorization: string }
  | { kind: 'member'; conversationId: string; memberId: string; authorization: string };

export interface ChannelAnswer {
  status: number;
  /** Sent as JSON; no body when undefined. */
  body?: unknown;
}

export interface ChannelService {
  /** Base URL for the activities' `serviceUrl` (ends with `/`). */
  url: string;
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/;
const MEMBERS = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/;

function route(method: string | undefined, url: string, body: string, authorization: string): ChannelCall | undefined {
  const member = method === 'GET' ? MEMBERS.exec(url) : null;
  if (member) return { kind: 'member', conversationId: decodeURIComponent(member[1]!), memberId: decodeURIComponent(member[2]!), authorization };
  const m = ACTIVITIES.exec(url);
  if (!m) return undefined;
  const conversationId = decodeURIComponent(m[1]!);
  if (method === 'POST') return { kind: 'send', conversationId, ...(m[2] ? { replyToId: decodeURIComponent(m[2]) } : {}), body, authorization };
  if (method === 'PUT' && m[2]) return { kind: 'update', conversationId, activityId: decodeURIComponent(m[2]), body, authorization };
  return undefined;
}

/** Listens on a free loopback port; `handle` answers every call the bot makes. */
export async function startChannelService(handle: (call: ChannelCall) => ChannelAnswer): Promise<ChannelService> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = route(req.method, req.url ?? '', Buffer.concat(chunks).toString('utf8'), String(req.headers.authorization ?? ''));
      const answer = call ? handle(call) : { status: 404 };
      if (answer.body === undefined) res.writeHead(answer.status);
      else res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  // Longer than the connector's idle sockets live, so the bot never writes into a socket closing under it.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
