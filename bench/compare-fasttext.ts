/**
 * `npx tsx bench/compare-fasttext.ts <dir-with-fasttext.wasm.js>`: the measurement behind the choice of
 * the intent model (README, "The intent model"). Trains fastText's supervised mode (WebAssembly build
 * from npm, `fasttext.wasm.js@1.0.0`, installed outside the project: `npm i --prefix /tmp/ft
 * fasttext.wasm.js@1.0.0`) on the same normalised examples as the shipped model, twice (determinism),
 * and scores both on the choosing sets with the same decision rule. Not part of `npm test`: the
 * package is a comparison, never a dependency.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/load.js';
import { NONE_INTENT } from '../src/catalog/load.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { evaluate, type LabelledLine } from '../src/nlu/evaluate.js';

const [dir, ...rest] = parseArgs({ allowPositionals: true, options: {} }).positionals;
if (!dir || rest.length) {
  process.stderr.write('usage: npx tsx bench/compare-fasttext.ts <folder holding node_modules/fasttext.wasm.js>\n');
  process.exit(2);
}
const catalog = loadCatalog('intents');
const shipped = new IntentClassifier(catalog);
const norm = shipped.normaliser;
const lines = catalog.intents.size ? [...catalog.intents.values()].flatMap((i) => i.examples.map((e) => `__label__${i.id} ${norm.normalise(e).text}`)) : [];
const load = (f: string): LabelledLine[] =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LabelledLine);
const sets: Array<[string, LabelledLine[]]> = [
  ['dev-v2-tune', load('tests/data/dev-v2-tune.jsonl')],
  ['dev-v1', load('tests/data/dev-v1.jsonl')],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ft: any = await import(path.resolve(dir, 'node_modules/fasttext.wasm.js/dist/main/node.mjs'));
const FastText = await ft.getFastTextClass({ getFastTextModule: ft.getFastTextModule });
const data = `data:text/plain;base64,${Buffer.from(lines.join('\n')).toString('base64')}`;
const args = { minn: 2, maxn: 5, wordNgrams: 2, dim: 50, epoch: 60, lr: 0.5, loss: 'softmax', thread: 1, seed: 7, minCount: 1 };

async function train(): Promise<{ classify: (t: string) => { intent: string; score: number; decision: string }; ms: number }> {
  const t0 = performance.now();
  const model = await new FastText().trainSupervised(data, args, () => undefined);
  const ms = performance.now() - t0;
  return {
    ms,
    classify(text: string) {
      const v = model.predict(norm.normalise(text).text, 2, 0);
      const best = v.size() ? (v.get(0) as [number, string]) : [0, `__label__${NONE_INTENT}`];
      const intent = String(best[1]).replace('__label__', '');
      const p = Number(best[0]);
      const decision = intent === NONE_INTENT || p < 0.3 ? 'fallback' : p < 0.5 ? 'did-you-mean' : 'route';
      return { intent: decision === 'fallback' ? NONE_INTENT : intent, score: p, decision };
    },
  };
}

const a = await train();
const b = await train();
let same = 0;
const probe = sets.flatMap(([, s]) => s.map((l) => l.text));
for (const t of probe) if (a.classify(t).intent === b.classify(t).intent && Math.abs(a.classify(t).score - b.classify(t).score) < 1e-6) same++;
const t0 = performance.now();
for (const t of probe) a.classify(t);
const perMsg = ((performance.now() - t0) / probe.length) * 1000;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
process.stdout.write(
  `fastText train ${Math.round(a.ms)} ms (second run ${Math.round(b.ms)} ms); identical predictions on ${same}/${probe.length}; ${perMsg.toFixed(0)} µs per message\n`,
);
process.stdout.write(`shipped softmax train ${Math.round(shipped.buildMs)} ms\n`);
for (const [name, s] of sets) {
  for (const [label, m] of [
    ['fastText', a],
    ['shipped', shipped],
  ] as const) {
    const r = evaluate(m, s);
    process.stdout.write(
      `${name.padEnd(12)} ${label.padEnd(9)} in-scope ${pct(r.inScope.accuracy)}  rejected ${pct(r.outOfScope.rejection)}  wrong ${pct(r.inScope.wrongIntentRate)}\n`,
    );
  }
}
