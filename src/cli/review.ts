/**
 * `npm run review [-- --days 30 | --from 2025-01-01 --to 2025-01-31] [--week] [--json]`: the helpdesk's
 * figures (the review report, containment, hand-offs, fallbacks) from the configured store (the same
 * STORAGE / DATA_DIR / REDIS_URL / TIMEZONE_OFFSET_MINUTES settings as the bot). `--json` prints exactly
 * what the supervisors' page (/agent/insights) reads: both come from src/insights/.
 * `npm run review -- --accept <cluster-id> --intent <intent-id> [--by name]`: append that cluster's (masked)
 * phrasings as examples to intents/<intent-id>.yaml; the file is re-validated (and restored on error),
 * and who did it and when is recorded in the store (the page shows it). The page's button does the same.
 * The eval development set (tests/data/dev-v1.jsonl) is never touched.
 */
import os from 'node:os';
import { loadConfig, loadDotEnv } from '../config.js';
import { loadCore } from '../core.js';
import { CurationLog } from '../curation/log.js';
import type { Insights } from '../insights/figures.js';
import { acceptSuggestion, insightsSource, loadInsights, parsePeriod } from '../insights/index.js';
import { createStore } from '../storage/index.js';
import { cliArgs } from './load.js';

const { values: flags } = cliArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    days: { type: 'string' },
    week: { type: 'boolean' },
    json: { type: 'boolean' },
    accept: { type: 'string' },
    intent: { type: 'string' },
    by: { type: 'string' },
  },
});

function print(r: Insights): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const out: string[] = [];
  const c = r.conversations;
  out.push(
    `Review of ${r.period.from} to ${r.period.to} (${r.days} days): ${r.totals.fallbacks} fallbacks, ${r.totals.didYouMean} did-you-mean, ${r.totals.outcomes} outcomes, ${r.totals.handoffs} hand-offs.`,
  );
  out.push(
    `Conversations: ${c.total}; contained (no person, not left unsolved) ${pct(c.containmentRate)}, confirmed solved ${pct(c.confirmedSolvedRate)}, handed off ${pct(c.handoffRate)} (${r.handoffTriggers.map((t) => `${t.trigger} ${pct(t.rate)}`).join(', ')}).`,
  );
  out.push(`Fallback rate: ${r.fallback.fallbacks} of ${r.fallback.turns} messages (${pct(r.fallback.rate)}).`, '');
  out.push(`Unanswered questions (${r.clusterCount} clusters, most frequent first):`);
  for (const c of r.clusters.slice(0, 30)) {
    out.push(`  [${c.id}] x${c.count}  nearest: ${c.nearest.map((n) => `${n.intent} ${n.score}`).join(', ') || '-'}`);
    for (const p of c.phrasings.slice(0, 3)) out.push(`      "${p}"`);
    out.push(`      -> ${c.accepted ? `added to ${c.accepted.intent} by ${c.accepted.by} at ${c.accepted.at}` : c.suggestion}`);
  }
  out.push('', 'Did-you-mean choices users corrected (offered first -> picked):');
  for (const c of r.corrections) out.push(`  ${c.offered} -> ${c.picked}: ${c.count}`);
  if (!r.corrections.length) out.push('  (none)');
  if (r.refusedSuggestions.length)
    out.push('', 'Suggestions users refused ("Bukan keduanya" or typed something else):', ...r.refusedSuggestions.map((s) => `  ${s.offered}: ${s.count}`));
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
  const store = createStore({
    kind: config.storage.kind,
    dataDir: config.storage.dataDir,
    redisUrl: config.storage.redisUrl,
    redisPrefix: config.storage.redisPrefix,
    ttlSeconds: config.storage.ttlSeconds,
  });
  try {
    const log = new CurationLog(store);
    log.tzOffsetMinutes = config.handoff.tzOffsetMinutes;
    const source = insightsSource(log);
    const period = parsePeriod({ from: flags.from, to: flags.to, days: flags.days, bucket: flags.week ? 'week' : 'day' }, source.tzOffsetMinutes);
    if (typeof period === 'string') throw new Error(period);
    const accept = flags.accept;
    if (accept) {
      const intent = flags.intent;
      if (!intent) throw new Error('--accept needs --intent <intent-id>');
      const by = flags.by ?? `cli:${os.userInfo().username}`;
      const { file, added } = await acceptSuggestion({
        source,
        matcher: core.matcher,
        catalog: core.catalog,
        intentsDir: config.intentsDir,
        cluster: accept,
        intent,
        from: period.from,
        to: period.to,
        by,
      });
      process.stdout.write(
        `Added ${added.length} example(s) to ${file}:\n${added.map((a) => `  - ${a}`).join('\n')}\nRecorded as accepted by ${by}. Check the change with: npm run eval -- tests/data/dev-v1.jsonl (the bot uses it after a restart)\n`,
      );
      return;
    }
    const report = await loadInsights(source, period, { matcher: core.matcher, catalog: core.catalog });
    process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : print(report)}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  process.stderr.write(`review: ${(err as Error).message}\n`);
  process.exit(1);
});
