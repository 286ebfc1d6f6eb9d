/**
 * The standard linear baseline the shipped model must beat (`npm run eval` prints both side by side):
 * multinomial logistic regression over character 2–5-grams within word boundaries and word 1–2-grams
 * of the raw, lower-cased text — scikit-learn's usual recipe — trained on exactly the same examples
 * with `none` as a class. No normaliser, no slip augmentation, no error-code overrides; one threshold
 * on the top probability (below it: out of scope), chosen on the tuning half.
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import { featuresOf } from '../nlu/features.js';
import { SoftmaxModel, TRAIN_OPTIONS, type SparseVector } from '../nlu/softmax.js';

/** Trained closer to convergence than the shipped model (which stops early to start fast): no handicap. */
const BASELINE_TRAINING = { ...TRAIN_OPTIONS, epochs: 20 };

const tokens = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export class BaselineClassifier {
  private readonly ids: string[];
  readonly scopeIntents: ReadonlySet<string>;
  private readonly index = new Map<string, number>();
  private readonly model: SoftmaxModel;
  threshold = 0.3;

  constructor(catalog: Catalog) {
    const intents = [...catalog.intents.values()];
    this.ids = intents.map((i) => i.id);
    this.scopeIntents = new Set(intents.filter((i) => i.scope).map((i) => i.id));
    const bags = intents.flatMap((intent, y) => intent.examples.map((e) => ({ bag: featuresOf(tokens(e), []), y })));
    for (const { bag } of bags) for (const f of bag.keys()) if (!this.index.has(f)) this.index.set(f, this.index.size);
    this.model = SoftmaxModel.train(
      bags.map((b) => this.vector(b.bag)),
      bags.map((b) => b.y),
      this.index.size,
      this.ids.length,
      BASELINE_TRAINING,
    );
  }

  private vector(bag: Map<string, number>): SparseVector {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [f, v] of bag) {
      const i = this.index.get(f);
      if (i !== undefined) {
        idx.push(i);
        val.push(v);
      }
    }
    return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
  }

  classify(text: string): { intent: string; score: number; decision: string } {
    const p = this.model.predict(this.vector(featuresOf(tokens(text), [])));
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
    const intent = this.ids[best]!;
    if (intent === NONE_INTENT || p[best]! < this.threshold) return { intent: NONE_INTENT, score: p[best]!, decision: 'fallback' };
    return { intent, score: p[best]!, decision: 'route' };
  }
}
