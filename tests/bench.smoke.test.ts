/**
 * Smoke test of the benchmark harness (bench/lib.ts) with tiny numbers: the matcher bench, one short
 * end-to-end run (bot and echo bot, each in its own process, memory storage, 2 conversations), the
 * report and the JSON file. It checks that the harness works — numbers present, replies received and
 * as expected — never how fast anything is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, RESET_APLIKASI_WALK, expectedReply, formatReport, percentile, runBench, runMatcherBench, type BenchResults } from '../bench/lib.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('bench harness', () => {
  it('helpers: percentile and the expected replies', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 99)).toBe(0);
    expect(expectedReply('echo', RESET_APLIKASI_WALK[1]!, 1).test('#2 1')).toBe(true);
    expect(expectedReply('echo', RESET_APLIKASI_WALK[1]!, 1).test('#1 1')).toBe(false);
  });

  it('matcher bench: a few hundred classifications give positive numbers', () => {
    const m = runMatcherBench({ builds: 2, coreLoads: 1, warmupPasses: 0, passes: 1, maxClassifications: 300 });
    expect(m.intents).toBeGreaterThan(0);
    expect(m.examples).toBeGreaterThan(0);
    expect(m.devsetLines).toBeGreaterThan(100);
    expect(m.classifications).toBe(300);
    expect(m.buildMsAll).toHaveLength(2);
    expect(m.buildMsMedian).toBeGreaterThan(0);
    expect(m.loadCoreMsMedian).toBeGreaterThan(0);
    expect(m.classificationsPerSec).toBeGreaterThan(0);
    expect(m.p50Us).toBeGreaterThan(0);
    expect(m.p99Us).toBeGreaterThanOrEqual(m.p50Us);
    expect(m.maxMs * 1000).toBeGreaterThanOrEqual(m.p99Us);
  });

  it('end to end: bot and echo bot in their own processes, memory storage, 2 conversations, JSON written', async () => {
    const out = path.join(tmp, 'results.json');
    const lines: string[] = [];
    const r: BenchResults = await runBench({
      ...DEFAULT_OPTIONS,
      storages: ['memory'],
      concurrencies: [2],
      durationMs: 2000,
      warmupMs: 300,
      firstWarmupMs: 200,
      matcher: { builds: 1, coreLoads: 0, warmupPasses: 0, passes: 1, maxClassifications: 200 },
      coldStartRuns: 1,
      build: false,
      dist: false,
      loadEntry: 'tsx',
      out,
      log: (l) => lines.push(l),
    });

    expect(r.e2e).toHaveLength(1);
    const row = r.e2e[0]!;
    expect(row.storage).toBe('memory');
    expect(row.concurrency).toBe(2);
    for (const res of [row.bot, row.echo]) {
      expect(res.turns, `${res.kind}: ${res.firstProblem}`).toBeGreaterThan(0);
      expect(res.turnsPerSec).toBeGreaterThan(0);
      expect(res.p50Ms).toBeGreaterThan(0);
      expect(res.p99Ms).toBeGreaterThanOrEqual(res.p50Ms);
      // every turn got its replies from the bot, and they were the ones the walk expects
      expect(res.errors, res.firstProblem).toBe(0);
      expect(res.unexpected, res.firstProblem).toBe(0);
      expect(res.rss?.peakRssMb ?? 0).toBeGreaterThan(0);
      expect(res.activitiesPerTurn).toBeGreaterThan(0);
    }
    expect(row.echo.activitiesPerTurn).toBeCloseTo(1, 0); // one echo per message
    expect(row.bot.turns).toBeGreaterThanOrEqual(RESET_APLIKASI_WALK.length); // at least one whole walk
    expect(row.ratio).toBeGreaterThan(0);
    expect(r.rss[0]?.bot?.peakRssMb).toBeGreaterThan(0);
    expect(r.coldStart).toHaveLength(1);
    expect(r.coldStart[0]!.entry).toBe('tsx');
    expect(r.coldStart[0]!.medianMs).toBeGreaterThan(0);
    expect(r.targets.map((t) => t.target).join('\n')).toMatch(/classification p99/);

    const json = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.cpuModel).toBeTruthy();
    expect(json.machine.node).toBe(process.version);
    expect(json.e2e[0]!.bot.turns).toBe(row.bot.turns);

    const report = formatReport(r);
    expect(report).toMatch(/\| memory \| 2 \|/);
    expect(report).toMatch(/Cold start/);
  }, 120_000);
});
