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
import http from 'node:http';
import { ROOT, percentile, r1, r2, sleep, tmpDir } from './common.js';
import { RESET_APLIKASI_WALK, expectedReply, runLoad, type LoadChannel, type LoadResult, type WalkStep } from './load.js';
import { spawnServer, type ServerProcess } from './processes.js';
import { machineCpuSeconds, procCpuSeconds, serversCpuSeconds } from './sampling.js';
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

interface DlActivity {
  type?: string;
  text?: string;
  from?: { role?: string };
  suggestedActions?: { actions?: Array<{ title?: string }> };
}

function request(agent: http.Agent, base: URL, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: raw ? JSON.parse(raw) : undefined });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: raw });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The n-th loopback source address for conversations: 127.1.0.1 … 127.1.255.254, round and round. */
function sourceAddress(n: number): string {
  const i = (n % 65_000) + 1;
  return `127.1.${Math.floor(i / 254)}.${(i % 254) + 1}`;
}

const botText = (activities: DlActivity[]) =>
  activities
    .filter((a) => a.type === 'message' && a.from?.role === 'bot')
    .map((a) => [a.text ?? '', ...(a.suggestedActions?.actions ?? []).map((x) => `[${x.title ?? ''}]`)].join('\n'))
    .join('\n');

export interface DirectLineLoadOptions {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  walk?: WalkStep[];
  serverPids?: number[];
}

/**
 * `concurrency` web-chat users, each walking the procedure in a fresh conversation again and again.
 * A turn is the POST of the user's message plus the GET that shows the bot's replies; the token,
 * the conversation start and the welcome are not counted as turns (but their cost is in the CPU).
 */
export async function runDirectLineLoad(o: DirectLineLoadOptions): Promise<LoadResult> {
  const walk = o.walk ?? RESET_APLIKASI_WALK;
  const base = new URL(o.baseUrl);
  const latencies: number[] = [];
  let turns = 0;
  let completed = 0;
  let errors = 0;
  let unexpected = 0;
  let replies = 0;
  let firstProblem: string | undefined;
  let measuring = false;
  let stopped = false;
  let conversations = 0;

  const worker = async () => {
    while (!stopped) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: sourceAddress(conversations++) });
      try {
        const g = await request(agent, base, 'POST', '/v3/directline/tokens/generate');
        const token0 = (g.json as { token?: string })?.token;
        if (g.status !== 200 || !token0) throw new Error(`token: HTTP ${g.status} ${JSON.stringify(g.json).slice(0, 120)}`);
        const c = await request(agent, base, 'POST', '/v3/directline/conversations', token0, { locale: 'id-ID' });
        const { conversationId, token } = (c.json ?? {}) as { conversationId?: string; token?: string };
        if (c.status !== 201 || !conversationId || !token) throw new Error(`conversation: HTTP ${c.status}`);
        const activitiesPath = (wm: string) => `/v3/directline/conversations/${conversationId}/activities?watermark=${wm}`;
        // The welcome first, as a user sees it (a message sent before it would race the join turn).
        let watermark = '';
        const welcomeBy = Date.now() + 20_000;
        let welcomed = false;
        while (!stopped) {
          const p = await request(agent, base, 'GET', activitiesPath(watermark), token);
          const page = p.json as { activities?: DlActivity[]; watermark?: string };
          watermark = page?.watermark ?? watermark;
          if (botText(page?.activities ?? [])) {
            welcomed = true;
            break;
          }
          if (Date.now() > welcomeBy) throw new Error('no welcome within 20 s');
          await sleep(10);
        }
        if (!welcomed) continue; // stopped while waiting
        for (let i = 0; i < walk.length && !stopped; i++) {
          const step = walk[i]!;
          const startedInWindow = measuring;
          const t0 = performance.now();
          const posted = await request(agent, base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, token, {
            type: 'message',
            text: step.text,
            locale: 'id-ID',
          });
          if (posted.status !== 200) {
            if (measuring) errors += 1;
            firstProblem ??= `HTTP ${posted.status} posting step ${i + 1}: ${JSON.stringify(posted.json).slice(0, 200)}`;
            break;
          }
          const p = await request(agent, base, 'GET', activitiesPath(watermark), token);
          const page = p.json as { activities?: DlActivity[]; watermark?: string };
          const ms = performance.now() - t0;
          watermark = page?.watermark ?? watermark;
          const text = botText(page?.activities ?? []);
          const good = p.status === 200 && text.length > 0 && expectedReply('bot', step, i).test(text);
          if (!good) firstProblem ??= `step ${i + 1} (${JSON.stringify(step.text)}): HTTP ${p.status}, reply ${JSON.stringify(text.slice(0, 200))}`;
          if (measuring) {
            turns += 1;
            replies += (page?.activities ?? []).filter((a) => a.from?.role === 'bot').length;
            if (startedInWindow) latencies.push(ms);
            if (!good) unexpected += 1;
            if (good && i === walk.length - 1) completed += 1;
          }
          if (!good) break;
        }
      } catch (err) {
        if (measuring) errors += 1;
        firstProblem ??= `transport or protocol error: ${(err as Error).message}`;
        await sleep(10);
      } finally {
        agent.destroy();
      }
    }
  };

  const workers = Array.from({ length: o.concurrency }, () => worker());
  await sleep(o.warmupMs);
  measuring = true;
  const cpu0 = process.cpuUsage();
  const srv0 = serversCpuSeconds(o);
  const mach0 = machineCpuSeconds();
  const w0 = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  await sleep(o.durationMs);
  measuring = false;
  const windowMs = performance.now() - t0;
  const w1 = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(cpu0);
  const srv1 = serversCpuSeconds(o);
  const mach1 = machineCpuSeconds();
  stopped = true;
  await Promise.all(workers);

  latencies.sort((a, b) => a - b);
  const result: LoadResult = {
    kind: 'bot',
    concurrency: o.concurrency,
    durationS: r2(windowMs / 1000),
    turns,
    turnsPerSec: r1(turns / (windowMs / 1000)),
    conversationsCompleted: completed,
    p50Ms: r2(percentile(latencies, 50)),
    p90Ms: r2(percentile(latencies, 90)),
    p99Ms: r2(percentile(latencies, 99)),
    maxMs: r2(percentile(latencies, 100)),
    errors,
    unexpected,
    activitiesPerTurn: turns ? r2(replies / turns) : 0,
    slowest: [],
    clientCpuPct: Math.round(((cpu.user + cpu.system) / 1000 / windowMs) * 100),
    windowUs: [w0, w1],
  };
  if (srv0 !== undefined && srv1 !== undefined) {
    result.serverCpuPct = Math.round(((srv1 - srv0) / (windowMs / 1000)) * 100);
    if (turns) result.serverCpuMsPerTurn = r2(((srv1 - srv0) * 1000) / turns);
    if (mach0 && mach1)
      result.othersCpuPct = Math.max(0, Math.round(((mach1.busy - mach0.busy - (srv1 - srv0) - (cpu.user + cpu.system) / 1e6) / (windowMs / 1000)) * 100));
  }
  if (firstProblem) result.firstProblem = firstProblem;
  return result;
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
