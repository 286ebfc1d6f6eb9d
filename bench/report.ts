/**
 * The results as markdown tables (what `npm run bench` prints) and as the JSON file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RATIO_TARGET, type MachineInfo } from './common.js';
import type { BenchResults } from './orchestrate.js';
import { BOT_RATE_LIMIT, commandFor } from './processes.js';
import type { ScaleOutResult } from './scale-out.js';

export function writeResults(file: string, results: BenchResults): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // windowUs only matters to the profiler (monotonic clock of this boot): not worth committing.
  fs.writeFileSync(file, `${JSON.stringify(results, (k, v: unknown) => (k === 'windowUs' ? undefined : v), 2)}\n`);
}

const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export function formatReport(r: BenchResults): string {
  const L: string[] = [];
  const m = r.machine;
  L.push(
    `Benchmark — ${m.date} — ${m.cores} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform} (load average at start ${m.loadavgAtStart.join(' / ')})`,
  );
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
  L.push(
    `### End to end (POST /api/messages, ${r.walk.length}-turn reset-aplikasi walk: ${walk}; ${r.options.durationMs / 1000} s per point after ${r.options.warmupMs / 1000} s warm-up)`,
  );
  L.push('');
  L.push(`bot: \`${r.commands.bot}\` · echo baseline: \`${r.commands.echo}\``);
  L.push('');
  L.push(
    '| storage | conv. | bot turns/s | bot p50 ms | bot p99 ms | echo turns/s | echo p50 ms | echo p99 ms | bot/echo | server CPU ms/turn (bot / echo) | CPU cost ratio echo/bot | other procs CPU % (bot / echo run) | errors |',
  );
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const maxConc = Math.max(...r.options.concurrencies);
  for (const row of r.e2e) {
    const target = row.concurrency === maxConc ? ` ${mark(row.ratio >= RATIO_TARGET)}` : '';
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
      const how =
        x.entry === 'dist'
          ? `\`node dist/server.mjs\` (production, fresh process; ${x.botLoad?.turnsPerSec ?? '-'} turns/s, p99 ${x.botLoad?.p99Ms ?? '-'} ms, ${x.botLoad?.serverCpuMsPerTurn ?? '-'} ms CPU/turn)`
          : `\`node ${commandFor('bot', x.entry).join(' ')}\``;
      L.push(
        `| ${x.storage} | ${how} | ${x.bot?.peakRssMb ?? '-'} MB | ${x.bot?.hwmMb ?? '-'} MB | ${x.echo ? `${x.echo.peakRssMb} MB` : '-'} | ${x.bot ? mark(x.bot.peakRssMb < 200) : '-'} |`,
      );
    }
    L.push('');
  }
  if (r.coldStart.length) {
    L.push('### Cold start (spawn → first `/readyz` 200, STORAGE=sqlite, fresh DATA_DIR)');
    L.push('');
    L.push(
      '| command | restart, unchanged content: median (wall) | runs | CPU time until ready (median) | target (< 1 s) | first start after a content change (empty start-up cache): median | runs |',
    );
    L.push('|---|---:|---|---:|---|---:|---|');
    for (const c of r.coldStart) {
      L.push(
        `| \`${c.command}\`${c.entry === 'dist' ? ' (production)' : ' (dev)'} | ${c.medianMs} ms | ${c.runs.join(', ')} ms | ${c.cpuRuns.length ? `${c.cpuMedianMs} ms` : '-'} | ${mark(c.medianMs < 1000)} | ${c.emptyCacheMedianMs ?? '-'} ms | ${(c.emptyCacheRuns ?? []).join(', ')} ms |`,
      );
    }
    L.push('');
  }
  if (r.scaleOut) L.push(...formatScaleOut(r.scaleOut, m));
  L.push('Reading the numbers:');
  L.push(
    `- One turn = one POST /api/messages answered (the bot answers after its replies reached the channel). Throughput counts turns completed in the window; latency percentiles use turns that started and ended in it.${r.e2e.length ? ` Reply activities per turn: bot ${r.e2e[0]!.bot.activitiesPerTurn ?? '-'}, echo ${r.e2e[0]!.echo.activitiesPerTurn ?? '-'}.` : ''}`,
  );
  L.push(
    `- CPU columns are % of one core or CPU ms per turn of the server process (/proc); "CPU cost ratio" = echo CPU/turn ÷ bot CPU/turn, the throughput ratio the two would have if each had a core to itself — much less sensitive to other load on the machine than turns/s.`,
  );
  L.push(
    `- The load client and the channel service run in the bench process on the same ${m.cores}-core machine as the server under test; bot and echo are measured back to back at each point.`,
  );
  L.push(
    `- Both servers run with \`node --import tsx\` (bench default); the production row of the memory table runs \`node dist/server.mjs\` in a fresh process.`,
  );
  if (r.rss.some((x) => x.entry !== 'dist')) {
    L.push(
      `- The other memory rows are sampled in the process that already served ${r.options.concurrencies.filter((c) => c !== maxConc).join(' and ') || 'no'} conversation(s) before, so they include what that history left behind (memory storage keeps every conversation).`,
    );
  }
  L.push(
    `- RATE_LIMIT_MESSAGES=${BOT_RATE_LIMIT} for the bot (the configuration allows at most 10000); each conversation sends only ${r.walk.length} messages.`,
  );
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
  L.push(
    '| path | conv. | 1 instance turns/s | p50 / p99 ms | 2 instances turns/s | p50 / p99 ms | 2 ÷ 1 | bot CPU ms/turn (1 / 2, all instances) | proxy + Redis CPU % (1 / 2) | other work on the machine, CPU % (1 / 2) | errors |',
  );
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const stack = (x: ScaleOutResult['rows'][number]['one']) => (x.stack?.proxyPct === undefined ? '-' : `${x.stack.proxyPct} + ${x.stack.redisPct ?? '-'}`);
  for (const row of so.rows) {
    const errs = row.one.errors + row.one.unexpected + row.two.errors + row.two.unexpected;
    L.push(
      `| ${row.path} | ${row.concurrency} | ${row.one.turnsPerSec} | ${row.one.p50Ms} / ${row.one.p99Ms} | ${row.two.turnsPerSec} | ${row.two.p50Ms} / ${row.two.p99Ms} | ${row.ratio.toFixed(2)} | ${row.one.serverCpuMsPerTurn ?? '-'} / ${row.two.serverCpuMsPerTurn ?? '-'} | ${stack(row.one)} / ${stack(row.two)} | ${row.one.stack?.foreignPct ?? '-'} / ${row.two.stack?.foreignPct ?? '-'} | ${errs} |`,
    );
  }
  L.push('');
  L.push(
    `- Proxy: ${so.proxy}. \`api/messages\`: the walk above, each turn to the next instance. \`directline\`: the walk as a web-chat user (token, conversation, welcome, then per turn POST activity + GET activities), the POST and the GET on different instances.`,
  );
  L.push(
    `- Everything (bots, Redis, proxy, load client) shares the ${m.cores} cores of this machine: one instance is bound to one core, so 2 ÷ 1 shows what a second process on the same machine adds and what spreading a conversation over instances costs (CPU ms/turn), not the gain of a second machine.`,
  );
  L.push('');
  return L;
}
