/**
 * The servers under test as child processes: the bot (tsx or the built entry) and the echo baseline,
 * ready when /readyz answers; cold start; building dist/ when stale.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../tests/helpers/redis-server.js';
import { ROOT, median, r1, sleep, tmpDir } from './common.js';
import type { ServerKind } from './load.js';
import { procCpuSeconds } from './sampling.js';

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
  return entry === 'dist' ? ['dist/server.mjs'] : ['--import', 'tsx', 'src/index.ts'];
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

/**
 * Anonymous mode counts new conversations per source address (1000 per 10 minutes by default), and
 * the whole load comes from loopback: without this the budget ran out a few seconds into the
 * 100-conversation points and the bot answered most of them with its refusal (measured as
 * "unexpected" replies, and cheap turns that made the bot look fast).
 */
export const BOT_NEW_CONVERSATIONS = '1000000';

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
    NEW_CONVERSATIONS_PER_SOURCE: BOT_NEW_CONVERSATIONS,
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

export interface ColdStartResult {
  entry: Entry;
  command: string;
  /** A restart with unchanged content: the start-up cache holds the checked catalog and the model. */
  runs: number[];
  medianMs: number;
  /** CPU time used by the process until ready, per run (less sensitive to other load on the machine). */
  cpuRuns: number[];
  cpuMedianMs: number;
  /** The first start after a content change: an empty start-up cache (parse, check, train, write it). */
  emptyCacheRuns: number[];
  emptyCacheMedianMs: number;
}

/**
 * Spawn → /readyz 200 with STORAGE=sqlite (the default) and a fresh DATA_DIR, `runs` times, each with
 * a new CACHE_DIR: once empty (the first start after a content change), once as that start left it.
 */
export async function measureColdStart(entry: Entry, runs: number): Promise<ColdStartResult> {
  const times: number[] = [];
  const cpu: number[] = [];
  const empty: number[] = [];
  let command = '';
  const once = async (cacheDir: string) => {
    const dir = tmpDir('bench-cold-');
    try {
      const s = await spawnServer({ kind: 'bot', entry, storage: 'sqlite', dataDir: dir, pollMs: 5, env: { CACHE_DIR: cacheDir } });
      command = s.command;
      await s.stop();
      return s;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  for (let i = 0; i < runs; i++) {
    const cacheDir = tmpDir('bench-cache-');
    try {
      empty.push((await once(cacheDir)).readyMs);
      const s = await once(cacheDir);
      times.push(s.readyMs);
      if (s.readyCpuMs !== undefined) cpu.push(s.readyCpuMs);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  return {
    entry,
    command,
    runs: times,
    medianMs: r1(median(times)),
    cpuRuns: cpu,
    cpuMedianMs: Math.round(median(cpu)),
    emptyCacheRuns: empty,
    emptyCacheMedianMs: r1(median(empty)),
  };
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

export const DIST_ENTRY = path.join(ROOT, 'dist/server.mjs');

/** Runs `npm run build` (tsc, the console UI, the one-file server) when dist/server.mjs is missing or older than a file in src/. */
export function ensureBuilt(force = false): BuildResult {
  let reason = 'up to date';
  if (force) reason = 'forced';
  else if (!fs.existsSync(DIST_ENTRY)) reason = 'dist/server.mjs missing';
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
  const res = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  return {
    ran: true,
    reason,
    ms: Math.round(performance.now() - t0),
    exitCode: res.status,
    output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().slice(0, 4000) || undefined,
  };
}
