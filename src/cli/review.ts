/**
 * `npm run review [-- --days 30] [--json]`: the curation report from the configured store (the same
 * STORAGE / DATA_DIR / REDIS_URL settings as the bot).
 * `npm run review -- --accept <cluster-id> --intent <intent-id>`: append that cluster's (masked)
 * phrasings as examples to intents/<intent-id>.yaml; the file is re-validated (and restored on error).
 * The eval development set (tests/data/dev-v1.jsonl) is never touched.
 */
import { loadConfig, loadDotEnv } from '../config.js';
import { loadCore } from '../core.js';
import { CurationLog } from '../curation/log.js';
import { acceptCluster, buildReport, type ReviewReport } from '../curation/report.js';
import { createStore } from '../storage/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function print(r: ReviewReport): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const out: string[] = [];
  out.push(`Review of the last ${r.days} days: ${r.totals.fallbacks} fallbacks, ${r.totals.didYouMean} did-you-mean, ${r.totals.outcomes} outcomes, ${r.totals.handoffs} hand-offs.`, '');
  out.push(`Unanswered questions (${r.clusters.length} clusters, most frequent first):`);
  for (const c of r.clusters.slice(0, 30)) {
    out.push(`  [${c.id}] x${c.count}  nearest: ${c.nearest.map((n) => `${n.intent} ${n.score}`).join(', ') || '-'}`);
    for (const p of c.phrasings.slice(0, 3)) out.push(`      "${p}"`);
    out.push(`      -> ${c.suggestion}`);
  }
  out.push('', 'Did-you-mean choices users corrected (offered first -> picked):');
  for (const c of r.corrections) out.push(`  ${c.offered} -> ${c.picked}: ${c.count}`);
  if (!r.corrections.length) out.push('  (none)');
  if (r.refusedSuggestions.length) out.push('', 'Suggestions users refused ("Bukan keduanya" or typed something else):', ...r.refusedSuggestions.map((s) => `  ${s.offered}: ${s.count}`));
  out.push('', 'Outcomes per intent (worst first): solved / not solved / escalated, solved rate');
  for (const i of r.intents) out.push(`  ${i.intent.padEnd(24)} ${i.solved} / ${i.unsolved} / ${i.escalated}  ${pct(i.solvedRate)}`);
  out.push('', 'Procedures with the worst outcomes (not solved rate):');
  for (const p of r.worstProcedures) out.push(`  /${p.code.padEnd(20)} (${p.intent}) ${p.unsolved} not solved, ${p.solved} solved: ${pct(p.unsolvedRate)}`);
  return out.join('\n');
}

async function main() {
  loadDotEnv();
  const config = loadConfig();
  const core = loadCore(config.intentsDir);
  const store = createStore({ kind: config.storage.kind, dataDir: config.storage.dataDir, redisUrl: config.storage.redisUrl, redisPrefix: config.storage.redisPrefix, ttlSeconds: config.storage.ttlSeconds });
  try {
    const days = Number(arg('--days') ?? 30);
    const report = buildReport(await new CurationLog(store).read(days), core.matcher, days);
    const accept = arg('--accept');
    if (accept) {
      const intent = arg('--intent');
      if (!intent) throw new Error('--accept needs --intent <intent-id>');
      if (!core.catalog.intents.has(intent)) throw new Error(`unknown intent "${intent}"`);
      const cluster = report.clusters.find((c) => c.id === accept);
      if (!cluster) throw new Error(`no cluster "${accept}" in the last ${days} days (run npm run review to list them)`);
      const { file, added } = acceptCluster(config.intentsDir, cluster, intent);
      process.stdout.write(`Added ${added.length} example(s) to ${file}:\n${added.map((a) => `  - ${a}`).join('\n')}\nCheck the change with: npm run eval -- tests/data/dev-v1.jsonl\n`);
      return;
    }
    process.stdout.write(`${process.argv.includes('--json') ? JSON.stringify(report, null, 2) : print(report)}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  process.stderr.write(`review: ${(err as Error).message}\n`);
  process.exit(1);
});
