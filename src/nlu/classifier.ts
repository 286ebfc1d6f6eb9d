/**
 * The intent classifier: a softmax model trained at start-up from the examples in `intents/`
 * (`none` is a trained class), over the normaliser's output (see features.ts), and a decision policy
 * that turns its probabilities into route / did-you-mean / fallback.
 *
 * Training data is every example plus one keyboard-slip variant of each (a swapped, dropped or doubled
 * letter in one word, generated deterministically), so users' slips are seen in training the way the
 * evaluation's slip variants are seen in testing. The same content always gives the same model.
 */
import type { Catalog } from '../catalog/load.js';
import type { Intent } from '../catalog/schema.js';
import { NONE_INTENT } from '../catalog/load.js';
import { COMMON_WORDS } from './common-words.js';
import { ANSWER_WORDS } from './answer-words.js';
import { FEATURE_OPTIONS, FeatureSpace, type FeatureOptions } from './features.js';
import { modelKey, readCachedModel, writeCachedModel } from './model-cache.js';
import { Normaliser, stem, type Normalised } from './normalise.js';
import { withSlips } from './slips.js';
import { SoftmaxModel, TRAIN_OPTIONS, seededRandom, type SparseVector, type TrainOptions } from './softmax.js';
import { MESSAGE_CHARS } from '../limits.js';

/**
 * Decision thresholds on the model's probabilities, chosen by cross-validation over the examples
 * plus the tuning half of the development set (`npm run eval -- --choose`; README, "The intent model").
 *  - ROUTE: at or above, the best intent is routed directly;
 *  - SUGGEST: between SUGGEST and ROUTE the bot asks "did you mean…?"; below it falls back;
 *  - AMBIGUITY_MARGIN: two in-scope intents closer than this (both above SUGGEST) are both offered.
 */
export const THRESHOLDS = {
  ROUTE: 0.55,
  SUGGEST: 0.4,
  AMBIGUITY_MARGIN: 0.05,
};

export type Decision = 'route' | 'did-you-mean' | 'fallback';

export interface Candidate {
  intent: string;
  score: number;
}

export interface Classification {
  text: string;
  /** The best in-scope intent, or `none` on fallback. */
  intent: string;
  /** The model's probability of `intent` (on fallback: of being out of scope). */
  score: number;
  /** Other candidates, best first (on did-you-mean: the other intent offered). */
  alternatives: Candidate[];
  decision: Decision;
  codes: string[];
  /** In-scope intents by probability, best first (did-you-mean choices, the review report). */
  ranked: Candidate[];
  /** Intents whose `patterns` name one of the message's error codes. */
  codeIntents: string[];
}

export interface ClassifierOptions {
  thresholds?: typeof THRESHOLDS;
  features?: FeatureOptions;
  training?: TrainOptions;
  /** Train on keyboard-slip variants of each example too (default true). */
  slips?: boolean;
  slipCopies?: number;
  /** Use the intents' `patterns` as overrides when the model is unsure (default true). */
  patterns?: boolean;
  /**
   * A folder where the trained model is kept, keyed by the content and the code (model-cache.ts): with
   * unchanged content start-up reads it instead of training. Absent: always train.
   */
  cacheDir?: string;
}

/** Everything that decides the trained model besides the code (the cache key hashes both). */
function trainingInputs(catalog: Catalog, options: ClassifierOptions): unknown {
  return {
    lexicon: catalog.lexicon,
    answerWords: [...ANSWER_WORDS],
    // The language's common words change the repair, so the model (a new package version: a new list).
    commonWords: COMMON_WORDS.size,
    intents: [...catalog.intents.values()].map((i) => ({
      id: i.id,
      examples: i.examples,
      keywords: i.keywords,
      choices: Object.values(i.nodes).flatMap((n) => (n.type === 'question' ? n.choices.map((c) => [c.label, ...c.synonyms]) : [])),
    })),
    features: options.features ?? FEATURE_OPTIONS,
    training: options.training ?? TRAIN_OPTIONS,
    slips: options.slips ?? true,
    slipCopies: options.slipCopies ?? SLIP_COPIES,
    rowPasses: ROW_PASSES,
  };
}

/**
 * A long message's last two sentences are read on their own when the whole is undecided; one the
 * model gives at least this probability is averaged in. Chosen on the choosing sets (all sentences,
 * or 0.7/0.9, did worse there).
 */
const SENTENCE_SURE = 0.8;
/** Slipped copies of each example in training. */
const SLIP_COPIES = 1;

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * SGD passes over the training rows: the chosen epochs for a catalog the size of today's, fewer for a
 * much larger one (five times the examples sees each row in 2 epochs as often as today's in 5 in total
 * work, so start-up stays within its bound as the content grows; never under 2).
 */
const ROW_PASSES = 26_000;
function trainingFor(rows: number): TrainOptions {
  return { ...TRAIN_OPTIONS, epochs: Math.min(TRAIN_OPTIONS.epochs, Math.max(2, Math.ceil(ROW_PASSES / Math.max(1, rows)))) };
}

export class IntentClassifier {
  readonly normaliser: Normaliser;
  readonly intentIds: string[];
  readonly scopeIntents: ReadonlySet<string>;
  private readonly noneIndex: number;
  private readonly features: FeatureSpace;
  /** Per intent, its `patterns` (error codes, exact messages): explicit overrides when the model is unsure. */
  private readonly patterns: RegExp[][];
  private readonly model: SoftmaxModel;
  /** Training (or loading) time in ms (reported at start-up and by the benchmark). */
  readonly buildMs: number;
  readonly trainingSize: number;
  /** The model was read from `cacheDir` instead of trained. */
  readonly fromCache: boolean;

  constructor(catalog: Catalog, options: ClassifierOptions = {}) {
    const t0 = performance.now();
    this.thresholds = options.thresholds ?? THRESHOLDS;
    this.features = new FeatureSpace(options.features);
    this.normaliser = new Normaliser(catalog.lexicon);
    const intents = [...catalog.intents.values()];
    this.intentIds = intents.map((i) => i.id);
    this.scopeIntents = new Set(intents.filter((i) => i.scope).map((i) => i.id));
    this.noneIndex = this.intentIds.indexOf(NONE_INTENT);
    this.patterns = options.patterns === false ? intents.map(() => []) : intents.map((i) => i.patterns.map((p) => new RegExp(p, 'u')));

    const key = options.cacheDir ? modelKey(trainingInputs(catalog, options)) : undefined;
    const cached = key ? readCachedModel(options.cacheDir!, key) : undefined;
    if (cached && cached.intentIds.join('\n') === this.intentIds.join('\n')) {
      this.normaliser.setVocabulary(cached.vocabulary, cached.unsure);
      this.features.restore(cached.features);
      this.model = new SoftmaxModel(cached.features.length, this.intentIds.length, cached.weights, cached.bias);
      this.trainingSize = cached.trainingSize;
      this.fromCache = true;
    } else {
      const t = this.train(catalog, intents, options);
      this.model = t.model;
      this.trainingSize = t.trainingSize;
      this.fromCache = false;
      if (key)
        writeCachedModel(options.cacheDir!, key, {
          intentIds: this.intentIds,
          vocabulary: t.vocabulary,
          unsure: t.unsure,
          features: this.features.names(),
          trainingSize: t.trainingSize,
          weights: t.model.weights,
          bias: t.model.bias,
        });
    }
    this.buildMs = performance.now() - t0;
  }

  private readonly thresholds: typeof THRESHOLDS;

  /** Sets the normaliser's vocabulary and the feature ids from the examples, and trains the model. */
  private train(
    catalog: Catalog,
    intents: Intent[],
    options: ClassifierOptions,
  ): { model: SoftmaxModel; trainingSize: number; vocabulary: string[]; unsure: string[] } {
    // The vocabulary the normaliser corrects typos towards: examples, keywords, options, answer words.
    const vocab = new Set<string>([...ANSWER_WORDS, ...catalog.lexicon.keep.flatMap((w) => [w, stem(w)])]);
    const fromExamples = new Set<string>();
    for (const intent of intents) {
      for (const t of intent.examples) for (const w of this.normaliser.normalise(t).tokens) fromExamples.add(w);
      for (const t of intent.keywords) for (const w of this.normaliser.normalise(t).tokens) vocab.add(w);
      for (const node of Object.values(intent.nodes)) {
        if (node.type !== 'question') continue;
        for (const c of node.choices) for (const t of [c.label, ...c.synonyms]) for (const w of this.normaliser.normalise(t).tokens) vocab.add(w);
      }
    }
    const vocabulary = [...vocab, ...fromExamples];
    const unsure = [...fromExamples].filter((w) => !vocab.has(w));
    this.normaliser.setVocabulary(vocabulary, unsure);

    const rand = seededRandom(7);
    const framing = this.framing(catalog);
    // Each training line becomes a sparse vector at once (features get ids as first seen).
    const xs: SparseVector[] = [];
    const ys: number[] = [];
    intents.forEach((intent, y) => {
      const framed = framing(intent.id);
      for (const ex of intent.examples) {
        const n = this.normaliser.normalise(ex);
        if (!n.tokens.length) continue;
        // The slip is made after normalisation: it stands for the typos the normaliser could not repair.
        const variants = [n.tokens];
        for (let k = 0; k < (options.slips === false ? 0 : (options.slipCopies ?? SLIP_COPIES)); k++) {
          const v = withSlips(n.tokens.join(' '), rand)[1];
          if (v) variants.push(v.split(' '));
        }
        // The last copy (the slipped one) is the one framed: the rows, and so the training time, stay as they were.
        const frame = framed?.();
        if (frame) variants.push([...frame[0], ...variants.pop()!, ...frame[1]]);
        for (const tokens of variants) {
          xs.push(this.features.vector(tokens, n.codes, true));
          ys.push(y);
        }
      }
    });
    const model = SoftmaxModel.train(xs, ys, this.features.size, this.intentIds.length, options.training ?? trainingFor(xs.length));
    return { model, trainingSize: xs.length, vocabulary, unsure };
  }

  /**
   * Per intent, a source of polite frames for its examples (`_lexicon.yaml: frames`): a share of them
   * is trained once more with an opening, a closing or both around it, chosen by a seeded draw of
   * its own (the slips stay as they were). None for the intents in `except`.
   */
  private framing(catalog: Catalog): (intent: string) => (() => [string[], string[]] | undefined) | undefined {
    const f = catalog.lexicon.frames;
    const tokens = (list: string[]) => list.map((t) => this.normaliser.normalise(t).tokens).filter((t) => t.length);
    const openings = tokens(f.openings);
    const closings = tokens(f.closings);
    if (f.share <= 0 || (!openings.length && !closings.length)) return () => undefined;
    const rand = seededRandom(11);
    const pick = (list: string[][]) => list[Math.floor(rand() * list.length)];
    const except = new Set(f.except);
    return (intent) =>
      except.has(intent)
        ? undefined
        : () => {
            if (rand() >= f.share) return undefined;
            const r = rand();
            const open = (r < 0.8 || !closings.length) && openings.length ? pick(openings)! : [];
            const close = (r >= 0.5 || !open.length) && closings.length ? pick(closings)! : [];
            return [open, close];
          };
  }

  private vector(n: Normalised): SparseVector {
    return this.features.vector(n.tokens, n.codes);
  }

  /** Probabilities per intent (in `intentIds` order) for a message. */
  probabilities(text: string): { probs: Float64Array; normalised: Normalised } {
    const normalised = this.normaliser.normalise(text);
    if (!normalised.tokens.length) {
      const probs = new Float64Array(this.intentIds.length);
      if (this.noneIndex >= 0) probs[this.noneIndex] = 1;
      return { probs, normalised };
    }
    const probs = this.model.predict(this.vector(normalised));
    if (normalised.tokens.length > 14) this.sentenceView(text, probs);
    return { probs, normalised };
  }

  /**
   * Long stories: when the whole message is undecided, one of its last two sentences (where the
   * question usually is) that the model is sure about speaks for it too.
   */
  private sentenceView(text: string, probs: Float64Array): void {
    let best = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
    if (probs[best]! >= this.thresholds.ROUTE) return;
    const sentences = text
      .slice(0, MESSAGE_CHARS)
      .split(/[.?!\n]+/)
      .map((x) => x.trim())
      .filter((x) => x.split(/\s+/).length >= 3);
    if (sentences.length < 2) return;
    let pick: Float64Array | undefined;
    let pickP = 0;
    for (const sentence of sentences.slice(-2)) {
      const n = this.normaliser.normalise(sentence);
      if (!n.tokens.length) continue;
      const p = this.model.predict(this.vector(n));
      let b = 0;
      for (let i = 1; i < p.length; i++) if (p[i]! > p[b]!) b = i;
      if (b !== this.noneIndex && p[b]! > pickP) [pick, pickP] = [p, p[b]!];
    }
    if (pick && pickP >= SENTENCE_SURE) for (let i = 0; i < probs.length; i++) probs[i] = (probs[i]! + pick[i]!) / 2;
  }

  classify(text: string): Classification {
    const { probs, normalised } = this.probabilities(text);
    return this.decide(text, probs, normalised, this.thresholds);
  }

  /** The decision for given probabilities under given thresholds (the evaluation tries many). */
  decide(text: string, probs: Float64Array, normalised: Normalised, T: typeof THRESHOLDS): Classification {
    const all: Candidate[] = this.intentIds
      .map((intent, i) => ({ intent, score: probs[i]! }))
      .sort((a, b) => b.score - a.score || (a.intent < b.intent ? -1 : 1));
    const ranked = all.filter((c) => c.intent !== NONE_INTENT);
    const top = all[0]!;
    const best = ranked[0];
    const second = ranked[1];
    const naming = (codes: string[]) => this.intentIds.filter((_, i) => this.patterns[i]!.some((re) => codes.some((c) => re.test(c))));
    const codeIntents = normalised.codes.length ? naming(normalised.codes) : [];
    const out = (intent: string, score: number, decision: Decision, alternatives: Candidate[]): Classification => ({
      text,
      intent,
      score: round(score),
      alternatives: alternatives.map((c) => ({ intent: c.intent, score: round(c.score) })),
      decision,
      codes: normalised.codes,
      ranked: ranked.slice(0, 5).map((c) => ({ intent: c.intent, score: round(c.score) })),
      codeIntents,
    });
    // A procedure's own error code outranks the words around it ("belum registrasi, muncul ETAX-40005"):
    // the code's topic wins when the model ranks it among its first three.
    const routes = !!best && top.intent !== NONE_INTENT && best.score >= T.ROUTE;
    const codeRank = codeIntents.length === 1 ? ranked.findIndex((c) => c.intent === codeIntents[0]) : -1;
    // An error code the model is unsure about: the intent whose pattern names it decides. So does an error's
    // message quoted without its code ("… katanya User tidak ditemukan"), under the same rule (the flow
    // itself does not read quoted messages as codes).
    let overrides: string[] = [];
    if (normalised.codes.length) {
      if (!routes || (codeRank > 0 && codeRank < 3)) overrides = codeIntents;
    } else {
      const quoted = naming(this.normaliser.quotedCodes(normalised.tokens));
      const quotedRank = quoted.length === 1 ? ranked.findIndex((c) => c.intent === quoted[0]) : -1;
      if (!routes || (quotedRank > 0 && quotedRank < 3)) overrides = quoted;
    }
    if (overrides.length === 1) {
      const id = overrides[0]!;
      return out(id, Math.max(probs[this.intentIds.indexOf(id)]!, T.ROUTE), 'route', ranked.filter((c) => c.intent !== id).slice(0, 2));
    }
    if (!best || top.intent === NONE_INTENT || best.score < T.SUGGEST) {
      const noneP = this.noneIndex >= 0 ? probs[this.noneIndex]! : 1 - (best?.score ?? 0);
      return out(NONE_INTENT, noneP, 'fallback', ranked.slice(0, 2));
    }
    if (second && second.score >= T.SUGGEST && best.score - second.score < T.AMBIGUITY_MARGIN) return out(best.intent, best.score, 'did-you-mean', [second]);
    if (best.score < T.ROUTE) return out(best.intent, best.score, 'did-you-mean', second && second.score >= T.SUGGEST ? [second] : []);
    return out(best.intent, best.score, 'route', ranked.slice(1, 3));
  }
}
