/**
 * A small round-robin HTTP proxy for the scale-out bench (bench/lib.ts, `runScaleOut`): every request
 * goes to the next target in turn (per request, not per connection, so consecutive turns of one
 * conversation land on different instances — the hard case for shared state).
 *
 * Transparent on loopback: it adds no forwarding headers and connects to the target from the
 * client's own address (any 127.x.y.z can be bound on Linux), so the bot sees the client as the TCP
 * peer, as behind an L4 balancer that keeps source addresses (the bot's per-source limits count the
 * TCP peer, never X-Forwarded-For). Keep-alive both ways.
 *
 *   node --import tsx bench/proxy.ts <port> <target URL> [<target URL> …]    prints "listening <port>"
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface Proxy {
  url: string;
  /** Requests forwarded per target. */
  counts: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: string[], port = 0): Promise<Proxy> {
  if (!targets.length) throw new Error('proxy: no targets');
  const upstreams = targets.map((t) => new URL(t));
  const counts = upstreams.map(() => 0);
  // One keep-alive agent per (target, client address): a connection is bound to its local address.
  // Least recently used first in the Map; beyond MAX_AGENTS the oldest (long idle) is closed.
  const MAX_AGENTS = 1024;
  const agents = new Map<string, http.Agent>();
  const agentFor = (i: number, from: string) => {
    const key = `${i} ${from}`;
    let a = agents.get(key);
    if (a) agents.delete(key);
    else a = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
    agents.set(key, a);
    if (agents.size > MAX_AGENTS) {
      const [oldKey, old] = agents.entries().next().value as [string, http.Agent];
      agents.delete(oldKey);
      old.destroy();
    }
    return a;
  };
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next;
    next = (next + 1) % upstreams.length;
    counts[i]! += 1;
    const target = upstreams[i]!;
    const remote = req.socket.remoteAddress ?? '';
    const from = /^(::ffff:)?127\./.test(remote) ? remote.replace(/^::ffff:/, '') : undefined;
    const headers = { ...req.headers, host: target.host };
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers,
        agent: agentFor(i, from ?? ''),
        ...(from ? { localAddress: from } : {}),
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `proxy: ${err.message}` }));
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise((r) => {
        for (const a of agents.values()) a.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // No flags: a flag-like argument is a mistake, not a target (parseArgs rejects it).
  const [portArg, ...targets] = parseArgs({ allowPositionals: true, options: {} }).positionals;
  startRoundRobinProxy(targets, Number(portArg ?? 0)).then(
    (p) => {
      process.stdout.write(`listening ${new URL(p.url).port}\n`);
      const stop = () => void p.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`proxy failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
