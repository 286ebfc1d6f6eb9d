/**
 * Unanswered messages grouped into clusters of near-identical questions, as `npm run review` always
 * did: greedy, over normalised word sets, a message joins the most similar existing cluster when the
 * Jaccard overlap with that cluster's first message is at least CLUSTER_SIMILARITY (ties: the older
 * cluster), otherwise it starts a new one.
 *
 * Made fast enough for a month of a busy helpdesk (tens of thousands of distinct messages):
 *  - identical messages are clustered once, with their count;
 *  - candidate clusters come from prefix filtering (a pair with Jaccard >= t shares a word among the
 *    first |A| - ceil(t|A|) + 1 words of each set, in one global rare-first order), so only clusters
 *    that can reach the threshold are compared, with exactly the result of comparing all of them;
 *  - word sets and the matcher's nearest intents are memoised per text (they depend on the catalog only).
 */
import { createHash } from 'node:crypto';
import type { IntentClassifier } from '../nlu/classifier.js';
import type { Normaliser } from '../nlu/normalise.js';
import { mask } from '../privacy/index.js';
import { LRUCache } from 'lru-cache';

/** Two messages belong to one cluster when their word sets overlap this much (Jaccard). */
export const CLUSTER_SIMILARITY = 0.5;
/** A cluster is suggested as examples for an intent when the matcher already leans to it this much. */
export const SUGGEST_EXAMPLE_SCORE = 0.2;
/** Nearest intents are averaged over a cluster's most frequent phrasings, at most this many. */
const NEAREST_OVER = 10;
const MEMO_LIMIT = 100_000;

export interface Cluster {
  id: string;
  count: number;
  phrasings: string[];
  nearest: Array<{ intent: string; score: number }>;
  suggestion: string;
  /** The intent the suggestion names (the nearest, when the matcher already leans to it enough). */
  suggested?: string;
}

/** A cluster before the matcher is asked about it: its id, size and texts (most frequent first). */
export interface TextGroup {
  id: string;
  count: number;
  texts: Array<{ text: string; count: number }>;
}

const wordMemo = new WeakMap<Normaliser, LRUCache<string, string[]>>();
const rankMemo = new WeakMap<IntentClassifier, LRUCache<string, Array<{ intent: string; score: number }>>>();

function memo<K extends object, V extends object>(store: WeakMap<K, LRUCache<string, V>>, owner: K, key: string, make: () => V): V {
  let m = store.get(owner);
  if (!m) store.set(owner, (m = new LRUCache({ max: MEMO_LIMIT })));
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}

const maskMemo = new LRUCache<string, string>({ max: MEMO_LIMIT });
/** Masked again when shown: records written before a masking rule existed get it too. */
const masked = (text: string): string => {
  let v = maskMemo.get(text);
  if (v === undefined) maskMemo.set(text, (v = mask(text)));
  return v;
};

const wordsOf = (normaliser: Normaliser, text: string): string[] =>
  memo(wordMemo, normaliser, text, () => [...new Set(normaliser.normalise(text).tokens)].sort());

interface Group {
  /** The first message's words as ranks (rare first), ascending. */
  ranks: Int32Array;
  key: string;
  texts: Array<{ text: string; count: number }>;
  count: number;
}

/**
 * |a ∩ b| of two ascending integer arrays, or -1 as soon as it cannot reach `need` any more (what is
 * left of the shorter side is too short): most candidates are dismissed after a few comparisons.
 */
function overlap(a: Int32Array, b: Int32Array, need: number): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (n + Math.min(a.length - i, b.length - j) < need) return -1;
    if (a[i]! === b[j]!) {
      n++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return n >= need ? n : -1;
}

/** The least overlap of sets of sizes a and b for a Jaccard of at least max(t, best). */
function needed(a: number, b: number, t: number, best: number): number {
  const s = Math.max(t, best);
  return Math.ceil((s * (a + b)) / (1 + s) - 1e-9);
}

/** Clusters texts (with their counts). Returns the clusters, largest first, and each text's cluster id. */
export function clusterTexts(counts: Map<string, number>, normaliser: Normaliser): { groups: TextGroup[]; clusterOf: Map<string, string> } {
  // Most frequent first (then alphabetical): the same data always gives the same clusters and ids.
  const items = [...counts.entries()].filter(([t]) => t.trim()).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sets = items.map(([text, count]) => ({ text, count, words: wordsOf(normaliser, text) })).filter((x) => x.words.length > 0);
  // One global order of words, rare first (ties alphabetical): a word's rank is its position in it.
  const freq = new Map<string, number>();
  for (const s of sets) for (const w of s.words) freq.set(w, (freq.get(w) ?? 0) + 1);
  const rank = new Map([...freq.keys()].sort((a, b) => freq.get(a)! - freq.get(b)! || (a < b ? -1 : a > b ? 1 : 0)).map((w, i) => [w, i]));
  const t = CLUSTER_SIMILARITY;

  const groups: Group[] = [];
  const byKey = new Map<string, number>();
  const index: number[][] = Array.from({ length: rank.size }, () => []);
  const memberOf = new Map<string, number>();
  let mark = new Int32Array(64).fill(-1);
  sets.forEach((s, iteration) => {
    const key = s.words.join(' ');
    let gi = byKey.get(key);
    if (gi === undefined) {
      const ranks = Int32Array.from(s.words.map((w) => rank.get(w)!)).sort();
      const prefix = ranks.length - Math.ceil(t * ranks.length) + 1;
      const candidates: number[] = [];
      for (let p = 0; p < prefix; p++) {
        for (const c of index[ranks[p]!]!) {
          if (mark[c] === iteration) continue;
          mark[c] = iteration;
          // Size filter: Jaccard >= t needs t|A| <= |B| <= |A|/t.
          const size = groups[c]!.ranks.length;
          if (size >= t * ranks.length && size * t <= ranks.length) candidates.push(c);
        }
      }
      // The most similar cluster; on a tie the older one (what comparing them in order would pick).
      let best = -1;
      let bestSim = 0;
      for (const c of candidates) {
        const g = groups[c]!;
        const inter = overlap(ranks, g.ranks, needed(ranks.length, g.ranks.length, t, bestSim));
        if (inter < 0) continue;
        const sim = inter / (ranks.length + g.ranks.length - inter);
        if (sim > bestSim || (sim === bestSim && c < best)) {
          bestSim = sim;
          best = c;
        }
      }
      if (best >= 0 && bestSim >= t) gi = best;
      else {
        gi = groups.length;
        groups.push({ ranks, key, texts: [], count: 0 });
        if (gi >= mark.length) {
          const grown = new Int32Array(mark.length * 2).fill(-1);
          grown.set(mark);
          mark = grown;
        }
        for (let p = 0; p < prefix; p++) index[ranks[p]!]!.push(gi);
      }
      byKey.set(key, gi);
    }
    const g = groups[gi]!;
    g.texts.push({ text: s.text, count: s.count });
    g.count += s.count;
    memberOf.set(s.text, gi);
  });
  const ids = groups.map((g) => `c-${createHash('sha256').update(g.key).digest('hex').slice(0, 8)}`);
  const clusterOf = new Map<string, string>();
  for (const [text, gi] of memberOf) clusterOf.set(text, ids[gi]!);
  const out = groups.map((g, i) => ({ id: ids[i]!, count: g.count, texts: g.texts, order: i }));
  out.sort((a, b) => b.count - a.count || a.order - b.order);
  return { groups: out.map(({ order: _o, ...g }) => g), clusterOf };
}

/** A cluster with its nearest intents (averaged over its most frequent phrasings) and a suggestion. */
export function describeCluster(g: TextGroup, matcher: IntentClassifier): Cluster {
  const sums = new Map<string, number>();
  let weight = 0;
  for (const { text, count } of g.texts.slice(0, NEAREST_OVER)) {
    weight += count;
    for (const c of memo(rankMemo, matcher, text, () => matcher.classify(text).ranked)) sums.set(c.intent, (sums.get(c.intent) ?? 0) + c.score * count);
  }
  const nearest = [...sums.entries()]
    .map(([intent, s]) => ({ intent, score: Math.round((s / (weight || 1)) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
  const top = nearest[0];
  const suggestion =
    top && top.score >= SUGGEST_EXAMPLE_SCORE
      ? `add as example to \`${top.intent}\` (npm run review -- --accept ${g.id} --intent ${top.intent})`
      : 'new intent? (or add to `none` if it is out of scope)';
  const suggested = top && top.score >= SUGGEST_EXAMPLE_SCORE ? { suggested: top.intent } : {};
  return { id: g.id, count: g.count, phrasings: [...new Set(g.texts.slice(0, 20).map((t) => masked(t.text)))], nearest, suggestion, ...suggested };
}
