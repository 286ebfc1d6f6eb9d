/**
 * Scale-out section of `npm run bench` (issue 21, item 5): the bot on Redis, one instance and then two
 * instances behind a round-robin proxy on loopback (bench/proxy.ts, its own process), same load, same
 * proxy in both cases so only the second instance differs. Two paths:
 *
 *  - `api/messages`: the reset-aplikasi walk POSTed to /api/messages (like the end-to-end table); each
 *    turn of a conversation goes to the other instance, so the conversation state moves through Redis.
 *  - `directline`: the same walk as a web-chat user through the built-in Direct Line — a token, a
 *    conversation, the welcome, then per turn a POST of the message and one GET of the activities
 *    after the watermark (the POST returns once the bot answered, so the replies are there). With two
 *    instances the POST and the GET go to different instances. Each conversation comes from its own
 *    loopback source address (the token route allows 30 conversations a minute per address).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { ROOT, r2, tmpDir } from './common.js';
import { runLoad, type LoadChannel, type LoadResult } from './load.js';
import { runDirectLineLoad } from './directline-load.js';
import { spawnServer, type ServerProcess } from './processes.js';
import { procCpuSeconds } from './sampling.js';
import { Redis } from 'ioredis';
import { startRedis } from '../tests/helpers/redis-server.js';

export type ScaleOutPath = 'api/messages' | 'directline';

/** CPU of the rest of the stack over a load point (warm-up included), in % of one core. */
export interface StackCpu {
  proxyPct?: number;
  redisPct?: number;
  /** Everything else on the machine (other work, not this bench): the interference. */
  foreignPct?: number;
}

export interface ScaleOutRow {
  path: ScaleOutPath;
  concurrency: number;
  one: LoadResult & { stack?: StackCpu };
  two: LoadResult & { stack?: StackCpu };
  /** two instances' turns/s ÷ one instance's. */
  ratio: number;
}

export interface ScaleOutResult {
  storage: 'redis';
  proxy: string;
  rows: ScaleOutRow[];
  notes: string[];
}

export interface ScaleOutOptions {
  channel: LoadChannel;
  concurrencies: number[];
  durationMs: number;
  warmupMs: number;
  paths?: ScaleOutPath[];
  log?: (line: string) => void;
}

interface ProxyProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** bench/proxy.ts in its own process (so it does not share the load client's event loop). */
async function spawnProxy(targets: string[]): Promise<ProxyProcess> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/proxy.ts', '0', ...targets], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`proxy exited (${code}): ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Redis, two bot instances on it, a one-target and a two-target proxy; every path × concurrency. */
export async function runScaleOut(o: ScaleOutOptions): Promise<ScaleOutResult> {
  const log = o.log ?? (() => undefined);
  const notes: string[] = [];
  const paths = o.paths ?? ['api/messages', 'directline'];
  const redis = await startRedis();
  const prefix = `bench-scale-${Date.now()}:`;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  const proxies: ProxyProcess[] = [];
  let redisInfo: Redis | undefined;
  try {
    log('scale-out: starting two bot instances on one Redis and the proxies …');
    for (const _ of [0, 1]) {
      const dataDir = tmpDir('bench-scale-');
      dirs.push(dataDir);
      servers.push(await spawnServer({ kind: 'bot', storage: 'redis', dataDir, redisUrl: redis.url, redisPrefix: prefix }));
    }
    const [a, b] = servers as [ServerProcess, ServerProcess];
    redisInfo = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    const one = await spawnProxy([a.url]);
    proxies.push(one);
    const two = await spawnProxy([a.url, b.url]);
    proxies.push(two);
    // Both instances warm (JIT, connections) before anything is measured: otherwise the second one
    // would start cold in the first two-instance point.
    log('scale-out: warming both instances up …');
    await Promise.all(
      servers.map((s) =>
        runLoad({
          baseUrl: s.url,
          channel: o.channel,
          kind: 'bot',
          concurrency: 10,
          durationMs: 1000,
          warmupMs: 1500,
          runId: `scale-warm-${randomUUID().slice(0, 6)}`,
        }),
      ),
    );
    const rows: ScaleOutRow[] = [];
    for (const path of paths) {
      for (const [ci, concurrency] of o.concurrencies.entries()) {
        const pair: Partial<Record<'one' | 'two', LoadResult & { stack?: StackCpu }>> = {};
        for (const [which, proxy, pids] of [
          ['one', one, [a.pid]],
          ['two', two, [a.pid, b.pid]],
        ] as const) {
          log(
            `scale-out: ${path.padEnd(12)} ${which === 'one' ? '1 instance ' : '2 instances'} ${String(concurrency).padStart(3)} conversations, ${o.durationMs / 1000} s …`,
          );
          const warmupMs = o.warmupMs + (ci === 0 ? 1000 : 0);
          const before = await stackCpuSeconds(proxy, redisInfo);
          const t0 = performance.now();
          const res: LoadResult & { stack?: StackCpu } =
            path === 'api/messages'
              ? await runLoad({
                  baseUrl: proxy.url,
                  channel: o.channel,
                  kind: 'bot',
                  concurrency,
                  durationMs: o.durationMs,
                  warmupMs,
                  runId: `scale-${which}-${concurrency}-${randomUUID().slice(0, 6)}`,
                  serverPids: [...pids],
                })
              : await runDirectLineLoad({ baseUrl: proxy.url, concurrency, durationMs: o.durationMs, warmupMs, serverPids: [...pids] });
          const after = await stackCpuSeconds(proxy, redisInfo);
          const wallS = (performance.now() - t0) / 1000;
          const pct = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : Math.round(((b - a) / wallS) * 100));
          const stack: StackCpu = { proxyPct: pct(before.proxy, after.proxy), redisPct: pct(before.redis, after.redis) };
          if (res.othersCpuPct !== undefined) stack.foreignPct = Math.max(0, res.othersCpuPct - (stack.proxyPct ?? 0) - (stack.redisPct ?? 0));
          res.stack = stack;
          log(
            `      ${res.turnsPerSec} turns/s, p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms, ${res.serverCpuMsPerTurn ?? '-'} ms CPU/turn (all instances)` +
              (res.errors || res.unexpected ? `, ${res.errors} errors, ${res.unexpected} unexpected (${res.firstProblem})` : ''),
          );
          if (res.errors || res.unexpected)
            notes.push(`scale-out ${path} ${which} ×${concurrency}: ${res.errors} errors, ${res.unexpected} unexpected — first: ${res.firstProblem}`);
          pair[which] = res;
        }
        rows.push({
          path,
          concurrency,
          one: pair.one!,
          two: pair.two!,
          ratio: pair.one!.turnsPerSec > 0 ? r2(pair.two!.turnsPerSec / pair.one!.turnsPerSec) : 0,
        });
      }
    }
    return { storage: 'redis', proxy: 'bench/proxy.ts (round robin per request, own process, keep-alive, source address kept)', rows, notes };
  } finally {
    redisInfo?.disconnect();
    for (const p of proxies) await p.stop();
    for (const s of servers) await s.stop();
    await redis.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** CPU seconds so far of the proxy process (/proc) and of Redis (INFO cpu: used_cpu_user + used_cpu_sys). */
async function stackCpuSeconds(proxy: ProxyProcess, redis: Redis | undefined): Promise<{ proxy?: number; redis?: number }> {
  const out: { proxy?: number; redis?: number } = {};
  const p = proxy.child.pid ? procCpuSeconds(proxy.child.pid) : undefined;
  if (p !== undefined) out.proxy = p;
  try {
    const info = (await redis?.info('cpu')) ?? '';
    const user = /used_cpu_user:([\d.]+)/.exec(info);
    const sys = /used_cpu_sys:([\d.]+)/.exec(info);
    if (user && sys) out.redis = Number(user[1]) + Number(sys[1]);
  } catch {
    // not measured
  }
  return out;
}
