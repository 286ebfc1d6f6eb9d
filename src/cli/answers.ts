/**
 * `npm run answers -- "lupa password"`: the best canned answers with their short codes and
 * copy-ready text. `npm run answers -- /reset` prints one answer; no argument lists every code.
 */
import { loadCoreForCli } from './load.js';

const query = process.argv.slice(2).join(' ').trim();
const core = loadCoreForCli();
const idx = core.answers;
const rule = '-'.repeat(72);

if (!query) {
  process.stdout.write(`${idx.answers.length} canned answers:\n${idx.answers.map((a) => `  /${a.code.padEnd(22)} ${a.title}`).join('\n')}\n`);
  process.exit(0);
}
const exact = query.startsWith('/') ? idx.get(query) : undefined;
if (query.startsWith('/') && !exact) {
  // An unknown short code: say so (exit 1) instead of printing loosely related answers as if they matched.
  const near = idx.search(query, 5).map((h) => `/${h.answer.code}`);
  process.stdout.write(
    `No canned answer has the short code "${query}".${near.length ? ` Did you mean: ${near.join(', ')}?` : ''} Run without arguments to list every short code.\n`,
  );
  process.exit(1);
}
const hits = exact ? [exact] : idx.search(query, 3).map((h) => h.answer);
if (!hits.length) {
  process.stdout.write(`No canned answer matches "${query}". Run without arguments to list every short code.\n`);
  process.exit(1);
}
for (const a of hits) process.stdout.write(`${rule}\n/${a.code}  ${a.title}  (id: ${a.id})\n${rule}\n${a.markdown}\n\n`);
