/**
 * Measures the matcher on a labelled set: in-scope accuracy, out-of-scope rejection, wrong-intent
 * rate, per-intent precision/recall, confusion matrix and the misclassified lines.
 * "Predicted" is the classify contract's `intent` (on did-you-mean: the best candidate).
 */
import { NONE_INTENT } from '../catalog/load.js';
/** Anything that classifies a line the way the bot does (the shipped model, a baseline). */
export interface LineClassifier {
  classify(text: string): { intent: string; score: number; decision: string };
  /** Topics that answer with a statement of scope (intent `scope: true`): out of scope lines sent there are rejected. */
  readonly scopeIntents?: ReadonlySet<string>;
}

export interface LabelledLine {
  text: string;
  intent: string;
}

export interface EvalReport {
  total: number;
  inScope: { total: number; correct: number; accuracy: number; wrongIntent: number; wrongIntentRate: number; rejected: number; didYouMean: number };
  outOfScope: { total: number; rejected: number; rejection: number };
  perIntent: Record<string, { precision: number; recall: number; support: number }>;
  confusion: Record<string, Record<string, number>>;
  errors: Array<{ text: string; expected: string; predicted: string; score: number; decision: string }>;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 10000) / 10000);

export function evaluate(matcher: LineClassifier, lines: LabelledLine[]): EvalReport {
  const confusion: Record<string, Record<string, number>> = {};
  const errors: EvalReport['errors'] = [];
  let inTotal = 0,
    inCorrect = 0,
    inWrong = 0,
    inRejected = 0,
    inDym = 0,
    outTotal = 0,
    outRejected = 0;
  const tp: Record<string, number> = {},
    fp: Record<string, number> = {},
    support: Record<string, number> = {};
  for (const line of lines) {
    const c = matcher.classify(line.text);
    const predicted = line.intent === NONE_INTENT && matcher.scopeIntents?.has(c.intent) ? NONE_INTENT : c.intent;
    (confusion[line.intent] ??= {})[predicted] = (confusion[line.intent]![predicted] ?? 0) + 1;
    support[line.intent] = (support[line.intent] ?? 0) + 1;
    if (predicted === line.intent) tp[predicted] = (tp[predicted] ?? 0) + 1;
    else {
      fp[predicted] = (fp[predicted] ?? 0) + 1;
      errors.push({ text: line.text, expected: line.intent, predicted, score: c.score, decision: c.decision });
    }
    if (line.intent === NONE_INTENT) {
      outTotal++;
      if (predicted === NONE_INTENT) outRejected++;
    } else {
      inTotal++;
      if (c.decision === 'did-you-mean') inDym++;
      if (predicted === line.intent) inCorrect++;
      else if (predicted === NONE_INTENT) inRejected++;
      else inWrong++;
    }
  }
  const perIntent: EvalReport['perIntent'] = {};
  for (const id of new Set([...Object.keys(support), ...Object.keys(fp)])) {
    const t = tp[id] ?? 0;
    perIntent[id] = { precision: ratio(t, t + (fp[id] ?? 0)), recall: ratio(t, support[id] ?? 0), support: support[id] ?? 0 };
  }
  return {
    total: lines.length,
    inScope: {
      total: inTotal,
      correct: inCorrect,
      accuracy: ratio(inCorrect, inTotal),
      wrongIntent: inWrong,
      wrongIntentRate: ratio(inWrong, inTotal),
      rejected: inRejected,
      didYouMean: inDym,
    },
    outOfScope: { total: outTotal, rejected: outRejected, rejection: ratio(outRejected, outTotal) },
    perIntent,
    confusion,
    errors,
  };
}
