/**
 * Intent matcher: which curated intent a message is about, how sure we are, and what to do.
 *
 * Scoring, per intent (0..1):
 *   - TF-IDF cosine between the message and each example (unigrams + bigrams over normalised,
 *     stemmed tokens); the intent takes its best example, blended with its centroid;
 *   - keyword phrases and entity patterns from the intent file add evidence;
 *   - long messages are also scored on their last sentences (users tell a story, then ask).
 * Words never seen in any example (e.g. "efin", "windows") keep their weight in the message vector,
 * so a message about something else scores low instead of borrowing an intent's shared words.
 *
 * The decision policy (thresholds below) turns scores into route / did-you-mean / fallback.
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import { ANSWER_WORDS } from './answer-words.js';
import { Normaliser, type Normalised } from './normalise.js';

/**
 * Decision thresholds, tuned on the development set (tests/data/devset.jsonl), never on the examples.
 *  - ROUTE: at or above, a clear winner is routed directly.
 *  - SUGGEST: between SUGGEST and ROUTE the bot asks "did you mean…?"; below SUGGEST it falls back.
 *  - AMBIGUITY_MARGIN: when the runner-up is within this margin of the winner (and above SUGGEST),
 *    the bot asks which of the two is meant (Rasa's ambiguity threshold, QnA Maker's active learning).
 */
export const THRESHOLDS = {
  ROUTE: 0.55,
  SUGGEST: 0.4,
  AMBIGUITY_MARGIN: 0.06,
} as const;

const KEYWORD_BOOST = 0.18;
const PATTERN_BOOST = 0.35;
const CENTROID_WEIGHT = 0.2;
/** How strongly a term's spread over intents damps its weight (0 = plain IDF). */
export const INTENT_SPREAD_POWER = 0.3;

export type Decision = 'route' | 'did-you-mean' | 'fallback';

export interface Candidate {
  intent: string;
  score: number;
}

export interface Classification {
  text: string;
  /** The best in-scope intent, or `none` on fallback. */
  intent: string;
  score: number;
  /** Other candidates, best first (on did-you-mean: the other intent offered). */
  alternatives: Candidate[];
  decision: Decision;
  codes: string[];
  /** Ranked in-scope candidates (for the did-you-mean choices and the review report). */
  ranked: Candidate[];
}

interface ExampleVec {
  intent: number;
  norm: number;
}

function features(tokens: string[]): string[] {
  const f = [...tokens];
  for (let i = 0; i + 1 < tokens.length; i++) f.push(`${tokens[i]}_${tokens[i + 1]}`);
  return f;
}

function containsSeq(hay: string[], needle: string[]): boolean {
  if (!needle.length || needle.length > hay.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export class Matcher {
  readonly normaliser: Normaliser;
  private readonly intentIds: string[];
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  /** term -> postings (example index, weight). */
  private readonly postings = new Map<string, Array<[number, number]>>();
  private readonly examples: ExampleVec[] = [];
  /** per intent: term -> centroid weight (normalised). */
  private readonly centroids: Array<Map<string, number>> = [];
  private readonly keywords: string[][][] = [];
  private readonly patterns: RegExp[][] = [];
  private readonly noneIndex: number;
  /** Build time of the index in ms (reported by the benchmark). */
  readonly buildMs: number;

  constructor(catalog: Catalog) {
    const t0 = performance.now();
    this.normaliser = new Normaliser(catalog.lexicon);
    const intents = [...catalog.intents.values()];
    this.intentIds = intents.map((i) => i.id);
    this.noneIndex = this.intentIds.indexOf(NONE_INTENT);

    // Pass 1: normalise examples and keywords without a vocabulary; their tokens become the vocabulary.
    const exTokens: Array<{ intent: number; tokens: string[] }> = [];
    const vocab = new Set<string>();
    intents.forEach((intent, idx) => {
      for (const ex of intent.examples) {
        const n = this.normaliser.normalise(ex);
        if (!n.tokens.length) continue;
        exTokens.push({ intent: idx, tokens: n.tokens });
        n.tokens.forEach((t) => vocab.add(t));
      }
      this.keywords.push(
        intent.keywords.map((k) => {
          const toks = this.normaliser.normalise(k).tokens;
          toks.forEach((t) => vocab.add(t));
          return toks;
        }),
      );
      this.patterns.push(intent.patterns.map((p) => new RegExp(p, 'u')));
    });
    // Words users answer prompts with and the options' own words are real words too: never "correct" them.
    for (const w of ANSWER_WORDS) vocab.add(w);
    for (const intent of intents) {
      for (const node of Object.values(intent.nodes)) {
        if (node.type !== 'question') continue;
        for (const c of node.choices) for (const t of [c.label, ...c.synonyms]) this.normaliser.normalise(t).tokens.forEach((x) => vocab.add(x));
      }
    }
    this.normaliser.setVocabulary(vocab);

    // IDF over examples, smoothed.
    const df = new Map<string, number>();
    const exFeats = exTokens.map((e) => new Set(features(e.tokens)));
    for (const fs of exFeats) for (const f of fs) df.set(f, (df.get(f) ?? 0) + 1);
    const n = exFeats.length;
    // Terms spread over many intents ("cara", "bagaimana") say little about which intent is meant:
    // the example-level IDF is damped by how many intents use the term.
    const intentDf = new Map<string, Set<number>>();
    exFeats.forEach((fs, i) => {
      for (const f of fs) {
        let set = intentDf.get(f);
        if (!set) intentDf.set(f, (set = new Set()));
        set.add(exTokens[i]!.intent);
      }
    });
    const nIntents = intents.length;
    for (const [f, d] of df) {
      const spread = intentDf.get(f)!.size;
      this.idf.set(f, Math.log(1 + n / d) * Math.pow(Math.log(1 + nIntents / spread) / Math.log(1 + nIntents), INTENT_SPREAD_POWER));
    }
    this.maxIdf = Math.log(1 + n);

    // Example vectors (binary tf * idf), postings, centroids.
    const centroidAcc = intents.map(() => new Map<string, number>());
    exFeats.forEach((fs, exIdx) => {
      let norm = 0;
      for (const f of fs) norm += this.weight(f) ** 2;
      norm = Math.sqrt(norm) || 1;
      const intent = exTokens[exIdx]!.intent;
      this.examples.push({ intent, norm });
      for (const f of fs) {
        const w = this.weight(f) / norm;
        let list = this.postings.get(f);
        if (!list) this.postings.set(f, (list = []));
        list.push([exIdx, w]);
        const c = centroidAcc[intent]!;
        c.set(f, (c.get(f) ?? 0) + w);
      }
    });
    for (const c of centroidAcc) {
      let norm = 0;
      for (const v of c.values()) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      for (const [k, v] of c) c.set(k, v / norm);
      this.centroids.push(c);
    }
    this.buildMs = performance.now() - t0;
  }

  /** Bigrams weigh less than words; unknown words weigh as the rarest known word. */
  private weight(f: string): number {
    const idf = this.idf.get(f) ?? this.maxIdf;
    return f.includes('_') ? idf * 0.5 : idf;
  }

  private scoreTokens(tokens: string[]): Float64Array {
    const scores = new Float64Array(this.intentIds.length);
    if (!tokens.length) return scores;
    const feats = [...new Set(features(tokens))];
    // Unknown bigrams say little; unknown words say "this is about something else".
    const qFeats = feats.filter((f) => !f.includes('_') || this.idf.has(f));
    let qNorm = 0;
    for (const f of qFeats) qNorm += this.weight(f) ** 2;
    qNorm = Math.sqrt(qNorm) || 1;
    const exScores = new Map<number, number>();
    for (const f of qFeats) {
      const list = this.postings.get(f);
      if (!list) continue;
      const qw = this.weight(f) / qNorm;
      for (const [ex, w] of list) exScores.set(ex, (exScores.get(ex) ?? 0) + qw * w);
    }
    for (const [ex, s] of exScores) {
      const i = this.examples[ex]!.intent;
      if (s > scores[i]!) scores[i] = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] === 0) continue;
      const c = this.centroids[i]!;
      let cos = 0;
      for (const f of qFeats) {
        const w = c.get(f);
        if (w) cos += (this.weight(f) / qNorm) * w;
      }
      scores[i] = (1 - CENTROID_WEIGHT) * scores[i]! + CENTROID_WEIGHT * Math.min(1, cos * 1.6);
    }
    return scores;
  }

  /** Scores every intent for a message (0..1 each). */
  score(text: string): { scores: Float64Array; normalised: Normalised } {
    const normalised = this.normaliser.normalise(text);
    const scores = this.scoreTokens(normalised.tokens);
    // Long messages: the question is often in the last sentence(s).
    if (normalised.tokens.length > 12) {
      const sentences = (text ?? '').slice(0, 4000).split(/[.?!\n]+/).map((s) => s.trim()).filter(Boolean);
      const tail = sentences.slice(-2).join(' ');
      if (tail && sentences.length > 1) {
        const t = this.scoreTokens(this.normaliser.normalise(tail).tokens);
        for (let i = 0; i < scores.length; i++) scores[i] = Math.max(scores[i]!, t[i]! * 0.95);
      }
    }
    for (let i = 0; i < scores.length; i++) {
      let boost = 0;
      for (const kw of this.keywords[i]!) if (containsSeq(normalised.tokens, kw)) boost += KEYWORD_BOOST;
      for (const re of this.patterns[i]!) if (re.test(normalised.text)) boost += PATTERN_BOOST;
      if (boost) scores[i] = scores[i]! + Math.min(boost, PATTERN_BOOST + KEYWORD_BOOST) * (1 - scores[i]! * 0.5);
      scores[i] = Math.min(1, scores[i]!);
    }
    return { scores, normalised };
  }

  classify(text: string): Classification {
    const { scores, normalised } = this.score(text);
    const all: Candidate[] = this.intentIds.map((intent, i) => ({ intent, score: scores[i]! })).sort((a, b) => b.score - a.score);
    const ranked = all.filter((c) => c.intent !== NONE_INTENT);
    const top = all[0] ?? { intent: NONE_INTENT, score: 0 };
    const best = ranked[0];
    const second = ranked[1];
    const noneScore = this.noneIndex >= 0 ? scores[this.noneIndex]! : 0;
    const out = (intent: string, score: number, decision: Decision, alternatives: Candidate[]): Classification => ({
      text,
      intent,
      score: round(score),
      alternatives: alternatives.map((c) => ({ intent: c.intent, score: round(c.score) })),
      decision,
      codes: normalised.codes,
      ranked: ranked.slice(0, 5).map((c) => ({ intent: c.intent, score: round(c.score) })),
    });

    if (!best || top.intent === NONE_INTENT || best.score < THRESHOLDS.SUGGEST) {
      // Out of scope: the confidence reported is how sure we are it is out of scope.
      const conf = top.intent === NONE_INTENT ? top.score : 1 - (best?.score ?? 0);
      return out(NONE_INTENT, Math.max(0, Math.min(1, conf)), 'fallback', ranked.slice(0, 2));
    }
    const close = second && second.score >= THRESHOLDS.SUGGEST && best.score - second.score < THRESHOLDS.AMBIGUITY_MARGIN;
    if (close) return out(best.intent, best.score, 'did-you-mean', [second]);
    if (best.score < THRESHOLDS.ROUTE || best.score - noneScore < THRESHOLDS.AMBIGUITY_MARGIN) {
      return out(best.intent, best.score, 'did-you-mean', second && second.score >= THRESHOLDS.SUGGEST ? [second] : []);
    }
    return out(best.intent, best.score, 'route', ranked.slice(1, 3));
  }
}
