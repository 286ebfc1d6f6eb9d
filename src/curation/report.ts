/**
 * The review report helpdesk editors act on:
 *  - unanswered messages (fallbacks, did-you-mean left unanswered or refused) grouped into clusters of
 *    near-identical questions, each with the nearest intents and a suggestion;
 *  - did-you-mean choices users keep correcting (offered first, picked another);
 *  - outcome rates per intent (solved / not solved / escalated) and the procedures with the worst outcomes.
 * It is part of the insights figures (src/insights/figures.ts computes both, from the same day
 * aggregates); `buildReport` gives it for a list of records.
 * Plus `acceptCluster`: append a cluster's phrasings as examples to an intent file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadCatalog } from '../catalog/load.js';
import { addDays, aggregateRecords, finishDay, localDay } from '../insights/aggregate.js';
import type { Cluster } from '../insights/clusters.js';
import { computeInsights, type ReviewReport } from '../insights/figures.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import type { CurationRecord } from './log.js';

export { CLUSTER_SIMILARITY, SUGGEST_EXAMPLE_SCORE, type Cluster } from '../insights/clusters.js';
export type { ReviewReport } from '../insights/figures.js';

/** The report of the records of the last `days` UTC days (today included). */
export function buildReport(records: CurationRecord[], matcher: IntentClassifier, days = 30, now = new Date()): ReviewReport {
  const to = localDay(now.getTime(), 0);
  const from = addDays(to, -(days - 1));
  return computeInsights([...aggregateRecords(records, 0).values()].map(finishDay), { from, to, bucket: 'day', tzOffsetMinutes: 0 }, { matcher, now });
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
