/**
 * The review report helpdesk editors act on:
 *  - unanswered messages (fallbacks, did-you-mean left unanswered or refused) grouped into clusters of
 *    near-identical questions, each with the nearest intents and a suggestion;
 *  - did-you-mean choices users keep correcting (offered first, picked another);
 *  - outcome rates per intent (solved / not solved / escalated) and the procedures with the worst outcomes.
 * Plus `acceptCluster`: append a cluster's phrasings as examples to an intent file.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadCatalog } from '../catalog/load.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import type { CurationRecord } from './log.js';

/** Two messages belong to one cluster when their word sets overlap this much (Jaccard). */
export const CLUSTER_SIMILARITY = 0.5;
/** A cluster is suggested as examples for an intent when the matcher already leans to it this much. */
export const SUGGEST_EXAMPLE_SCORE = 0.2;

export interface Cluster {
  id: string;
  count: number;
  phrasings: string[];
  nearest: Array<{ intent: string; score: number }>;
  suggestion: string;
}

export interface ReviewReport {
  generatedAt: string;
  days: number;
  totals: { fallbacks: number; didYouMean: number; outcomes: number; handoffs: number };
  clusters: Cluster[];
  corrections: Array<{ offered: string; picked: string; count: number }>;
  refusedSuggestions: Array<{ offered: string; count: number }>;
  intents: Array<{ intent: string; solved: number; unsolved: number; escalated: number; solvedRate: number }>;
  worstProcedures: Array<{ intent: string; code: string; solved: number; unsolved: number; unsolvedRate: number }>;
}

const jaccard = (a: Set<string>, b: Set<string>) => {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter || 1);
};

export function buildReport(records: CurationRecord[], matcher: IntentClassifier, days = 30): ReviewReport {
  const unanswered: string[] = [];
  const corrections = new Map<string, number>();
  const refused = new Map<string, number>();
  const perIntent = new Map<string, { solved: number; unsolved: number; escalated: number }>();
  const perNode = new Map<string, { intent: string; code: string; solved: number; unsolved: number }>();
  const totals = { fallbacks: 0, didYouMean: 0, outcomes: 0, handoffs: 0 };
  const bump = (intent: string) => {
    let v = perIntent.get(intent);
    if (!v) perIntent.set(intent, (v = { solved: 0, unsolved: 0, escalated: 0 }));
    return v;
  };
  for (const r of records) {
    if (r.type === 'fallback') {
      totals.fallbacks++;
      unanswered.push(r.text);
    } else if (r.type === 'did-you-mean') {
      totals.didYouMean++;
      const first = r.offered[0];
      if (r.picked === null) {
        unanswered.push(r.text);
        if (first) refused.set(first, (refused.get(first) ?? 0) + 1);
      } else if (first && r.picked !== first) {
        const k = `${first}\u0000${r.picked}`;
        corrections.set(k, (corrections.get(k) ?? 0) + 1);
      }
    } else if (r.type === 'outcome') {
      totals.outcomes++;
      const v = bump(r.intent);
      if (r.solved) v.solved++;
      else v.unsolved++;
      const nk = `${r.intent}/${r.node}`;
      let n = perNode.get(nk);
      if (!n) perNode.set(nk, (n = { intent: r.intent, code: r.code, solved: 0, unsolved: 0 }));
      if (r.solved) n.solved++;
      else n.unsolved++;
    } else if (r.type === 'handoff') {
      totals.handoffs++;
      if (r.intent) bump(r.intent).escalated++;
    }
  }

  // Greedy clustering over normalised word sets: fast, deterministic, good enough for near-duplicates.
  const groups: Array<{ words: Set<string>; texts: string[] }> = [];
  for (const text of unanswered) {
    if (!text.trim()) continue;
    const words = new Set(matcher.normaliser.normalise(text).tokens);
    if (!words.size) continue;
    let best: (typeof groups)[number] | undefined;
    let bestSim = 0;
    for (const g of groups) {
      const sim = jaccard(words, g.words);
      if (sim > bestSim) {
        bestSim = sim;
        best = g;
      }
    }
    if (best && bestSim >= CLUSTER_SIMILARITY) best.texts.push(text);
    else groups.push({ words, texts: [text] });
  }
  const clusters: Cluster[] = groups
    .map((g) => {
      const representative = [...g.words].sort().join(' ');
      const id = `c-${createHash('sha256').update(representative).digest('hex').slice(0, 8)}`;
      // Nearest intents: average in-scope scores over the cluster's phrasings.
      const sums = new Map<string, number>();
      for (const t of g.texts) for (const c of matcher.classify(t).ranked) sums.set(c.intent, (sums.get(c.intent) ?? 0) + c.score);
      const nearest = [...sums.entries()].map(([intent, s]) => ({ intent, score: Math.round((s / g.texts.length) * 1000) / 1000 })).sort((a, b) => b.score - a.score).slice(0, 3);
      const top = nearest[0];
      const suggestion = top && top.score >= SUGGEST_EXAMPLE_SCORE ? `add as example to \`${top.intent}\` (npm run review -- --accept ${id} --intent ${top.intent})` : 'new intent? (or add to `none` if it is out of scope)';
      return { id, count: g.texts.length, phrasings: [...new Set(g.texts)].slice(0, 20), nearest, suggestion };
    })
    .sort((a, b) => b.count - a.count);

  const rate = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);
  return {
    generatedAt: new Date().toISOString(),
    days,
    totals,
    clusters,
    corrections: [...corrections.entries()].map(([k, count]) => ({ offered: k.split('\u0000')[0]!, picked: k.split('\u0000')[1]!, count })).sort((a, b) => b.count - a.count),
    refusedSuggestions: [...refused.entries()].map(([offered, count]) => ({ offered, count })).sort((a, b) => b.count - a.count),
    intents: [...perIntent.entries()]
      .map(([intent, v]) => ({ intent, ...v, solvedRate: rate(v.solved, v.solved + v.unsolved + v.escalated) }))
      .sort((a, b) => a.solvedRate - b.solvedRate),
    worstProcedures: [...perNode.values()]
      .map((n) => ({ ...n, unsolvedRate: rate(n.unsolved, n.solved + n.unsolved) }))
      .sort((a, b) => b.unsolvedRate - a.unsolvedRate || b.unsolved - a.unsolved)
      .slice(0, 10),
  };
}

/**
 * Appends the cluster's phrasings to `intents/<intent>.yaml` as new lines at the end of its block
 * `examples:` list, so the editor's formatting and comments stay exactly as they were; then re-validates
 * the whole catalog, restoring the file and throwing when anything is wrong.
 */
export function acceptCluster(intentsDir: string, cluster: Cluster, intentId: string): { file: string; added: string[] } {
  const file = path.join(intentsDir, `${intentId}.yaml`);
  const original = readFileSync(file, 'utf8');
  const parsed = YAML.parse(original) as { examples?: unknown[] };
  const existing = new Set((parsed.examples ?? []).map((e) => String(e).trim().toLowerCase()));
  const added: string[] = [];
  for (const p of cluster.phrasings) {
    const text = p.replace(/\s+/g, ' ').trim();
    if (!text || existing.has(text.toLowerCase())) continue;
    existing.add(text.toLowerCase());
    added.push(text);
  }
  const lines = original.split('\n');
  const start = lines.findIndex((l) => /^examples:\s*(#.*)?$/.test(l));
  if (start < 0) throw new Error(`${file}: "examples:" must be a block list (one "- example" per line) to add examples automatically`);
  let last = start;
  let indent = '  ';
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const item = l.match(/^(\s+)- /);
    if (item) {
      indent = item[1]!;
      last = i;
    } else if (/^\S/.test(l)) break; // the next top-level key
  }
  // JSON strings are valid YAML double-quoted scalars: no escaping surprises.
  lines.splice(last + 1, 0, ...added.map((a) => `${indent}- ${JSON.stringify(a)}`));
  writeFileSync(file, lines.join('\n'));
  try {
    loadCatalog(intentsDir);
  } catch (err) {
    writeFileSync(file, original);
    throw err;
  }
  return { file, added };
}
