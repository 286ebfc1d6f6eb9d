/**
 * The conversation core in one call: catalog (content), matcher (understanding) and flow engine
 * (conversation). Plain TypeScript; the Bot Framework layer in `src/bot/` is built on top of it.
 */
import { AnswerIndex } from './answers/index.js';
import { loadCatalog, type Catalog, type LoadOptions } from './catalog/load.js';
import { FlowEngine } from './flow/engine.js';
import { IntentClassifier } from './nlu/classifier.js';

export interface Core {
  catalog: Catalog;
  matcher: IntentClassifier;
  engine: FlowEngine;
  answers: AnswerIndex;
}

/** `options.cacheDir`: the start-up cache for the checked catalog and the trained model (absent: none). */
export function loadCore(intentsDir: string, options: LoadOptions = {}): Core {
  const catalog = loadCatalog(intentsDir, options);
  const matcher = new IntentClassifier(catalog, { cacheDir: options.cacheDir });
  return { catalog, matcher, engine: new FlowEngine(catalog, matcher), answers: new AnswerIndex(catalog, matcher.normaliser) };
}
