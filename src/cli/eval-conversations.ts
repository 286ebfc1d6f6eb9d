/**
 * `npm run eval:conversations [-- <dir>] [--min 0.95]`: plays `tests/conversations/*.yaml` through the
 * flow engine and prints the pass rate and every failing turn. Exits 1 below `--min`.
 */
import { cliArgs, loadCoreForCli } from './load.js';
import { loadConversations, runConversations } from '../eval/conversations.js';

const { values, positionals } = cliArgs({ allowPositionals: true, options: { min: { type: 'string' } } });
const min = values.min !== undefined ? Number(values.min) : undefined;
const dir = positionals[0] ?? 'tests/conversations';
const r = runConversations(loadCoreForCli(), loadConversations(dir));
const pct = (a: number, b: number) => `${((a / Math.max(1, b)) * 100).toFixed(1)}%`;
const out: string[] = [];
for (const f of r.failures) out.push(`FAIL ${f.conversation} turn ${f.turn}: "${f.user}"\n     expected ${f.expected}\n     got      ${f.got}`);
out.push('');
for (const [file, s] of Object.entries(r.byFile))
  out.push(`${file.padEnd(24)} ${pct(s.passed, s.conversations).padStart(6)} (${s.passed}/${s.conversations} conversations)`);
out.push(
  `conversations passed: ${pct(r.passed, r.conversations)} (${r.passed}/${r.conversations}); turns passed: ${pct(r.turnsPassed, r.turns)} (${r.turnsPassed}/${r.turns})`,
);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(min !== undefined && r.passed / r.conversations < min ? 1 : 0);
