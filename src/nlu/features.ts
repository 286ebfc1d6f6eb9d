/**
 * Features of a normalised message for the intent model, as a sparse vector over named features:
 *  - word unigrams and bigrams of the normaliser's tokens (`w:`, `b:`);
 *  - character n-grams (3..5) inside each word, with word-boundary marks (`c:<ef`, `c:tur>`), so an
 *    unseen spelling ("efakturrr", "registasi") still shares most of its pieces with a known word;
 *  - error-code entities: the code itself and its family (`code:40005` vs `code:other`), because a code
 *    that never appears in an example must still say "this is about an error code".
 * Each group is scaled to unit length before they are added, so a long word does not outvote a sentence.
 */
import { LRUCache } from 'lru-cache';
import type { SparseVector } from './softmax.js';

export interface FeatureOptions {
  minN: number;
  maxN: number;
  /** Weight of the character group relative to the word group. */
  charWeight: number;
  bigramWeight: number;
}

// Character n-grams from 3 letters: with the development sets folded into the examples (2026-12-02),
// 2-grams added a quarter of the training cost and nothing measurable in cross-validation or the
// conversation sets.
export const FEATURE_OPTIONS: FeatureOptions = { minN: 3, maxN: 5, charWeight: 1, bigramWeight: 0.7 };

/** Codes whose meaning the `etax-40005` topic covers (40001 is the official code of its server message). */
const CODE_40005 = new Set(['etax40005', 'etax40001']);

/** A word's character n-grams: the ones with a feature id, and (at classification) the unknown ones. */
interface WordGrams {
  ids: Int32Array;
  counts: Float64Array;
  unknown: Map<string, number> | undefined;
}

/**
 * Feature names to ids, and messages to vectors. A word's n-grams are worked out once and kept
 * (users and examples repeat their words): building the strings of every n-gram of every word was
 * a third of training time.
 */
export class FeatureSpace {
  private readonly ids = new Map<string, number>();
  private readonly grams = new LRUCache<string, WordGrams>({ max: 20_000 });
  /** Per-message accumulator of n-gram counts, by feature id (reset after each message). */
  private acc = new Float64Array(1024);

  constructor(readonly options: FeatureOptions = FEATURE_OPTIONS) {}

  get size(): number {
    return this.ids.size;
  }

  /** Feature names in id order (what a saved model needs to be read again). */
  names(): string[] {
    return [...this.ids.keys()];
  }

  /** Takes the ids of a saved model: `names` in id order, into an empty space. */
  restore(names: readonly string[]): void {
    if (this.ids.size) throw new Error('FeatureSpace.restore: the space is not empty');
    names.forEach((n, i) => this.ids.set(n, i));
  }

  /**
   * The message's vector. `grow` (training): features seen for the first time get ids; otherwise a
   * feature no example has carries no learned weight and is left out (it still counts in its group's
   * length, so an unknown word weakens the known ones as it always did).
   */
  vector(tokens: readonly string[], codes: readonly string[], grow = false): SparseVector {
    const o = this.options;
    const words = new Map<string, number>();
    for (let i = 0; i < tokens.length; i++) {
      words.set(`w:${tokens[i]}`, 1);
      if (i + 1 < tokens.length) words.set(`b:${tokens[i]}_${tokens[i + 1]}`, o.bigramWeight);
    }
    for (const c of codes) {
      words.set(`code:${c}`, 1);
      words.set(CODE_40005.has(c) ? 'code:40005' : 'code:other', 1);
    }
    const touched: number[] = [];
    let unknown: Map<string, number> | undefined;
    for (const t of tokens) {
      if (/\d/.test(t) && t.startsWith('etax')) continue; // codes are entities above, not spelling
      const g = this.gramsOf(t, grow);
      for (let k = 0; k < g.ids.length; k++) {
        const id = g.ids[k]!;
        if (id >= this.acc.length) this.growAccumulator(id);
        if (this.acc[id] === 0) touched.push(id);
        this.acc[id]! += g.counts[k]!;
      }
      if (g.unknown) for (const [f, n] of g.unknown) (unknown ??= new Map()).set(f, (unknown.get(f) ?? 0) + n);
    }

    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const v of words.values()) norm += v * v;
    const kw = norm ? 1 / Math.sqrt(norm) : 0;
    for (const [f, v] of words) {
      const id = this.idOf(f, grow);
      if (id === undefined) continue;
      idx.push(id);
      val.push(v * kw);
    }
    norm = 0;
    for (const id of touched) norm += this.acc[id]! * this.acc[id]!;
    if (unknown) for (const n of unknown.values()) norm += n * n;
    const kc = norm ? o.charWeight / Math.sqrt(norm) : 0;
    for (const id of touched) {
      idx.push(id);
      val.push(this.acc[id]! * kc);
      this.acc[id] = 0;
    }
    return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
  }

  private idOf(f: string, grow: boolean): number | undefined {
    let id = this.ids.get(f);
    if (id === undefined && grow) this.ids.set(f, (id = this.ids.size));
    return id;
  }

  private gramsOf(word: string, grow: boolean): WordGrams {
    const cached = this.grams.get(word);
    if (cached && (!grow || !cached.unknown)) return cached;
    const counts = new Map<string, number>();
    const padded = `<${word}>`;
    for (let n = this.options.minN; n <= this.options.maxN; n++) {
      for (let s = 0; s + n <= padded.length; s++) {
        const g = `c:${padded.slice(s, s + n)}`;
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    }
    const ids: number[] = [];
    const known: number[] = [];
    let unknown: Map<string, number> | undefined;
    for (const [g, n] of counts) {
      const id = this.idOf(g, grow);
      if (id === undefined) (unknown ??= new Map()).set(g, n);
      else {
        ids.push(id);
        known.push(n);
      }
    }
    const out = { ids: Int32Array.from(ids), counts: Float64Array.from(known), unknown };
    this.grams.set(word, out);
    return out;
  }

  private growAccumulator(id: number): void {
    const next = new Float64Array(Math.max(id + 1, this.acc.length * 2));
    next.set(this.acc);
    this.acc = next;
  }
}
