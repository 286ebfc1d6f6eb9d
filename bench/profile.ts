/**
 * `npm run bench -- --profile`: the bot (or the echo bot) under `node --cpu-prof` with the walk load,
 * and a summary of the profile inside the measurement window: top functions by self time, time per
 * package / source folder, inclusive time of selected frames.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startRedis, type RedisHandle } from '../tests/helpers/redis-server.js';
import { ROOT, r1, tmpDir } from './common.js';
import { runLoad, startLoadChannel, type LoadResult, type ServerKind } from './load.js';
import type { StorageKind } from './orchestrate.js';
import { spawnServer, type Entry } from './processes.js';

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
    topFunctions: [...perFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), selfPct: pct(e.us) })),
    byArea: [...perArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), selfPct: pct(us) })),
    inclusive: [...incl.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 20)
      .map((e) => ({ fn: e.fn, where: e.where, totalMs: Math.round(e.us / 1000), totalPct: pct(e.us) })),
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
    const load = await runLoad({
      baseUrl: server.url,
      channel,
      kind,
      concurrency: o.concurrency,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      serverPid: server.pid,
      sampleRss: true,
    });
    await server.stop(30_000);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile — thread 0 is the main thread (the tsx
    // loader runs on a worker thread and writes its own profile).
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${server.pid}.`));
    const main =
      files.find((f) => f.includes(`.${server.pid}.0.`)) ?? files.sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size)[0];
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
  L.push(
    `Load during the profile (${l.kind}, ${l.concurrency} conversations): ${l.turnsPerSec} turns/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, server CPU ${l.serverCpuPct ?? '-'} % of a core, ${l.serverCpuMsPerTurn ?? '-'} ms CPU per turn, other processes ${l.othersCpuPct ?? '-'} %`,
  );
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
