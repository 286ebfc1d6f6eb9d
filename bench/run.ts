/**
 * `npm run bench` — performance of the e-Faktur helpdesk bot (a script, not a test).
 *
 * Sections: matcher (index build, classification latency over the dev set), end to end (the
 * reset-aplikasi walk through POST /api/messages at 1/10/100 concurrent conversations against the bot
 * in its own process, and the same load against an echo bot on the same stack as the baseline), for
 * memory, sqlite and redis storage; peak RSS under the largest load; cold start of the dev and the
 * built entry; scale-out (bench/scale-out.ts: one vs two instances on Redis behind a round-robin proxy
 * on loopback, through /api/messages and through the built-in Direct Line). Prints markdown tables and
 * writes the same data as JSON.
 *
 *   npm run bench                         full run (~4 min on an otherwise idle 2-core machine, the scale-out section included) → bench/results.json
 *   npm run bench -- --quick              short points (2 s), 1 cold start → bench/results.local.json
 *   npm run bench -- --profile            only: bot under --cpu-prof at 100 conversations (sqlite), top functions
 *
 * Flags (environment variable in brackets):
 *   --quick [BENCH_QUICK=1]            short run, for a quick look
 *   --scale <x> [BENCH_SCALE]          multiplies durations, warm-ups and matcher passes (e.g. 0.5, 2)
 *   --duration <s> [BENCH_DURATION_S]  seconds per load point (default 5; 18 points in a full run)
 *   --warmup <s> [BENCH_WARMUP_S]      warm-up seconds per load point (default 1)
 *   --storage <list> [BENCH_STORAGE]   memory,sqlite,redis (default all three)
 *   --concurrency <list> [BENCH_CONCURRENCY]  default 1,10,100
 *   --cold-starts <n> [BENCH_COLD_STARTS]     runs per entry (default 3; 0 = skip)
 *   --no-build [BENCH_NO_BUILD=1]      never run tsc for dist/ (the built entry is measured only if present)
 *   --no-dist                          skip the built entry entirely
 *   --entry <tsx|dist> [BENCH_ENTRY]   how the bot under load is started (default tsx; the echo bot always runs with tsx)
 *   --out <file> [BENCH_OUT]           JSON output (default bench/results.json; --quick: bench/results.local.json)
 *   --report [file]                    only re-print the tables of a results file (default bench/results.json)
 *   --profile                          profile mode (with --storage, --concurrency, --duration; --echo profiles the echo bot)
 *   --no-scale-out [BENCH_NO_SCALE_OUT=1]  skip the scale-out section (1 vs 2 instances on Redis behind a
 *                                      round-robin proxy; it runs when redis is among the storages)
 *   --scale-out-only                   only the scale-out section (with --concurrency, --duration) → bench/results.scale-out.json
 */
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_OPTIONS,
  ROOT,
  formatProfile,
  formatReport,
  profileBot,
  runBench,
  type BenchOptions,
  type BenchResults,
  type Entry,
  type StorageKind,
} from './lib.js';

function usage(): never {
  const src = fs.readFileSync(new URL(import.meta.url), 'utf8');
  const doc = src.slice(src.indexOf('/**') + 3, src.indexOf('*/')).replace(/^ \* ?/gm, '');
  process.stdout.write(`${doc.trim()}\n`);
  process.exit(0);
}

function fail(err: unknown): never {
  process.stderr.write(`bench failed: ${process.env.BENCH_DEBUG ? (err as Error)?.stack : ((err as Error)?.message ?? String(err))}\n`);
  process.exit(1);
}

const FLAGS = {
  quick: { type: 'boolean' },
  scale: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  storage: { type: 'string' },
  concurrency: { type: 'string' },
  'cold-starts': { type: 'string' },
  'no-build': { type: 'boolean' },
  'no-dist': { type: 'boolean' },
  entry: { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'boolean' },
  echo: { type: 'boolean' },
  report: { type: 'boolean' },
  'no-scale-out': { type: 'boolean' },
  'scale-out-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// Unknown flags and stray arguments are errors (strict); `--report` alone takes an optional file.
const parsed = (() => {
  try {
    return parseFlags();
  } catch (err) {
    fail(err);
  }
})();
const { values: args, positionals } = parsed;

function parseFlags() {
  const res = parseArgs({ allowPositionals: true, options: FLAGS });
  if (res.positionals.length > (res.values.report ? 1 : 0)) throw new Error(`unexpected argument ${res.positionals.join(' ')} (see --help)`);
  return res;
}

type ValueFlag = 'scale' | 'duration' | 'warmup' | 'storage' | 'concurrency' | 'cold-starts' | 'entry' | 'out';
const flag = (name: 'quick' | 'no-build' | 'no-dist' | 'profile' | 'echo' | 'no-scale-out' | 'scale-out-only') => args[name] === true;
/** The flag's value, else the environment variable's (an empty variable counts as unset). */
function value(name: ValueFlag, env: string): string | undefined {
  const v = args[name] ?? process.env[env];
  return v === undefined || v === '' ? undefined : v;
}
function num(name: ValueFlag, env: string): number | undefined {
  const v = value(name, env);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} (${env}) must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

async function main(): Promise<void> {
  if (args.help) usage();
  if (args.report) {
    const file = positionals[0] ? path.resolve(positionals[0]) : path.join(ROOT, 'bench/results.json');
    process.stdout.write(`${formatReport(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults)}\n`);
    return;
  }
  const quick = flag('quick') || process.env.BENCH_QUICK === '1';
  const scale = num('scale', 'BENCH_SCALE') ?? 1;
  const storages = (value('storage', 'BENCH_STORAGE') ?? DEFAULT_OPTIONS.storages.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as StorageKind[];
  for (const s of storages) if (!['memory', 'sqlite', 'redis'].includes(s)) throw new Error(`unknown storage ${s}`);
  const concurrencies = (value('concurrency', 'BENCH_CONCURRENCY') ?? DEFAULT_OPTIONS.concurrencies.join(','))
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  if (!concurrencies.length) throw new Error('--concurrency needs positive integers, e.g. 1,10,100');
  const entry = (value('entry', 'BENCH_ENTRY') ?? 'tsx') as Entry;
  if (entry !== 'tsx' && entry !== 'dist') throw new Error('--entry must be tsx or dist');

  const baseDuration = quick ? 2 : DEFAULT_OPTIONS.durationMs / 1000;
  const durationMs = Math.round((num('duration', 'BENCH_DURATION_S') ?? baseDuration * scale) * 1000);
  const warmupMs = Math.round((num('warmup', 'BENCH_WARMUP_S') ?? (quick ? 0.5 : DEFAULT_OPTIONS.warmupMs / 1000) * scale) * 1000);

  const log = (line: string) => process.stderr.write(`${line}\n`);

  if (flag('profile')) {
    const res = await profileBot({
      kind: flag('echo') ? 'echo' : 'bot',
      storage: value('storage', 'BENCH_STORAGE') ? storages[0]! : 'sqlite',
      concurrency: Math.max(...concurrencies),
      durationMs: Math.round((num('duration', 'BENCH_DURATION_S') ?? 10 * scale) * 1000),
      warmupMs: Math.max(warmupMs, 1000),
      entry,
      log,
    });
    process.stdout.write(`${formatProfile(res)}\n`);
    return;
  }

  const passes = Math.max(1, Math.round((quick ? 3 : (DEFAULT_OPTIONS.matcher.passes ?? 25)) * scale));
  const opts: BenchOptions = {
    ...DEFAULT_OPTIONS,
    storages,
    concurrencies,
    durationMs,
    warmupMs,
    firstWarmupMs: Math.round((quick ? 0.5 : DEFAULT_OPTIONS.firstWarmupMs / 1000) * scale * 1000),
    matcher: { ...DEFAULT_OPTIONS.matcher, passes, builds: quick ? 3 : 5 },
    coldStartRuns: num('cold-starts', 'BENCH_COLD_STARTS') ?? (quick ? 1 : 3),
    build: !(flag('no-build') || process.env.BENCH_NO_BUILD === '1'),
    dist: !flag('no-dist'),
    loadEntry: entry,
    scaleOut: !(flag('no-scale-out') || process.env.BENCH_NO_SCALE_OUT === '1'),
    scaleOutOnly: flag('scale-out-only'),
    ...(flag('scale-out-only') ? { storages: ['redis'] as StorageKind[], concurrencies: concurrencies, dist: false } : {}),
    // The scale-out section alone does not overwrite the full results.
    out:
      value('out', 'BENCH_OUT') ??
      path.join(ROOT, flag('scale-out-only') ? 'bench/results.scale-out.json' : quick ? 'bench/results.local.json' : 'bench/results.json'),
    log,
  };
  const results = await runBench(opts);
  process.stdout.write(`\n${formatReport(results)}\n\nJSON: ${path.relative(process.cwd(), opts.out!) || opts.out}\n`);
}

main().then(() => process.exit(0), fail);
