/**
 * The figures `npm run eval` prints: for each labelled set, the shipped model next to the baseline,
 * on the lines as written and on keyboard-slip variants of them, with 95% Wilson intervals, a
 * reliability table (calibration), and the threshold choice by cross-validation (`--choose`).
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import { IntentClassifier, THRESHOLDS } from '../nlu/classifier.js';
import { BaselineClassifier } from './baseline.js';
import { evaluate, type EvalReport, type LabelledLine, type LineClassifier } from '../nlu/evaluate.js';
import { slip } from '../nlu/slips.js';
import { seededRandom } from '../nlu/softmax.js';

/** 95% Wilson score interval of k successes in n. */
export function wilson(k: number, n: number): [number, number] {
  if (!n) return [0, 1];
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = p + (z * z) / (2 * n);
  const r = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, (c - r) / d), Math.min(1, (c + r) / d)];
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Each line with one or two of its words slipped (alternating), the same every run. */
export function slipVariants(lines: LabelledLine[]): LabelledLine[] {
  return lines.map((l, i) => ({ ...l, text: slip(l.text, seededRandom(hash(l.text)), 1 + (i % 2)) }));
}

export interface Figures {
  inScope: number;
  inScopeCI: [number, number];
  rejected: number;
  rejectedCI: [number, number];
  wrong: number;
  wrongCI: [number, number];
  report: EvalReport;
}

export function figures(model: LineClassifier, lines: LabelledLine[]): Figures {
  const r = evaluate(model, lines);
  return {
    inScope: r.inScope.accuracy,
    inScopeCI: wilson(r.inScope.correct, r.inScope.total),
    rejected: r.outOfScope.rejection,
    rejectedCI: wilson(r.outOfScope.rejected, r.outOfScope.total),
    wrong: r.inScope.wrongIntentRate,
    wrongCI: wilson(r.inScope.wrongIntent, r.inScope.total),
    report: r,
  };
}

export interface ReliabilityBin {
  range: string;
  lines: number;
  meanConfidence: number;
  accuracy: number;
}

/** How often the model is right at each level of its stated confidence; ECE is the weighted gap. */
export function calibration(model: IntentClassifier, lines: LabelledLine[]): { bins: ReliabilityBin[]; ece: number } {
  const edges = [0, 0.3, 0.5, 0.7, 0.9, 1.0001];
  const acc = edges.slice(1).map(() => ({ n: 0, conf: 0, right: 0 }));
  for (const l of lines) {
    const { probs } = model.probabilities(l.text);
    let best = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
    const p = probs[best]!;
    const b = edges.findIndex((e, i) => p >= e && p < edges[i + 1]!);
    const bin = acc[Math.max(0, b)]!;
    bin.n++;
    bin.conf += p;
    if (model.intentIds[best] === l.intent) bin.right++;
  }
  let ece = 0;
  const bins = acc.map((b, i) => {
    const meanConfidence = b.n ? b.conf / b.n : 0;
    const accuracy = b.n ? b.right / b.n : 0;
    ece += (b.n / Math.max(1, lines.length)) * Math.abs(meanConfidence - accuracy);
    return { range: `${edges[i]!.toFixed(1)}–${Math.min(1, edges[i + 1]!).toFixed(1)}`, lines: b.n, meanConfidence, accuracy };
  });
  return { bins, ece };
}

export interface ThresholdChoice {
  thresholds: typeof THRESHOLDS;
  folds: number;
  lines: number;
  inScope: number;
  rejected: number;
  wrong: number;
  inScopeCI: [number, number];
  rejectedCI: [number, number];
  wrongCI: [number, number];
  /** The grid, best first (top few). */
  grid: Array<{ thresholds: typeof THRESHOLDS; objective: number }>;
}

/** The examples split into k folds (the same split every run), and the catalog without fold f. */
function folded(catalog: Catalog, folds: number) {
  const all = [...catalog.intents.values()].flatMap((i) => i.examples.map((e, k) => ({ intent: i.id, text: e, fold: hash(`${i.id}:${k}:${e}`) % folds })));
  const without = (f: number): Catalog => ({
    ...catalog,
    intents: new Map(
      [...catalog.intents].map(([id, intent]) => [id, { ...intent, examples: intent.examples.filter((e, k) => hash(`${id}:${k}:${e}`) % folds !== f) }]),
    ),
  });
  return { all, without };
}

/** The objective both choices maximise: in-scope right + out-of-scope rejected − 3 × sent to a wrong procedure. */
const objectiveOf = (r: EvalReport) => r.inScope.accuracy + r.outOfScope.rejection - 3 * r.inScope.wrongIntentRate;

/**
 * The baseline's one threshold, chosen the same way as the shipped model's: by k-fold cross-validation
 * over the examples (each fold scored by a baseline trained without it).
 */
export function chooseBaselineThreshold(catalog: Catalog, folds = 5): number {
  const { all, without } = folded(catalog, folds);
  const models = Array.from({ length: folds }, (_, f) => new BaselineClassifier(without(f)));
  let best = { t: 0.3, objective: -Infinity };
  for (const t of [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    for (const m of models) m.threshold = t;
    // One classifier that answers each held-out line with the model that did not see it.
    const byLine = new Map(all.map((e) => [e.text, e.fold]));
    const r = evaluate({ classify: (text) => models[byLine.get(text) ?? 0]!.classify(text), scopeIntents: models[0]!.scopeIntents }, all);
    const objective = objectiveOf(r);
    if (objective > best.objective + 1e-9) best = { t, objective };
  }
  return best.t;
}

/**
 * Thresholds by k-fold cross-validation: each fold's model is trained without one fold of the
 * examples and scored on that fold (plus any extra held-out lines); the grid point with the best
 * objective (in-scope right + out-of-scope rejected − 3 × sent to a wrong procedure) wins.
 */
export function chooseThresholds(catalog: Catalog, tune: LabelledLine[] = [], folds = 5): ThresholdChoice {
  const { all, without } = folded(catalog, folds);
  const scored: Array<{
    line: LabelledLine;
    model: IntentClassifier;
    probs: Float64Array;
    normalised: ReturnType<IntentClassifier['probabilities']>['normalised'];
  }> = [];
  for (let f = 0; f < folds; f++) {
    const model = new IntentClassifier(without(f));
    const held = [...all.filter((e) => e.fold === f), ...tune.filter((_, i) => i % folds === f)];
    for (const line of held) scored.push({ line, model, ...model.probabilities(line.text) });
  }
  const grid: ThresholdChoice['grid'] = [];
  let best: { t: typeof THRESHOLDS; objective: number; r: { ic: number; it: number; oc: number; ot: number; w: number } } | undefined;
  for (const ROUTE of [0.4, 0.45, 0.5, 0.55, 0.6, 0.65]) {
    for (const SUGGEST of [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55]) {
      for (const AMBIGUITY_MARGIN of [0.05, 0.1]) {
        if (SUGGEST > ROUTE) continue;
        const t = { ROUTE, SUGGEST, AMBIGUITY_MARGIN };
        let ic = 0,
          it = 0,
          oc = 0,
          ot = 0,
          w = 0;
        for (const s of scored) {
          const c = s.model.decide(s.line.text, s.probs, s.normalised, t);
          if (s.line.intent === NONE_INTENT) {
            ot++;
            if (c.intent === NONE_INTENT) oc++;
          } else {
            it++;
            if (c.intent === s.line.intent) ic++;
            else if (c.intent !== NONE_INTENT) w++;
          }
        }
        const objective = ic / it + oc / ot - (3 * w) / it;
        grid.push({ thresholds: t, objective });
        if (!best || objective > best.objective + 1e-9) best = { t, objective, r: { ic, it, oc, ot, w } };
      }
    }
  }
  grid.sort((a, b) => b.objective - a.objective);
  const r = best!.r;
  return {
    thresholds: best!.t,
    folds,
    lines: scored.length,
    inScope: r.ic / r.it,
    rejected: r.oc / r.ot,
    wrong: r.w / r.it,
    inScopeCI: wilson(r.ic, r.it),
    rejectedCI: wilson(r.oc, r.ot),
    wrongCI: wilson(r.w, r.it),
    grid: grid.slice(0, 5),
  };
}
