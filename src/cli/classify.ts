/**
 * `npm run --silent classify`: one message per line on stdin -> one JSON object per line on stdout:
 * {"text", "intent", "score", "alternatives": [{"intent", "score"}]}. Nothing else is printed.
 * On did-you-mean, `intent` is the best candidate and `alternatives` holds the other one offered.
 */
import readline from 'node:readline';
import { loadCoreForCli } from './load.js';

const core = loadCoreForCli();
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out: string[] = [];
const flush = () => {
  if (out.length) process.stdout.write(out.splice(0).join(''));
};
rl.on('line', (line) => {
  const c = core.matcher.classify(line);
  out.push(`${JSON.stringify({ text: line, intent: c.intent, score: c.score, alternatives: c.alternatives })}\n`);
  if (out.length >= 256) flush();
});
rl.on('close', flush);
