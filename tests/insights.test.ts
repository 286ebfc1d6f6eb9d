/**
 * The insights figures (src/insights/): clustering that gives exactly the greedy result, day roll-ups
 * that are reused and rebuilt when a late record arrives, figures that match independently counted
 * synthetic data, and correctness across instances (two curation logs, each with its own store client,
 * on one sqlite file and on one Redis): every event counted once, every conversation once.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { loadCore } from '../src/core.js';
import { CurationLog } from '../src/curation/log.js';
import type { FlowEvent } from '../src/flow/engine.js';
import { addDays, dayStart, localDay } from '../src/insights/aggregate.js';
import { CLUSTER_SIMILARITY, clusterTexts } from '../src/insights/clusters.js';
import { InsightsSource, loadInsights, parsePeriod } from '../src/insights/index.js';
import type { ReadStats } from '../src/insights/source.js';
import { createStore, type BotStore } from '../src/storage/index.js';
import { generate } from './helpers/insights-data.js';
import { startRedis, type RedisHandle } from './helpers/redis-server.js';

const core = loadCore(path.resolve('intents'));
const TZ = 420;
const stats = (): ReadStats => ({ chunksRead: 0, rollupsRead: 0, rollupsWritten: 0, fromMemory: 0 });

/** The original greedy clustering of src/curation/report.ts (compare every cluster), as the reference. */
function naive(texts: Array<[string, number]>): Map<string, number> {
  const groups: Array<Set<string>> = [];
  const out = new Map<string, number>();
  for (const [text] of texts) {
    const words = new Set(core.matcher.normaliser.normalise(text).tokens);
    if (!words.size) continue;
    let best = -1;
    let bestSim = 0;
    groups.forEach((g, i) => {
      let inter = 0;
      for (const w of words) if (g.has(w)) inter++;
      const sim = inter / (words.size + g.size - inter || 1);
      if (sim > bestSim) {
        bestSim = sim;
        best = i;
      }
    });
    if (best >= 0 && bestSim >= CLUSTER_SIMILARITY) out.set(text, best);
    else out.set(text, groups.push(words) - 1);
  }
  return out;
}

describe('clustering', () => {
  it('gives exactly the clusters of the greedy all-pairs comparison (prefix filtering loses nothing)', () => {
    const vocab = [
      'faktur',
      'pajak',
      'cetak',
      'ulang',
      'hilang',
      'upload',
      'masukan',
      'nsfp',
      'habis',
      'email',
      'ganti',
      'alamat',
      'retur',
      'pengganti',
      'spt',
      'masa',
      'lapor',
      'rendang',
      'jadwal',
      'libur',
      'kantor',
      'laptop',
      'mac',
      'bulan',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: vocab.length - 1 }), { minLength: 1, maxLength: 7 }), fc.integer({ min: 1, max: 4 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (raw) => {
          const counts = new Map<string, number>();
          for (const [idx, n] of raw) counts.set(idx.map((i) => vocab[i]).join(' '), n);
          const { groups, clusterOf } = clusterTexts(counts, core.matcher.normaliser);
          const ordered = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
          const reference = naive(ordered);
          // Same partition: two texts share a cluster in one exactly when they do in the other.
          const texts = [...reference.keys()];
          for (const a of texts) for (const b of texts) expect(clusterOf.get(a) === clusterOf.get(b)).toBe(reference.get(a) === reference.get(b));
          expect(groups.reduce((s, g) => s + g.count, 0)).toBe(texts.reduce((s, t) => s + counts.get(t)!, 0));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('figures from synthetic events', () => {
  it('match independently counted truth, by day and by week, and reuse closed days', async () => {
    const store = createStore({ kind: 'memory' });
    const end = Date.now();
    const truth = await generate(store, { conversations: 3000, days: 21, end, seed: 7 });
    const log = new CurationLog(store);
    log.tzOffsetMinutes = TZ;
    const period = parsePeriod({ from: localDay(end - 21 * 86_400_000, TZ), to: localDay(end, TZ) }, TZ);
    if (typeof period === 'string') throw new Error(period);
    const first = stats();
    const f = await loadInsights(new InsightsSource(log), period, { matcher: core.matcher, catalog: core.catalog, stats: first });
    expect(f.conversations).toMatchObject({
      total: truth.conversations,
      contained: truth.contained,
      confirmedSolved: truth.confirmedSolved,
      handedOff: truth.handedOff,
    });
    expect(Object.fromEntries(f.handoffTriggers.map((t) => [t.trigger, t.conversations]))).toEqual(truth.byTrigger);
    expect(f.fallback).toMatchObject({ turns: truth.turns, fallbacks: truth.fallbacks });
    expect(f.series.reduce((s, b) => s + b.conversations, 0)).toBe(truth.conversations);
    expect(first.rollupsWritten).toBeGreaterThanOrEqual(20);

    const week = await loadInsights(new InsightsSource(log), { ...period, bucket: 'week' }, { matcher: core.matcher });
    expect(week.series.length).toBeLessThanOrEqual(5);
    expect(week.series[0]!.start).toBe(period.from);
    expect(week.series.reduce((s, b) => s + b.handedOff, 0)).toBe(truth.handedOff);
    expect(week.conversations).toEqual(f.conversations);
  });

  it('validates periods with clear messages', () => {
    expect(parsePeriod({ from: '2025-02-30' }, TZ)).toMatch(/from must be a date/);
    expect(parsePeriod({ from: '2025-03-02', to: '2025-03-01' }, TZ)).toMatch(/must not be after/);
    expect(parsePeriod({ days: 0 }, TZ)).toMatch(/days must be between/);
    expect(parsePeriod({ bucket: 'month' }, TZ)).toMatch(/bucket must be day or week/);
    expect(parsePeriod({ from: '2024-01-01', to: '2025-06-01' }, TZ)).toMatch(/at most 366 days/);
  });
});

const ev = {
  turn: { type: 'decision', decision: 'route' } as FlowEvent,
  fallback: (text: string) => ({ type: 'fallback', text, candidates: [] }) as FlowEvent,
  solved: (solved: boolean) => ({ type: 'outcome', intent: 'reset-aplikasi', node: 'enofa', code: 'enofa-reset', solved }) as FlowEvent,
  handoff: { type: 'handoff', trigger: 'procedure-failed', intent: 'reset-aplikasi' } as FlowEvent,
};

/** Two instances (each its own store client and curation log) write; both read the same figures. */
async function acrossInstances(open: () => BotStore): Promise<void> {
  const [storeA, storeB] = [open(), open()];
  const [a, b] = [new CurationLog(storeA, 50), new CurationLog(storeB, 50)];
  a.tzOffsetMinutes = b.tzOffsetMinutes = TZ;
  const now = Date.now();
  // Noon, local time, n days ago (a conversation's few minutes never cross midnight).
  const day = (n: number) => new Date(dayStart(addDays(localDay(now, TZ), -n), TZ) + 12 * 3_600_000);
  // Three days ago: conversation X on both instances (one conversation), Y on B only.
  await a.recordEvents([ev.turn, ev.fallback('cara cetak ulang faktur pajak yang hilang')], day(3), 'X');
  await b.recordEvents([ev.turn, ev.solved(false)], new Date(day(3).getTime() + 60_000), 'X');
  await b.recordEvents([ev.turn, ev.handoff], new Date(day(3).getTime() + 120_000), 'X');
  await b.recordEvents([ev.turn, ev.solved(true)], day(3), 'Y');
  // Today: Z on A, W on B, both instances still buffering when the figures are read.
  await a.recordEvents([ev.turn, ev.fallback('bagaimana cetak ulang faktur pajak hilang')], new Date(now - 60_000), 'Z');
  await b.recordEvents([ev.turn], new Date(now - 60_000), 'W');
  await b.flush();
  const to = localDay(now, TZ);
  const period = { from: addDays(to, -6), to, bucket: 'day' as const, tzOffsetMinutes: TZ };
  const read = async (log: CurationLog, s = stats()) => loadInsights(new InsightsSource(log), period, { matcher: core.matcher, stats: s });
  const first = stats();
  const fa = await read(a, first);
  const fb = await read(b);
  for (const f of [fa, fb]) {
    expect(f.conversations).toMatchObject({ total: 4, handedOff: 1, contained: 3, confirmedSolved: 1 });
    expect(f.fallback).toEqual({ turns: 6, fallbacks: 2, rate: 0.333 });
    expect(f.totals).toEqual({ fallbacks: 2, didYouMean: 0, outcomes: 2, handoffs: 1 });
    expect(f.clusters[0]).toMatchObject({ count: 2 });
  }
  expect(first.rollupsWritten).toBe(1);
  // A late record for the closed day (B's store was down then): the roll-up is rebuilt, not trusted.
  await b.recordEvents([ev.turn, ev.fallback('cara cetak ulang faktur pajak yang hilang ya')], new Date(day(3).getTime() + 180_000), 'V');
  await b.close();
  const again = stats();
  const fc2 = await read(a, again);
  expect(again).toMatchObject({ rollupsRead: 0, rollupsWritten: 1 });
  expect(fc2.conversations.total).toBe(5);
  expect(fc2.clusters[0]).toMatchObject({ count: 3 });
  // And reused as long as nothing changed.
  const reused = stats();
  await read(b, reused);
  expect(reused).toMatchObject({ rollupsRead: 1, rollupsWritten: 0 });
  await a.close();
  await storeA.close();
  await storeB.close();
}

describe('across instances', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('two instances on one sqlite file count each event and conversation once', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'insights-sqlite-')), 'bot.sqlite');
    await acrossInstances(() => createStore({ kind: 'sqlite', sqliteFile: file }));
  });

  it('two instances on one Redis count each event and conversation once', async () => {
    await acrossInstances(() => createStore({ kind: 'redis', redisUrl: redis.url, redisPrefix: 'insights-test:' }));
  });
});

describe('supervisor accounts', () => {
  const hash = 'b'.repeat(64);
  it('accept an optional 4th field "supervisor" and keep 3-field entries as they were', () => {
    expect(loadConfig({ AGENTS: `sari:Sari Wulandari:${hash}:supervisor,budi:Budi:${hash}` }).agents).toEqual([
      { id: 'sari', name: 'Sari Wulandari', keyHash: hash, supervisor: true },
      { id: 'budi', name: 'Budi', keyHash: hash },
    ]);
  });
  it('refuse anything else in the 4th field with a clear message', () => {
    expect(() => loadConfig({ AGENTS: `sari:Sari:${hash}:admin` })).toThrow(
      /AGENTS: entry for "sari": the optional 4th field must be "supervisor" \(got "admin"\)/,
    );
    expect(() => loadConfig({ AGENTS: `sari:Sari:${hash}:supervisor:x` })).toThrow(/4th field must be "supervisor"/);
  });
});
