/**
 * `runBench`: the whole run — build, matcher, cold start, the end-to-end table (bot and echo bot side
 * by side per storage and concurrency), the scale-out section, the production entry's memory — and
 * the targets, written as JSON.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { startRedis, type RedisHandle } from '../tests/helpers/redis-server.js';
import { RATIO_TARGET, machineInfo, r1, r2, tmpDir, type MachineInfo } from './common.js';
import { RESET_APLIKASI_WALK, runLoad, startLoadChannel, type LoadResult, type ServerKind } from './load.js';
import { runMatcherBench, type MatcherBenchOptions, type MatcherBenchResult } from './matcher.js';
import {
  DIST_ENTRY,
  commandFor,
  ensureBuilt,
  measureColdStart,
  spawnServer,
  type BuildResult,
  type ColdStartResult,
  type Entry,
  type ServerProcess,
} from './processes.js';
import { writeResults } from './report.js';
import type { RssSample } from './sampling.js';
import { runScaleOut, type ScaleOutResult } from './scale-out.js';

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
  /** Measure the built entry (dist/server.mjs) too when it exists. */
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
  rss: Array<{
    storage: StorageKind;
    entry: Entry;
    concurrency: number;
    bot?: RssSample;
    echo?: RssSample;
    botLoad?: Pick<LoadResult, 'turnsPerSec' | 'p50Ms' | 'p99Ms' | 'serverCpuMsPerTurn' | 'errors' | 'unexpected'>;
  }>;
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
      log(`build: npm run build (${build.reason}) took ${build.ms} ms, exit ${build.exitCode}`);
      if (build.exitCode !== 0) notes.push(`npm run build exited ${build.exitCode}: ${(build.output ?? '').split('\n').slice(0, 5).join(' | ')}`);
    }
  }

  log('matcher: building the index and classifying the dev set …');
  const matcher = runMatcherBench(
    opts.scaleOutOnly ? { ...opts.matcher, builds: 1, coreLoads: 0, warmupPasses: 0, passes: 1, maxClassifications: 50 } : opts.matcher,
  );

  const coldStart: ColdStartResult[] = [];
  if (opts.coldStartRuns > 0 && !opts.scaleOutOnly) {
    log(`cold start: node --import tsx src/index.ts × ${opts.coldStartRuns} …`);
    coldStart.push(await measureColdStart('tsx', opts.coldStartRuns));
    if (opts.dist && fs.existsSync(DIST_ENTRY)) {
      log(`cold start: node dist/server.mjs × ${opts.coldStartRuns} (empty and filled start-up cache) …`);
      coldStart.push(await measureColdStart('dist', opts.coldStartRuns));
    } else if (opts.dist) notes.push('dist/server.mjs missing: the built start-up was not measured (npm run build).');
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
          concurrencies:
            opts.scaleOutConcurrencies ?? (opts.concurrencies.filter((c) => c > 1).length ? opts.concurrencies.filter((c) => c > 1) : opts.concurrencies),
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
    // The production start (node dist/server.mjs, sqlite): memory under the largest load.
    if (opts.dist && !opts.scaleOutOnly && opts.loadEntry !== 'dist' && opts.storages.includes('sqlite') && fs.existsSync(DIST_ENTRY)) {
      const dataDir = tmpDir('bench-bot-dist-');
      log(`e2e: sqlite bot (node dist/server.mjs) ${maxConc} conversations, ${opts.durationMs / 1000} s (memory of the production start) …`);
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
        rss.push({
          storage: 'sqlite',
          entry: 'dist',
          concurrency: maxConc,
          bot: res.rss,
          botLoad: { turnsPerSec, p50Ms, p99Ms, serverCpuMsPerTurn, errors, unexpected },
        });
        if (res.errors || res.unexpected)
          notes.push(`bot (dist) sqlite ×${maxConc}: ${res.errors} errors, ${res.unexpected} unexpected replies — first: ${res.firstProblem}`);
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
    if (row.concurrency === maxConc) {
      targets.push({
        target: `bot/echo throughput ≥ ${RATIO_TARGET} at ${maxConc} conversations (${row.storage})`,
        value: `${row.ratio.toFixed(2)}${row.bot.unexpected ? ` (${row.bot.unexpected} unexpected replies: not a valid point)` : ''}`,
        // A point where the bot answered something else than the walk measured other work.
        pass: row.ratio >= RATIO_TARGET && !row.bot.unexpected && !row.bot.errors,
      });
    }
  }
  targets.push({ target: 'classification p99 < 1 ms', value: `${matcher.p99Us} µs`, pass: matcher.p99Us < 1000 });
  targets.push({ target: "model training < 1 s (today's catalog)", value: `${matcher.buildMsMedian} ms`, pass: matcher.buildMsMedian < 1000 });
  targets.push({ target: 'model training < 5 s (5× the examples)', value: `${matcher.train5xMs} ms`, pass: matcher.train5xMs < 5000 });
  const prodStart = coldStart.find((c) => c.entry === 'dist') ?? coldStart.find((c) => c.entry === 'tsx');
  for (const c of coldStart) {
    targets.push({
      target: `start-up < 1 s (${c.entry === 'dist' ? 'node dist/server.mjs, production' : 'node --import tsx src/index.ts, dev'}; restart with unchanged content)`,
      value: `${c.medianMs} ms`,
      pass: c.medianMs < 1000,
    });
  }
  if (!prodStart && !opts.scaleOutOnly) notes.push('cold start not measured');
  for (const r of rss) {
    const how = r.entry === 'dist' ? 'node dist/server.mjs, production' : 'node --import tsx src/index.ts';
    if (r.bot)
      targets.push({
        target: `bot RSS < 200 MB under ${maxConc} conversations (${r.storage}; ${how})`,
        value: `${r.bot.peakRssMb} MB`,
        pass: r.bot.peakRssMb < 200,
      });
  }
  for (const row of e2e) {
    for (const res of [row.bot, row.echo]) {
      if (res.errors || res.unexpected)
        notes.push(`${res.kind} ${row.storage} ×${row.concurrency}: ${res.errors} errors, ${res.unexpected} unexpected replies — first: ${res.firstProblem}`);
    }
  }
  const noisy = e2e.flatMap((row) => [row.bot, row.echo]).filter((x) => (x.othersCpuPct ?? 0) > 20);
  if (noisy.length || machine.loadavgAtStart[0]! > machine.cores * 0.5) {
    const worst = Math.max(0, ...noisy.map((x) => x.othersCpuPct ?? 0));
    const during = noisy.length ? `; up to ${worst} % of a core used by others during ${noisy.length} load points` : '';
    notes.push(
      `Other processes were busy during this run (load average at start ${machine.loadavgAtStart[0]}${during}): absolute numbers are pessimistic and ratios noisy — rerun on a quiet machine for README numbers.`,
    );
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
