/**
 * Matcher micro-benchmark: training the intent model, `loadCore`, classification latency over the
 * dev set (wall clock and CPU time), in the bench process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../src/catalog/load.js';
import { loadCore } from '../src/core.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { slip } from '../src/nlu/slips.js';
import { seededRandom } from '../src/nlu/softmax.js';
import { ROOT, median, percentile, r1, r2, r3 } from './common.js';

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
  const bigger = {
    ...catalog,
    intents: new Map(
      [...catalog.intents].map(([id, intent]) => [
        id,
        { ...intent, examples: intent.examples.flatMap((e) => [e, slip(e, rand), slip(e, rand), slip(e, rand, 2), slip(e, rand, 2)]) },
      ]),
    ),
  };
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
