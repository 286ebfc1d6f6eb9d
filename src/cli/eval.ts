/**
 * `npm run eval -- <file.jsonl> [--json] [--min-accuracy 0.95] [--min-rejection 0.9] [--max-wrong 0.02]`
 * Lines are {"text": ..., "intent": ...}. Exits 1 when a bar is not met, 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { loadCoreForCli } from './load.js';
import { evaluate, type LabelledLine } from '../nlu/evaluate.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !['--min-accuracy', '--min-rejection', '--max-wrong'].includes(all[i - 1] ?? ''));
if (!file) {
  process.stderr.write('usage: npm run eval -- <file.jsonl> [--json] [--min-accuracy 0.95] [--min-rejection 0.9] [--max-wrong 0.02]\n');
  process.exit(2);
}
const lines: LabelledLine[] = [];
readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
  if (!raw.trim()) return;
  try {
    const o = JSON.parse(raw) as LabelledLine;
    if (typeof o.text !== 'string' || typeof o.intent !== 'string') throw new Error('needs "text" and "intent" strings');
    lines.push(o);
  } catch (err) {
    process.stderr.write(`${file}:${i + 1}: ${(err as Error).message}\n`);
    process.exit(2);
  }
});

const core = loadCoreForCli();
const r = evaluate(core.matcher, lines);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const bars: Array<[string, boolean]> = [];
const minAcc = arg('--min-accuracy'), minRej = arg('--min-rejection'), maxWrong = arg('--max-wrong');
if (minAcc) bars.push([`in-scope accuracy ${pct(r.inScope.accuracy)} >= ${pct(Number(minAcc))}`, r.inScope.accuracy >= Number(minAcc)]);
if (minRej) bars.push([`out-of-scope rejection ${pct(r.outOfScope.rejection)} >= ${pct(Number(minRej))}`, r.outOfScope.rejection >= Number(minRej)]);
if (maxWrong) bars.push([`wrong-intent rate ${pct(r.inScope.wrongIntentRate)} <= ${pct(Number(maxWrong))}`, r.inScope.wrongIntentRate <= Number(maxWrong)]);

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ ...r, bars: bars.map(([name, ok]) => ({ name, ok })) }, null, 2)}\n`);
} else {
  const out: string[] = [];
  out.push(`Evaluated ${r.total} lines from ${file}`);
  out.push(`  in-scope accuracy:      ${pct(r.inScope.accuracy)} (${r.inScope.correct}/${r.inScope.total}; ${r.inScope.didYouMean} via did-you-mean)`);
  out.push(`  out-of-scope rejection: ${pct(r.outOfScope.rejection)} (${r.outOfScope.rejected}/${r.outOfScope.total})`);
  out.push(`  wrong-intent rate:      ${pct(r.inScope.wrongIntentRate)} (${r.inScope.wrongIntent}/${r.inScope.total}); in-scope rejected as none: ${r.inScope.rejected}`);
  out.push('', 'Per intent (precision / recall / support):');
  for (const [id, m] of Object.entries(r.perIntent).sort()) out.push(`  ${id.padEnd(24)} ${pct(m.precision).padStart(6)}  ${pct(m.recall).padStart(6)}  ${String(m.support).padStart(4)}`);
  const ids = Object.keys(r.perIntent).sort();
  out.push('', 'Confusion matrix (rows: expected, columns: predicted; only non-zero rows):');
  out.push(`  ${''.padEnd(24)} ${ids.map((_, i) => String(i + 1).padStart(3)).join('')}`);
  ids.forEach((id, i) => {
    const row = r.confusion[id];
    if (!row) return;
    out.push(`  ${`${i + 1}. ${id}`.padEnd(24)} ${ids.map((p) => String(row[p] ?? '.').padStart(3)).join('')}`);
  });
  out.push('', `Misclassified (${r.errors.length}):`);
  for (const e of r.errors) out.push(`  expected ${e.expected}, got ${e.predicted} (${e.decision}, ${e.score}): ${e.text}`);
  if (bars.length) out.push('', ...bars.map(([name, ok]) => `${ok ? 'PASS' : 'FAIL'} ${name}`));
  process.stdout.write(`${out.join('\n')}\n`);
}
process.exit(bars.every(([, ok]) => ok) ? 0 : 1);
