/**
 * The standard linear baseline the shipped model must beat (`npm run eval` prints both side by side):
 * multinomial logistic regression over character 2–5-grams within word boundaries and word 1–2-grams
 * of the raw, lower-cased text — scikit-learn's usual recipe — trained on exactly the same examples
 * with `none` as a class. No normaliser, no slip augmentation, no error-code overrides; one threshold
 * on the top probability (below it: out of scope), chosen on the tuning half.
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import { FEATURE_OPTIONS, FeatureSpace } from '../nlu/features.js';
import { SoftmaxModel, TRAIN_OPTIONS } from '../nlu/softmax.js';

/** Trained closer to convergence than the shipped model (which stops early to start fast): no handicap. */
// Every class's weights updated on every sample, as in the textbook algorithm.
const BASELINE_TRAINING = { ...TRAIN_OPTIONS, epochs: 20, initialAccumulator: 0, skipBelow: 0 };
/** Character 2–5-grams, the recipe's usual range. */
const BASELINE_FEATURES = { ...FEATURE_OPTIONS, minN: 2 };

const tokens = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export class BaselineClassifier {
  private readonly ids: string[];
  readonly scopeIntents: ReadonlySet<string>;
  private readonly features = new FeatureSpace(BASELINE_FEATURES);
  private readonly model: SoftmaxModel;
  threshold = 0.3;

  constructor(catalog: Catalog) {
    const intents = [...catalog.intents.values()];
    this.ids = intents.map((i) => i.id);
    this.scopeIntents = new Set(intents.filter((i) => i.scope).map((i) => i.id));
    const rows = intents.flatMap((intent, y) => intent.examples.map((e) => ({ x: this.features.vector(tokens(e), [], true), y })));
    this.model = SoftmaxModel.train(
      rows.map((r) => r.x),
      rows.map((r) => r.y),
      this.features.size,
      this.ids.length,
      BASELINE_TRAINING,
    );
  }

  classify(text: string): { intent: string; score: number; decision: string } {
    const p = this.model.predict(this.features.vector(tokens(text), []));
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
    const intent = this.ids[best]!;
    if (intent === NONE_INTENT || p[best]! < this.threshold) return { intent: NONE_INTENT, score: p[best]!, decision: 'fallback' };
    return { intent, score: p[best]!, decision: 'route' };
  }
}
