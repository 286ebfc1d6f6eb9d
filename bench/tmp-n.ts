import { loadCore } from '../src/core.js';
const core = loadCore('intents', { cacheDir: '.cache' });
for (const t of process.argv.slice(2)) {
  const n = core.matcher.normaliser.normalise(t);
  const c = core.matcher.classify(t);
  console.log(JSON.stringify(t), '→', n.tokens.join(' '), '|', c.decision, c.intent, c.score, JSON.stringify(c.ranked.slice(0, 3)));
}
