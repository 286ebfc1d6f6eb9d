/**
 * The pieces of `npm run bench` (bench/run.ts), exported so tests/bench.smoke.test.ts can run them
 * with tiny numbers:
 *  - matcher micro-benchmark (index build, classification latency over the dev set);
 *  - a load channel (the Bot Framework channel service the bots reply to) and a keep-alive load
 *    client that walks the reset-aplikasi procedure through POST /api/messages;
 *  - spawning the bot / the echo baseline as child processes, cold start, RSS and CPU sampling;
 *  - the orchestrator `runBench`, the markdown report and the JSON writer;
 *  - `profileBot` + `summariseCpuProfile` (node --cpu-prof of the bot under load).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/catalog/load.js';
import { loadCore } from '../src/core.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { slip } from '../src/nlu/slips.js';
import { seededRandom } from '../src/nlu/softmax.js';
import { freePort, startRedis, type RedisHandle } from '../tests/helpers/redis-server.js';
import { runScaleOut, type ScaleOutResult } from './scale-out.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- small helpers

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  platform: string;
  kernel: string;
  node: string;
  date: string;
  hostname: string;
  /** 1/5/15-minute load averages when the run started (other work on the machine skews the numbers). */
  loadavgAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGb: r1(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    date: new Date().toISOString(),
    hostname: os.hostname(),
    loadavgAtStart: os.loadavg().map(r2),
  };
}

// ---------------------------------------------------------------- matcher

export interface MatcherBenchOptions {
  intentsDir?: string;
  devset?: string;
  /** Index builds to time (`new Matcher(catalog)`); the median is reported. */
  builds?: number;
  /** Full `loadCore` runs to time (YAML + validation + index + engine + answers). */
  coreLoads?: number;
  /** Unmeasured passes over the dev set first (JIT warm-up). */
  warmupPasses?: number;
  /** Measured passes over the dev set. */
  passes?: number;
  /** Stop after this many measured classifications (overrides passes when smaller). */
  maxClassifications?: number;
}

export interface MatcherBenchResult {
  intents: number;
  examples: number;
  devsetLines: number;
  builds: number;
  /** Training the intent model at start-up (median). */
  buildMsMedian: number;
  buildMsAll: number[];
  /** Training on five times as many examples. */
  train5xMs: number;
  loadCoreMsMedian: number;
  loadCoreMsAll: number[];
  classifications: number;
  classificationsPerSec: number;
  p50Us: number;
  p99Us: number;
  maxMs: number;
  meanUs: number;
  /** Same percentiles on process CPU time per classification (robust to other load on the machine). */
  cpuP50Us: number;
  cpuP99Us: number;
}

export function readDevset(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { text: string }).text));
}

export function runMatcherBench(options: MatcherBenchOptions = {}): MatcherBenchResult {
  const intentsDir = options.intentsDir ?? path.join(ROOT, 'intents');
  const devset = readDevset(options.devset ?? path.join(ROOT, 'tests/data/dev-v1.jsonl'));
  const catalog = loadCatalog(intentsDir);
  const builds = Math.max(1, options.builds ?? 5);
  const buildMsAll: number[] = [];
  let matcher!: IntentClassifier;
  for (let i = 0; i < builds; i++) {
    const t0 = performance.now();
    matcher = new IntentClassifier(catalog);
    buildMsAll.push(performance.now() - t0);
  }
  // Five times as many examples (each with four slipped copies): training must stay under 5 s.
  const rand = seededRandom(11);
  const bigger = { ...catalog, intents: new Map([...catalog.intents].map(([id, intent]) => [id, { ...intent, examples: intent.examples.flatMap((e) => [e, slip(e, rand), slip(e, rand), slip(e, rand, 2), slip(e, rand, 2)]) }])) };
  const t5 = performance.now();
  new IntentClassifier(bigger);
  const train5xMs = performance.now() - t5;
  const loadCoreMsAll: number[] = [];
  for (let i = 0; i < Math.max(0, options.coreLoads ?? 3); i++) {
    const t0 = performance.now();
    loadCore(intentsDir);
    loadCoreMsAll.push(performance.now() - t0);
  }

  for (let p = 0; p < (options.warmupPasses ?? 2); p++) for (const t of devset) matcher.classify(t);

  const limit = options.maxClassifications ?? Number.POSITIVE_INFINITY;
  const passes = Math.max(1, options.passes ?? 20);
  const lat: number[] = [];
  const wall0 = performance.now();
  outer: for (let p = 0; p < passes; p++) {
    for (const t of devset) {
      if (lat.length >= limit) break outer;
      const t0 = performance.now();
      matcher.classify(t);
      lat.push(performance.now() - t0);
    }
  }
  const wall = performance.now() - wall0;
  lat.sort((a, b) => a - b);
  // A second, shorter pass timed on CPU time (getrusage; ~1 µs overhead per call).
  const cpuLat: number[] = [];
  outer2: for (let p = 0; p < passes; p++) {
    for (const t of devset) {
      if (cpuLat.length >= Math.min(limit, lat.length)) break outer2;
      const c0 = process.cpuUsage();
      matcher.classify(t);
      const c = process.cpuUsage(c0);
      cpuLat.push(c.user + c.system);
    }
  }
  cpuLat.sort((a, b) => a - b);
  const examples = [...catalog.intents.values()].reduce((n, i) => n + i.examples.length, 0);
  return {
    intents: catalog.intents.size,
    examples,
    devsetLines: devset.length,
    builds,
    buildMsMedian: r2(median(buildMsAll)),
    train5xMs: r2(train5xMs),
    buildMsAll: buildMsAll.map(r2),
    loadCoreMsMedian: r2(median(loadCoreMsAll)),
    loadCoreMsAll: loadCoreMsAll.map(r2),
    classifications: lat.length,
    classificationsPerSec: Math.round(lat.length / (wall / 1000)),
    p50Us: r1(percentile(lat, 50) * 1000),
    p99Us: r1(percentile(lat, 99) * 1000),
    maxMs: r3(percentile(lat, 100)),
    meanUs: r1((lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length)) * 1000),
    cpuP50Us: percentile(cpuLat, 50),
    cpuP99Us: percentile(cpuLat, 99),
  };
}

// ---------------------------------------------------------------- load channel

export interface LoadChannel {
  /** serviceUrl for the activities (ends with `/`). */
  url: string;
  /** Reply texts (text + suggested-action titles) received for a conversation since the last take. */
  take(conversationId: string): string[];
  /** Reply POSTs received in total. */
  readonly received: number;
  close(): Promise<void>;
}

/**
 * A minimal Bot Framework channel service: accepts `POST /v3/conversations/{id}/activities[/{replyToId}]`
 * and keeps, per conversation, the reply texts until the load client takes them (bounded memory).
 */
export async function startLoadChannel(): Promise<LoadChannel> {
  const pending = new Map<string, string[]>();
  let received = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = req.method === 'POST' ? req.url?.match(/^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/?]+)?/) : null;
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      received += 1;
      try {
        const a = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
          type?: string;
          text?: string;
          suggestedActions?: { actions?: Array<{ title?: string }> };
        };
        if (a.type === 'message') {
          const conv = decodeURIComponent(m[1]!);
          const text = [a.text ?? '', ...(a.suggestedActions?.actions ?? []).map((x) => `[${x.title ?? ''}]`)].join('\n');
          const list = pending.get(conv);
          if (list) list.push(text);
          else pending.set(conv, [text]);
        }
      } catch {
        /* counted; not a message we can check */
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"${randomUUID()}"}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    take(conversationId) {
      const list = pending.get(conversationId) ?? [];
      pending.delete(conversationId);
      return list;
    },
    get received() {
      return received;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------- the walk

export interface WalkStep {
  text: string;
  /** What the reply of the helpdesk bot must contain. */
  expect: RegExp;
}

/** The reset-aplikasi procedure (intents/reset-aplikasi.yaml), 5 turns, ending declined. */
export const RESET_APLIKASI_WALK: WalkStep[] = [
  { text: 'status efaktur belum registrasi', expect: /Belum Registrasi[\s\S]*\[Database rusak \/ kena virus\]/ },
  { text: '1', expect: /Cara reset aplikasi client[\s\S]*Apakah masalahnya sudah teratasi\?/ },
  { text: 'belum', expect: /Reset Aplikasi Client[\s\S]*16 digit[\s\S]*Apakah masalahnya sudah teratasi\?/ },
  { text: 'belum', expect: /ingin dihubungkan dengan petugas helpdesk\?[\s\S]*\[Tidak, terima kasih\]/ },
  { text: 'tidak', expect: /^Baik\. Anda dapat memilih topik lain/ },
];

export type ServerKind = 'bot' | 'echo';

/** What the reply to step `i` (0-based) must look like for this server. */
export function expectedReply(kind: ServerKind, step: WalkStep, i: number): RegExp {
  if (kind === 'bot') return step.expect;
  const esc = step.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^#${i + 1} ${esc}(\\n#${i + 1} ${esc})*$`);
}

// ---------------------------------------------------------------- load client

export interface LoadOptions {
  baseUrl: string;
  channel: LoadChannel;
  kind: ServerKind;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  walk?: WalkStep[];
  /** Prefix of the conversation ids (unique per run). */
  runId?: string;
  /** Process whose CPU time is measured over the window (the server). */
  serverPid?: number;
  /** Several server processes (scale-out): their CPU times are added up. */
  serverPids?: number[];
  /** Sample /proc/<serverPid>/status every 200 ms during the whole run (warm-up included). */
  sampleRss?: boolean;
}

export interface LoadResult {
  kind: ServerKind;
  concurrency: number;
  durationS: number;
  turns: number;
  turnsPerSec: number;
  conversationsCompleted: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Non-200 answers or transport errors (not counted as turns). */
  errors: number;
  /** Turns whose replies were missing or did not match the step (counted as turns). */
  unexpected: number;
  firstProblem?: string;
  /** Reply activities the channel received per counted turn (window). */
  activitiesPerTurn: number;
  /** The slowest turns: latency, walk step (1-based), start (ms after the window opened). */
  slowest: Array<{ ms: number; step: number; atMs: number }>;
  /** Server CPU over the window, in % of one core. */
  serverCpuPct?: number;
  /** Server CPU time per counted turn (ms): the cost of a turn, much less sensitive to other load than turns/s. */
  serverCpuMsPerTurn?: number;
  /** Load client + channel (this process) CPU over the window, in % of one core. */
  clientCpuPct: number;
  /** CPU used by every other process on the machine over the window, in % of one core (interference). */
  othersCpuPct?: number;
  /** The measurement window on the monotonic clock (µs, same clock as V8 CPU profiles). */
  windowUs: [number, number];
  rss?: RssSample;
}

export interface RssSample {
  /** Largest VmRSS seen while sampling (MB). */
  peakRssMb: number;
  /** VmHWM (the kernel's peak RSS since process start) at the end (MB). */
  hwmMb: number;
  samples: number;
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = s.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat; undefined off Linux. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime = field 14, stime = field 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU seconds of the server process(es) under load, added up; undefined off Linux. */
export function serversCpuSeconds(o: Pick<LoadOptions, 'serverPid' | 'serverPids'>): number | undefined {
  const pids = [...(o.serverPid ? [o.serverPid] : []), ...(o.serverPids ?? [])];
  if (!pids.length) return undefined;
  let sum = 0;
  for (const pid of pids) {
    const s = procCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}

export function startRssSampler(pid: number, everyMs = 200): { stop(): RssSample } {
  let peak = 0;
  let samples = 0;
  const sample = () => {
    const kb = procStatusKb(pid, 'VmRSS');
    if (kb !== undefined) {
      samples += 1;
      peak = Math.max(peak, kb);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssMb: r1(peak / 1024), hwmMb: r1((procStatusKb(pid, 'VmHWM') ?? 0) / 1024), samples };
    },
  };
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` workers, each walking the procedure again and again with a fresh conversation id,
 * one turn at a time (a turn is done when the bot answered the POST; by then its replies reached the
 * channel). Throughput counts the turns completed inside the window (`durationMs`, after the warm-up);
 * latency percentiles use the turns that both started and completed inside it.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const walk = o.walk ?? RESET_APLIKASI_WALK;
  const runId = o.runId ?? randomUUID().slice(0, 8);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency, keepAliveMsecs: 10_000 });
  const target = new URL('/api/messages', o.baseUrl);
  const latencies: number[] = [];
  const slow: Array<{ ms: number; step: number; atMs: number }> = [];
  let windowStart = 0;
  let turns = 0;
  let completed = 0;
  let errors = 0;
  let unexpected = 0;
  let firstProblem: string | undefined;
  let measuring = false;
  let stopped = false;
  const sampler = o.sampleRss && o.serverPid ? startRssSampler(o.serverPid) : undefined;

  const worker = async (w: number) => {
    for (let n = 0; !stopped; n++) {
      const conv = `bench-${runId}-${w}-${n}`;
      const user = `user-${runId}-${w}-${n}`;
      let ok = true;
      for (let i = 0; i < walk.length && !stopped && ok; i++) {
        const step = walk[i]!;
        const activity = {
          type: 'message',
          id: `act-${i + 1}-${n}`,
          channelId: 'webchat',
          serviceUrl: o.channel.url,
          from: { id: user, name: 'Pengguna Bench', role: 'user' },
          recipient: { id: 'bot', name: 'Asisten e-Faktur', role: 'bot' },
          conversation: { id: conv },
          timestamp: new Date().toISOString(),
          locale: 'id-ID',
          text: step.text,
        };
        const startedInWindow = measuring;
        const t0 = performance.now();
        try {
          const res = await post(agent, target, JSON.stringify(activity));
          const ms = performance.now() - t0;
          if (res.status !== 200) {
            ok = false;
            if (measuring) errors += 1;
            firstProblem ??= `HTTP ${res.status} at step ${i + 1}: ${res.body.slice(0, 200)}`;
            continue;
          }
          const replies = o.channel.take(conv).join('\n');
          const good = replies.length > 0 && expectedReply(o.kind, step, i).test(replies);
          if (!good) {
            ok = false;
            firstProblem ??= `step ${i + 1} (${JSON.stringify(step.text)}): unexpected reply ${JSON.stringify(replies.slice(0, 200))}`;
          }
          if (measuring) {
            turns += 1;
            // latency: only turns that started inside the window (not the warm-up's first burst)
            if (startedInWindow) {
              latencies.push(ms);
              if (slow.length < 5 || ms > slow[slow.length - 1]!.ms) {
                slow.push({ ms: r1(ms), step: i + 1, atMs: Math.round(t0 - windowStart) });
                slow.sort((a, b) => b.ms - a.ms);
                if (slow.length > 5) slow.pop();
              }
            }
            if (!good) unexpected += 1;
            if (good && i === walk.length - 1) completed += 1;
          }
        } catch (err) {
          ok = false;
          if (measuring) errors += 1;
          firstProblem ??= `transport error at step ${i + 1}: ${(err as Error).message}`;
          await sleep(10);
        }
      }
      o.channel.take(conv);
    }
  };

  const workers = Array.from({ length: o.concurrency }, (_, w) => worker(w));
  await sleep(o.warmupMs);
  measuring = true;
  const cpu0 = process.cpuUsage();
  const srv0 = serversCpuSeconds(o);
  const mach0 = machineCpuSeconds();
  const w0 = Number(process.hrtime.bigint() / 1000n);
  const received0 = o.channel.received;
  const t0 = performance.now();
  windowStart = t0;
  await sleep(o.durationMs);
  measuring = false;
  const windowMs = performance.now() - t0;
  const w1 = Number(process.hrtime.bigint() / 1000n);
  const received1 = o.channel.received;
  const cpu = process.cpuUsage(cpu0);
  const srv1 = serversCpuSeconds(o);
  const mach1 = machineCpuSeconds();
  stopped = true;
  await Promise.all(workers);
  const rss = sampler?.stop();
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const result: LoadResult = {
    kind: o.kind,
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
    activitiesPerTurn: turns ? r2((received1 - received0) / turns) : 0,
    slowest: slow,
    clientCpuPct: Math.round(((cpu.user + cpu.system) / 1000 / windowMs) * 100),
    windowUs: [w0, w1],
  };
  if (srv0 !== undefined && srv1 !== undefined) {
    result.serverCpuPct = Math.round(((srv1 - srv0) / (windowMs / 1000)) * 100);
    if (turns) result.serverCpuMsPerTurn = r2(((srv1 - srv0) * 1000) / turns);
  }
  if (srv0 !== undefined && srv1 !== undefined && mach0 && mach1) {
    const others = mach1.busy - mach0.busy - (srv1 - srv0) - (cpu.user + cpu.system) / 1e6;
    result.othersCpuPct = Math.max(0, Math.round((others / (windowMs / 1000)) * 100));
  }
  if (firstProblem) result.firstProblem = firstProblem;
  if (rss) result.rss = rss;
  return result;
}

// ---------------------------------------------------------------- child processes

export type Entry = 'tsx' | 'dist';

export interface ServerProcess {
  kind: ServerKind;
  entry: Entry;
  command: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Spawn until /readyz answered 200 (ms). */
  readyMs: number;
  /** CPU time the process had used when /readyz first answered 200 (ms; /proc, 10 ms resolution). */
  readyCpuMs?: number;
  output(): string;
  /** SIGTERM (graceful), SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const children = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
}

export function commandFor(kind: ServerKind, entry: Entry): string[] {
  if (kind === 'echo') return ['--import', 'tsx', 'bench/echo-bot.ts'];
  return entry === 'dist' ? ['dist/src/index.js'] : ['--import', 'tsx', 'src/index.ts'];
}

export interface SpawnOptions {
  kind: ServerKind;
  entry?: Entry;
  storage: 'memory' | 'sqlite' | 'redis';
  dataDir: string;
  redisUrl?: string;
  redisPrefix?: string;
  /** Extra node flags before the entry (e.g. --cpu-prof). */
  nodeFlags?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** /readyz poll interval (ms). */
  pollMs?: number;
}

/**
 * The bot's rate limit is set to its maximum (RATE_LIMIT_MESSAGES accepts 1..10000): the load uses a
 * fresh conversation (and user) every 5 turns, so no conversation comes close to it anyway.
 */
export const BOT_RATE_LIMIT = '10000';

async function readyOnce(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/readyz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

export async function spawnServer(o: SpawnOptions): Promise<ServerProcess> {
  const entry = o.entry ?? 'tsx';
  const port = await freePort();
  const args = [...(o.nodeFlags ?? []), ...commandFor(o.kind, entry)];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    STORAGE: o.storage,
    DATA_DIR: o.dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MESSAGES: BOT_RATE_LIMIT,
    // anonymous local mode, whatever the caller's environment says
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    ...(o.redisPrefix ? { REDIS_PREFIX: o.redisPrefix } : {}),
    ...(o.env ?? {}),
  };
  delete env.NODE_OPTIONS; // vitest / tsx of the parent must not leak into the child
  let out = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
  let readyMs: number;
  let readyCpuMs: number | undefined;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${o.kind} (${args.join(' ')}) exited during start-up (code ${child.exitCode}):\n${out}`);
    }
    if (await readyOnce(url)) {
      readyMs = performance.now() - t0;
      const cpu = procCpuSeconds(child.pid!);
      if (cpu !== undefined) readyCpuMs = Math.round(cpu * 1000);
      break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.kind} (${args.join(' ')}) did not become ready:\n${out}`);
    }
    await sleep(o.pollMs ?? 10);
  }
  return {
    kind: o.kind,
    entry,
    command: `node ${args.join(' ')}`,
    url,
    pid: child.pid!,
    child,
    readyMs: r1(readyMs),
    ...(readyCpuMs !== undefined ? { readyCpuMs } : {}),
    output: () => out,
    stop: (graceMs = 15_000) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ColdStartResult {
  entry: Entry;
  command: string;
  runs: number[];
  medianMs: number;
  /** CPU time used by the process until ready, per run (less sensitive to other load on the machine). */
  cpuRuns: number[];
  cpuMedianMs: number;
}

/** Spawn → /readyz 200 with STORAGE=sqlite (the default) and a fresh DATA_DIR, `runs` times. */
export async function measureColdStart(entry: Entry, runs: number): Promise<ColdStartResult> {
  const times: number[] = [];
  const cpu: number[] = [];
  let command = '';
  for (let i = 0; i < runs; i++) {
    const dir = tmpDir('bench-cold-');
    try {
      const s = await spawnServer({ kind: 'bot', entry, storage: 'sqlite', dataDir: dir, pollMs: 5 });
      times.push(s.readyMs);
      if (s.readyCpuMs !== undefined) cpu.push(s.readyCpuMs);
      command = s.command;
      await s.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { entry, command, runs: times, medianMs: r1(median(times)), cpuRuns: cpu, cpuMedianMs: Math.round(median(cpu)) };
}

// ---------------------------------------------------------------- build

export interface BuildResult {
  ran: boolean;
  reason: string;
  ms?: number;
  exitCode?: number | null;
  output?: string;
}

function newestMtime(dir: string, test: (f: string) => boolean): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, test));
    else if (test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

export const DIST_ENTRY = path.join(ROOT, 'dist/src/index.js');

/** Runs `tsc -p tsconfig.build.json` when dist/src/index.js is missing or older than a file in src/. */
export function ensureBuilt(force = false): BuildResult {
  let reason = 'up to date';
  if (force) reason = 'forced';
  else if (!fs.existsSync(DIST_ENTRY)) reason = 'dist/src/index.js missing';
  else {
    const src = Math.max(
      newestMtime(path.join(ROOT, 'src'), (f) => f.endsWith('.ts')),
      fs.statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs,
      fs.statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs,
    );
    if (src > fs.statSync(DIST_ENTRY).mtimeMs) reason = 'src/ newer than dist/';
    else return { ran: false, reason };
  }
  const t0 = performance.now();
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  return {
    ran: true,
    reason,
    ms: Math.round(performance.now() - t0),
    exitCode: res.status,
    output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().slice(0, 4000) || undefined,
  };
}

// ---------------------------------------------------------------- orchestration

export type StorageKind = 'memory' | 'sqlite' | 'redis';

export interface BenchOptions {
  storages: StorageKind[];
  concurrencies: number[];
  durationMs: number;
  warmupMs: number;
  /** Extra warm-up before the first concurrency of each server (JIT, connections, sqlite file). */
  firstWarmupMs: number;
  matcher: MatcherBenchOptions;
  coldStartRuns: number;
  /** Build dist/ when missing or stale (tsc -p tsconfig.build.json). */
  build: boolean;
  /** Measure the built entry (dist/src/index.js) too when it exists. */
  dist: boolean;
  /** Entry of the bot under load. */
  loadEntry: Entry;
  /** Scale-out section (bench/scale-out.ts): 1 vs 2 instances on Redis behind a round-robin proxy; runs when redis is among the storages. */
  scaleOut: boolean;
  /** Its load points (default: the concurrencies above 1). */
  scaleOutConcurrencies?: number[];
  /** Run only the scale-out section (no matcher, cold start or end-to-end table). */
  scaleOutOnly?: boolean;
  out?: string;
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  storages: ['memory', 'sqlite', 'redis'],
  concurrencies: [1, 10, 100],
  durationMs: 5000,
  warmupMs: 1000,
  firstWarmupMs: 1000,
  matcher: { builds: 5, coreLoads: 3, warmupPasses: 2, passes: 25 },
  coldStartRuns: 3,
  build: true,
  dist: true,
  loadEntry: 'tsx',
  scaleOut: true,
};

export interface E2ERow {
  storage: StorageKind;
  concurrency: number;
  bot: LoadResult;
  echo: LoadResult;
  /** bot turns/s ÷ echo turns/s. */
  ratio: number;
  /** echo CPU ms/turn ÷ bot CPU ms/turn: the throughput ratio both would reach with a core each to themselves. */
  cpuCostRatio?: number;
}

export interface Verdict {
  target: string;
  value: string;
  pass: boolean;
}

export interface BenchResults {
  schema: 1;
  machine: MachineInfo;
  options: Omit<BenchOptions, 'log' | 'out'>;
  walk: string[];
  commands: { bot: string; echo: string };
  build?: BuildResult;
  matcher: MatcherBenchResult;
  coldStart: ColdStartResult[];
  e2e: E2ERow[];
  rss: Array<{ storage: StorageKind; entry: Entry; concurrency: number; bot?: RssSample; echo?: RssSample; botLoad?: Pick<LoadResult, 'turnsPerSec' | 'p50Ms' | 'p99Ms' | 'serverCpuMsPerTurn' | 'errors' | 'unexpected'> }>;
  targets: Verdict[];
  notes: string[];
  /** 1 vs 2 instances on Redis behind a round-robin proxy (absent when not run). */
  scaleOut?: ScaleOutResult;
  totalSeconds: number;
}

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const log = opts.log ?? (() => undefined);
  const started = performance.now();
  const notes: string[] = [];
  const machine = machineInfo();

  let build: BuildResult | undefined;
  if (opts.dist && opts.build) {
    log('build: checking dist/ …');
    build = ensureBuilt();
    if (build.ran) {
      log(`build: tsc -p tsconfig.build.json (${build.reason}) took ${build.ms} ms, exit ${build.exitCode}`);
      if (build.exitCode !== 0) notes.push(`tsc -p tsconfig.build.json exited ${build.exitCode} (files were still emitted unless missing): ${(build.output ?? '').split('\n').slice(0, 5).join(' | ')}`);
    }
  }

  log('matcher: building the index and classifying the dev set …');
  const matcher = runMatcherBench(opts.scaleOutOnly ? { ...opts.matcher, builds: 1, coreLoads: 0, warmupPasses: 0, passes: 1, maxClassifications: 50 } : opts.matcher);

  const coldStart: ColdStartResult[] = [];
  if (opts.coldStartRuns > 0 && !opts.scaleOutOnly) {
    log(`cold start: node --import tsx src/index.ts × ${opts.coldStartRuns} …`);
    coldStart.push(await measureColdStart('tsx', opts.coldStartRuns));
    if (opts.dist && fs.existsSync(DIST_ENTRY)) {
      log(`cold start: node dist/src/index.js × ${opts.coldStartRuns} …`);
      coldStart.push(await measureColdStart('dist', opts.coldStartRuns));
    } else if (opts.dist) notes.push('dist/src/index.js missing: the built start-up was not measured (npm run build).');
  }

  const maxConc = Math.max(...opts.concurrencies);
  const e2e: E2ERow[] = [];
  const rss: BenchResults['rss'] = [];
  const channel = await startLoadChannel();
  let scaleOut: ScaleOutResult | undefined;
  try {
    for (const storage of opts.scaleOutOnly ? [] : opts.storages) {
      let redis: RedisHandle | undefined;
      if (storage === 'redis') {
        try {
          redis = await startRedis();
        } catch (err) {
          const note = `redis rows skipped: ${(err as Error).message}`;
          notes.push(note);
          log(`NOTE: ${note}`);
          continue;
        }
      }
      // Bot and echo run side by side (the idle one costs nothing) and each concurrency is measured
      // on the bot and then on the echo bot right away, so drifting background load hits both alike.
      const servers: Partial<Record<ServerKind, { server: ServerProcess; dataDir: string }>> = {};
      try {
        log(`e2e: starting the bot and the echo bot (${storage}) …`);
        const started = await Promise.allSettled(
          (['bot', 'echo'] as const).map(async (kind) => {
            const dataDir = tmpDir(`bench-${kind}-${storage}-`);
            try {
              const server = await spawnServer({
                kind,
                entry: opts.loadEntry,
                storage,
                dataDir,
                redisUrl: redis?.url,
                redisPrefix: `bench-${kind}-${Date.now()}:`,
              });
              servers[kind] = { server, dataDir };
            } catch (err) {
              fs.rmSync(dataDir, { recursive: true, force: true });
              throw err;
            }
          }),
        );
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        for (const [ci, concurrency] of opts.concurrencies.entries()) {
          const pair: Partial<Record<ServerKind, LoadResult>> = {};
          for (const kind of ['bot', 'echo'] as const) {
            const { server } = servers[kind]!;
            log(`e2e: ${storage.padEnd(6)} ${kind.padEnd(4)} ${String(concurrency).padStart(3)} conversations, ${opts.durationMs / 1000} s …`);
            const res = await runLoad({
              baseUrl: server.url,
              channel,
              kind,
              concurrency,
              durationMs: opts.durationMs,
              warmupMs: opts.warmupMs + (ci === 0 ? opts.firstWarmupMs : 0),
              runId: `${storage}-${kind}-${concurrency}-${randomUUID().slice(0, 6)}`,
              serverPid: server.pid,
              sampleRss: concurrency === maxConc,
            });
            log(
              `      ${res.turnsPerSec} turns/s, p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms, ${res.serverCpuMsPerTurn ?? '-'} ms CPU/turn, others ${res.othersCpuPct ?? '-'} %` +
                (res.errors || res.unexpected ? `, ${res.errors} errors, ${res.unexpected} unexpected (${res.firstProblem})` : '') +
                (res.rss ? `, peak RSS ${res.rss.peakRssMb} MB` : ''),
            );
            pair[kind] = res;
          }
          const bot = pair.bot!;
          const echo = pair.echo!;
          e2e.push({
            storage,
            concurrency,
            bot,
            echo,
            ratio: echo.turnsPerSec > 0 ? r2(bot.turnsPerSec / echo.turnsPerSec) : 0,
            ...(bot.serverCpuMsPerTurn && echo.serverCpuMsPerTurn ? { cpuCostRatio: r2(echo.serverCpuMsPerTurn / bot.serverCpuMsPerTurn) } : {}),
          });
          if (concurrency === maxConc) rss.push({ storage, entry: opts.loadEntry, concurrency, bot: bot.rss, echo: echo.rss });
        }
      } finally {
        for (const [kind, x] of Object.entries(servers)) {
          const code = await x.server.stop();
          if (code !== 0) notes.push(`${kind} (${storage}) exited with ${code} on SIGTERM: ${x.server.output().slice(-300)}`);
          fs.rmSync(x.dataDir, { recursive: true, force: true });
        }
        await redis?.stop();
      }
    }
    if (opts.scaleOut && opts.storages.includes('redis')) {
      try {
        scaleOut = await runScaleOut({
          channel,
          concurrencies: opts.scaleOutConcurrencies ?? (opts.concurrencies.filter((c) => c > 1).length ? opts.concurrencies.filter((c) => c > 1) : opts.concurrencies),
          durationMs: opts.durationMs,
          warmupMs: opts.warmupMs,
          log,
        });
        notes.push(...scaleOut.notes);
      } catch (err) {
        const note = `scale-out section skipped: ${(err as Error).message}`;
        notes.push(note);
        log(`NOTE: ${note}`);
      }
    }
    // The production start (node dist/src/index.js, sqlite): memory under the largest load.
    if (opts.dist && !opts.scaleOutOnly && opts.loadEntry !== 'dist' && opts.storages.includes('sqlite') && fs.existsSync(DIST_ENTRY)) {
      const dataDir = tmpDir('bench-bot-dist-');
      log(`e2e: sqlite bot (node dist/src/index.js) ${maxConc} conversations, ${opts.durationMs / 1000} s (memory of the production start) …`);
      let server: ServerProcess | undefined;
      try {
        server = await spawnServer({ kind: 'bot', entry: 'dist', storage: 'sqlite', dataDir });
        const res = await runLoad({
          baseUrl: server.url,
          channel,
          kind: 'bot',
          concurrency: maxConc,
          durationMs: opts.durationMs,
          warmupMs: opts.warmupMs + opts.firstWarmupMs,
          runId: `dist-${randomUUID().slice(0, 6)}`,
          serverPid: server.pid,
          sampleRss: true,
        });
        log(`      ${res.turnsPerSec} turns/s, p50 ${res.p50Ms} ms, p99 ${res.p99Ms} ms, peak RSS ${res.rss?.peakRssMb} MB`);
        const { turnsPerSec, p50Ms, p99Ms, serverCpuMsPerTurn, errors, unexpected } = res;
        rss.push({ storage: 'sqlite', entry: 'dist', concurrency: maxConc, bot: res.rss, botLoad: { turnsPerSec, p50Ms, p99Ms, serverCpuMsPerTurn, errors, unexpected } });
        if (res.errors || res.unexpected) notes.push(`bot (dist) sqlite ×${maxConc}: ${res.errors} errors, ${res.unexpected} unexpected replies — first: ${res.firstProblem}`);
      } finally {
        await server?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await channel.close();
  }

  // ---- targets
  const targets: Verdict[] = [];
  for (const row of e2e) {
    if (row.concurrency === maxConc && (row.storage === 'memory' || row.storage === 'sqlite')) {
      targets.push({ target: `bot/echo throughput ≥ 0.7 at ${maxConc} conversations (${row.storage})`, value: row.ratio.toFixed(2), pass: row.ratio >= 0.7 });
    }
  }
  targets.push({ target: 'classification p99 < 1 ms', value: `${matcher.p99Us} µs`, pass: matcher.p99Us < 1000 });
  targets.push({ target: 'model training < 1 s (today\'s catalog)', value: `${matcher.buildMsMedian} ms`, pass: matcher.buildMsMedian < 1000 });
  targets.push({ target: 'model training < 5 s (5× the examples)', value: `${matcher.train5xMs} ms`, pass: matcher.train5xMs < 5000 });
  const prodStart = coldStart.find((c) => c.entry === 'dist') ?? coldStart.find((c) => c.entry === 'tsx');
  for (const c of coldStart) {
    targets.push({
      target: `start-up < 1 s (${c.entry === 'dist' ? 'node dist/src/index.js, production' : 'node --import tsx src/index.ts, dev'})`,
      value: `${c.medianMs} ms`,
      pass: c.medianMs < 1000,
    });
  }
  if (!prodStart && !opts.scaleOutOnly) notes.push('cold start not measured');
  for (const r of rss) {
    const how = r.entry === 'dist' ? 'node dist/src/index.js, production' : 'node --import tsx src/index.ts';
    if (r.bot) targets.push({ target: `bot RSS < 200 MB under ${maxConc} conversations (${r.storage}; ${how})`, value: `${r.bot.peakRssMb} MB`, pass: r.bot.peakRssMb < 200 });
  }
  for (const row of e2e) {
    for (const res of [row.bot, row.echo]) {
      if (res.errors || res.unexpected) notes.push(`${res.kind} ${row.storage} ×${row.concurrency}: ${res.errors} errors, ${res.unexpected} unexpected replies — first: ${res.firstProblem}`);
    }
  }
  const noisy = e2e.flatMap((row) => [row.bot, row.echo]).filter((x) => (x.othersCpuPct ?? 0) > 20);
  if (noisy.length || machine.loadavgAtStart[0]! > machine.cores * 0.5) {
    const worst = Math.max(0, ...noisy.map((x) => x.othersCpuPct ?? 0));
    const during = noisy.length ? `; up to ${worst} % of a core used by others during ${noisy.length} load points` : '';
    notes.push(`Other processes were busy during this run (load average at start ${machine.loadavgAtStart[0]}${during}): absolute numbers are pessimistic and ratios noisy — rerun on a quiet machine for README numbers.`);
  }

  const { log: _l, out: _o, ...optionsForJson } = opts;
  const results: BenchResults = {
    schema: 1,
    machine,
    options: optionsForJson,
    walk: RESET_APLIKASI_WALK.map((s) => s.text),
    commands: { bot: `node ${commandFor('bot', opts.loadEntry).join(' ')}`, echo: `node ${commandFor('echo', opts.loadEntry).join(' ')}` },
    ...(build ? { build } : {}),
    matcher,
    coldStart,
    e2e,
    rss,
    targets,
    notes,
    ...(scaleOut ? { scaleOut } : {}),
    totalSeconds: 0,
  };
  results.totalSeconds = r1((performance.now() - started) / 1000);
  if (opts.out) writeResults(opts.out, results);
  return results;
}

export function writeResults(file: string, results: BenchResults): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // windowUs only matters to the profiler (monotonic clock of this boot): not worth committing.
  fs.writeFileSync(file, `${JSON.stringify(results, (k, v: unknown) => (k === 'windowUs' ? undefined : v), 2)}\n`);
}

// ---------------------------------------------------------------- report

const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export function formatReport(r: BenchResults): string {
  const L: string[] = [];
  const m = r.machine;
  L.push(`Benchmark — ${m.date} — ${m.cores} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform} (load average at start ${m.loadavgAtStart.join(' / ')})`);
  L.push('');
  if (r.options.scaleOutOnly) {
    // --scale-out-only: the other sections were not measured.
    if (r.scaleOut) L.push(...formatScaleOut(r.scaleOut, m));
    for (const n of r.notes) L.push(`- ${n}`);
    L.push('');
    L.push(`Total run time: ${r.totalSeconds} s`);
    return L.join('\n');
  }
  const mm = r.matcher;
  L.push(`### Matcher (${mm.intents} intents, ${mm.examples} examples; dev set ${mm.devsetLines} lines, warm, single process)`);
  L.push('');
  L.push('| measure | value | target |');
  L.push('|---|---:|---|');
  L.push(`| model training, \`new IntentClassifier(catalog)\` (median of ${mm.builds}) | ${mm.buildMsMedian} ms | < 1 s |`);
  L.push(`| model training, 5× the examples | ${mm.train5xMs} ms | < 5 s |`);
  if (mm.loadCoreMsAll.length) L.push(`| \`loadCore\` (YAML + index + engine + answers, median of ${mm.loadCoreMsAll.length}) | ${mm.loadCoreMsMedian} ms | |`);
  L.push(`| classifications/s (${mm.classifications} classifications) | ${mm.classificationsPerSec.toLocaleString('en-US')} | |`);
  L.push(`| latency p50 / p99 / max (wall clock) | ${mm.p50Us} µs / ${mm.p99Us} µs / ${mm.maxMs} ms | p99 < 1 ms: ${mark(mm.p99Us < 1000)} |`);
  L.push(`| CPU time per classification p50 / p99 | ${mm.cpuP50Us} µs / ${mm.cpuP99Us} µs | |`);
  L.push('');
  const walk = r.walk.map((t) => `"${t}"`).join(' → ');
  L.push(`### End to end (POST /api/messages, ${r.walk.length}-turn reset-aplikasi walk: ${walk}; ${r.options.durationMs / 1000} s per point after ${r.options.warmupMs / 1000} s warm-up)`);
  L.push('');
  L.push(`bot: \`${r.commands.bot}\` · echo baseline: \`${r.commands.echo}\``);
  L.push('');
  L.push('| storage | conv. | bot turns/s | bot p50 ms | bot p99 ms | echo turns/s | echo p50 ms | echo p99 ms | bot/echo | server CPU ms/turn (bot / echo) | CPU cost ratio echo/bot | other procs CPU % (bot / echo run) | errors |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const maxConc = Math.max(...r.options.concurrencies);
  for (const row of r.e2e) {
    const target = row.concurrency === maxConc && (row.storage === 'memory' || row.storage === 'sqlite') ? ` ${mark(row.ratio >= 0.7)}` : '';
    const errs = row.bot.errors + row.bot.unexpected + row.echo.errors + row.echo.unexpected;
    L.push(
      `| ${row.storage} | ${row.concurrency} | ${row.bot.turnsPerSec} | ${row.bot.p50Ms} | ${row.bot.p99Ms} | ${row.echo.turnsPerSec} | ${row.echo.p50Ms} | ${row.echo.p99Ms} | ${row.ratio.toFixed(2)}${target} | ${row.bot.serverCpuMsPerTurn ?? '-'} / ${row.echo.serverCpuMsPerTurn ?? '-'} | ${row.cpuCostRatio?.toFixed(2) ?? '-'} | ${row.bot.othersCpuPct ?? '-'} / ${row.echo.othersCpuPct ?? '-'} | ${errs} |`,
    );
  }
  if (!r.e2e.length) L.push('| (no rows) | | | | | | | | | | | | |');
  L.push('');
  if (r.rss.length) {
    L.push(`### Memory under ${maxConc} conversations (sampled /proc/<pid>/status every 200 ms)`);
    L.push('');
    L.push('| storage | bot started with | bot peak VmRSS | bot VmHWM | echo peak VmRSS | target (bot < 200 MB) |');
    L.push('|---|---|---:|---:|---:|---|');
    for (const x of r.rss) {
      const how = x.entry === 'dist' ? `\`node dist/src/index.js\` (production, fresh process; ${x.botLoad?.turnsPerSec ?? '-'} turns/s, p99 ${x.botLoad?.p99Ms ?? '-'} ms, ${x.botLoad?.serverCpuMsPerTurn ?? '-'} ms CPU/turn)` : `\`node ${commandFor('bot', x.entry).join(' ')}\``;
      L.push(`| ${x.storage} | ${how} | ${x.bot?.peakRssMb ?? '-'} MB | ${x.bot?.hwmMb ?? '-'} MB | ${x.echo ? `${x.echo.peakRssMb} MB` : '-'} | ${x.bot ? mark(x.bot.peakRssMb < 200) : '-'} |`);
    }
    L.push('');
  }
  if (r.coldStart.length) {
    L.push('### Cold start (spawn → first `/readyz` 200, STORAGE=sqlite, fresh DATA_DIR)');
    L.push('');
    L.push('| command | median (wall) | runs | CPU time until ready (median) | target (< 1 s) |');
    L.push('|---|---:|---|---:|---|');
    for (const c of r.coldStart) {
      L.push(`| \`${c.command}\`${c.entry === 'dist' ? ' (production)' : ' (dev)'} | ${c.medianMs} ms | ${c.runs.join(', ')} ms | ${c.cpuRuns.length ? `${c.cpuMedianMs} ms` : '-'} | ${mark(c.medianMs < 1000)} |`);
    }
    L.push('');
  }
  if (r.scaleOut) L.push(...formatScaleOut(r.scaleOut, m));
  L.push('Reading the numbers:');
  L.push(`- One turn = one POST /api/messages answered (the bot answers after its replies reached the channel). Throughput counts turns completed in the window; latency percentiles use turns that started and ended in it.${r.e2e.length ? ` Reply activities per turn: bot ${r.e2e[0]!.bot.activitiesPerTurn ?? '-'}, echo ${r.e2e[0]!.echo.activitiesPerTurn ?? '-'}.` : ''}`);
  L.push(`- CPU columns are % of one core or CPU ms per turn of the server process (/proc); "CPU cost ratio" = echo CPU/turn ÷ bot CPU/turn, the throughput ratio the two would have if each had a core to itself — much less sensitive to other load on the machine than turns/s.`);
  L.push(`- The load client and the channel service run in the bench process on the same ${m.cores}-core machine as the server under test; bot and echo are measured back to back at each point.`);
  L.push(`- Both servers run with \`node --import tsx\` (bench default); the production row of the memory table runs \`node dist/src/index.js\` in a fresh process.`);
  if (r.rss.some((x) => x.entry !== 'dist')) {
    L.push(`- The other memory rows are sampled in the process that already served ${r.options.concurrencies.filter((c) => c !== maxConc).join(' and ') || 'no'} conversation(s) before, so they include what that history left behind (memory storage keeps every conversation).`);
  }
  L.push(`- RATE_LIMIT_MESSAGES=${BOT_RATE_LIMIT} for the bot (the configuration allows at most 10000); each conversation sends only ${r.walk.length} messages.`);
  L.push('');
  L.push('### Targets');
  L.push('');
  for (const t of r.targets) L.push(`- ${mark(t.pass)} ${t.target}: ${t.value}`);
  if (r.notes.length) {
    L.push('');
    L.push('Notes:');
    for (const n of r.notes) L.push(`- ${n}`);
  }
  L.push('');
  L.push(`Total run time: ${r.totalSeconds} s`);
  return L.join('\n');
}

function formatScaleOut(so: ScaleOutResult, m: MachineInfo): string[] {
  const L: string[] = [];
  L.push(`### Scale-out (STORAGE=redis; 1 vs 2 bot instances behind a round-robin proxy on loopback, same proxy in both)`);
  L.push('');
  L.push('| path | conv. | 1 instance turns/s | p50 / p99 ms | 2 instances turns/s | p50 / p99 ms | 2 ÷ 1 | bot CPU ms/turn (1 / 2, all instances) | proxy + Redis CPU % (1 / 2) | other work on the machine, CPU % (1 / 2) | errors |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const stack = (x: ScaleOutResult['rows'][number]['one']) => (x.stack?.proxyPct === undefined ? '-' : `${x.stack.proxyPct} + ${x.stack.redisPct ?? '-'}`);
  for (const row of so.rows) {
    const errs = row.one.errors + row.one.unexpected + row.two.errors + row.two.unexpected;
    L.push(`| ${row.path} | ${row.concurrency} | ${row.one.turnsPerSec} | ${row.one.p50Ms} / ${row.one.p99Ms} | ${row.two.turnsPerSec} | ${row.two.p50Ms} / ${row.two.p99Ms} | ${row.ratio.toFixed(2)} | ${row.one.serverCpuMsPerTurn ?? '-'} / ${row.two.serverCpuMsPerTurn ?? '-'} | ${stack(row.one)} / ${stack(row.two)} | ${row.one.stack?.foreignPct ?? '-'} / ${row.two.stack?.foreignPct ?? '-'} | ${errs} |`);
  }
  L.push('');
  L.push(`- Proxy: ${so.proxy}. \`api/messages\`: the walk above, each turn to the next instance. \`directline\`: the walk as a web-chat user (token, conversation, welcome, then per turn POST activity + GET activities), the POST and the GET on different instances.`);
  L.push(`- Everything (bots, Redis, proxy, load client) shares the ${m.cores} cores of this machine: one instance is bound to one core, so 2 ÷ 1 shows what a second process on the same machine adds and what spreading a conversation over instances costs (CPU ms/turn), not the gain of a second machine.`);
  L.push('');
  return L;
}

// ---------------------------------------------------------------- profiling

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  topFunctions: Array<{ fn: string; where: string; selfMs: number; selfPct: number }>;
  byArea: Array<{ area: string; selfMs: number; selfPct: number }>;
  /** Inclusive time of interesting frames (self + callees), e.g. CurationLog.append. */
  inclusive: Array<{ fn: string; where: string; totalMs: number; totalPct: number }>;
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'GC' : fn === '(idle)' || fn === '(program)' ? fn : 'node internals / native';
  const u = url.replace(/^file:\/\//, '');
  if (u.startsWith('node:')) return `node:${u.slice(5).split('/')[0]}`;
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const rel = path.relative(ROOT, u);
  return rel.startsWith('..') ? u : rel.split(path.sep).slice(0, 2).join('/');
}

/** Self time per function (top N) and per package / source folder, plus inclusive time of `focus` frames. */
export const PROFILE_FOCUS =
  /^(append|recordEvents|classify|score|turn|saveChanges|load|read|write|render|mask|maskDeep|normalise|withState|handleMessage|processActivity|sendActivities|sendActivity|replyToActivity|sendToConversation|run|record|JSON\.parse|parse|stringify|allow)$/;

/**
 * `window`: only samples taken in [from, to] µs on the monotonic clock (`LoadResult.windowUs`), so
 * start-up and shutdown are left out.
 */
export function summariseCpuProfile(file: string, top = 25, focus: RegExp = PROFILE_FOCUS, window?: [number, number]): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  let ts = prof.startTime;
  for (let i = 0; i < samples.length; i++) {
    ts += deltas[i] ?? 0;
    if (window && (ts < window[0] || ts > window[1])) continue;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const idle = [...byId.values()].filter((n) => n.callFrame.functionName === '(idle)').reduce((a, n) => a + (selfUs.get(n.id) ?? 0), 0);
  const busy = total - idle || 1;
  const fnKey = (n: CpuProfileNode) => {
    const where = n.callFrame.url ? `${path.relative(ROOT, n.callFrame.url.replace(/^file:\/\//, ''))}:${n.callFrame.lineNumber + 1}` : '';
    return { fn: n.callFrame.functionName || '(anonymous)', where };
  };
  const perFn = new Map<string, { fn: string; where: string; us: number }>();
  const perArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    const k = fnKey(n);
    const key = `${k.fn}@${k.where}`;
    const e = perFn.get(key) ?? { ...k, us: 0 };
    e.us += us;
    perFn.set(key, e);
    const area = areaOf(n.callFrame.url, n.callFrame.functionName);
    perArea.set(area, (perArea.get(area) ?? 0) + us);
  }
  // inclusive time: self + descendants, counted once per stack for recursive frames
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, { fn: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!focus.test(n.callFrame.functionName)) continue;
      const k = fnKey(n);
      const key = `${k.fn}@${k.where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = incl.get(key) ?? { ...k, us: 0 };
      e.us += us;
      incl.set(key, e);
    }
  }
  const pct = (us: number) => r1((us / busy) * 100);
  return {
    file,
    totalMs: Math.round(busy / 1000),
    topFunctions: [...perFn.values()].sort((a, b) => b.us - a.us).slice(0, top).map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), selfPct: pct(e.us) })),
    byArea: [...perArea.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), selfPct: pct(us) })),
    inclusive: [...incl.values()].sort((a, b) => b.us - a.us).slice(0, 20).map((e) => ({ fn: e.fn, where: e.where, totalMs: Math.round(e.us / 1000), totalPct: pct(e.us) })),
  };
}

export interface ProfileOptions {
  kind?: ServerKind;
  storage: StorageKind;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  entry?: Entry;
  dir?: string;
  log?: (line: string) => void;
}

/** Runs the bot with `--cpu-prof` under the walk load, stops it gracefully and summarises the profile. */
export async function profileBot(o: ProfileOptions): Promise<{ load: LoadResult; summary: ProfileSummary }> {
  const dir = o.dir ?? tmpDir('bench-prof-');
  fs.mkdirSync(dir, { recursive: true });
  const dataDir = tmpDir('bench-prof-data-');
  let redis: RedisHandle | undefined;
  if (o.storage === 'redis') redis = await startRedis();
  const channel = await startLoadChannel();
  const kind = o.kind ?? 'bot';
  const server = await spawnServer({
    kind,
    entry: o.entry ?? 'tsx',
    storage: o.storage,
    dataDir,
    redisUrl: redis?.url,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500'],
  });
  try {
    o.log?.(`profile: ${server.command}, ${o.storage}, ${o.concurrency} conversations, ${o.durationMs / 1000} s …`);
    const load = await runLoad({ baseUrl: server.url, channel, kind, concurrency: o.concurrency, durationMs: o.durationMs, warmupMs: o.warmupMs, serverPid: server.pid, sampleRss: true });
    await server.stop(30_000);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile — thread 0 is the main thread (the tsx
    // loader runs on a worker thread and writes its own profile).
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${server.pid}.`));
    const main = files.find((f) => f.includes(`.${server.pid}.0.`)) ?? files.sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size)[0];
    const file = main ? path.join(dir, main) : undefined;
    if (!file) throw new Error(`no .cpuprofile written in ${dir}:\n${server.output()}`);
    return { load, summary: summariseCpuProfile(file, 30, PROFILE_FOCUS, load.windowUs) };
  } finally {
    await server.stop();
    await channel.close();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatProfile(p: { load: LoadResult; summary: ProfileSummary }): string {
  const L: string[] = [];
  const l = p.load;
  L.push(`Load during the profile (${l.kind}, ${l.concurrency} conversations): ${l.turnsPerSec} turns/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, server CPU ${l.serverCpuPct ?? '-'} % of a core, ${l.serverCpuMsPerTurn ?? '-'} ms CPU per turn, other processes ${l.othersCpuPct ?? '-'} %`);
  L.push(`Slowest turns: ${l.slowest.map((x) => `${x.ms} ms (step ${x.step}, +${x.atMs} ms)`).join(', ')}`);
  L.push(`Profile: ${p.summary.file} (${p.summary.totalMs} ms of non-idle samples inside the measurement window; start-up excluded)`);
  L.push('');
  L.push('Top functions by self time:');
  for (const f of p.summary.topFunctions) L.push(`  ${String(f.selfPct).padStart(5)} %  ${String(f.selfMs).padStart(6)} ms  ${f.fn}  ${f.where}`);
  L.push('');
  L.push('Self time by package / source folder:');
  for (const a of p.summary.byArea) L.push(`  ${String(a.selfPct).padStart(5)} %  ${String(a.selfMs).padStart(6)} ms  ${a.area}`);
  L.push('');
  L.push('Inclusive time of selected frames:');
  for (const f of p.summary.inclusive) L.push(`  ${String(f.totalPct).padStart(5)} %  ${String(f.totalMs).padStart(6)} ms  ${f.fn}  ${f.where}`);
  return L.join('\n');
}
