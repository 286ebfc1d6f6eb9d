/**
 * The conversation core in one call: catalog (content), matcher (understanding) and flow engine
 * (conversation). Plain TypeScript; the Bot Framework layer in `src/bot/` is built on top of it.
 */
import { AnswerIndex } from './answers/index.js';
import { loadCatalog, type Catalog, type LoadOptions } from './catalog/load.js';
import { FlowEngine } from './flow/engine.js';
import { Matcher } from './nlu/matcher.js';

export interface Core {
  catalog: Catalog;
  matcher: Matcher;
  engine: FlowEngine;
  answers: AnswerIndex;
}

export function loadCore(intentsDir: string, options?: LoadOptions): Core {
  const catalog = loadCatalog(intentsDir, options);
  const matcher = new Matcher(catalog);
  return { catalog, matcher, engine: new FlowEngine(catalog, matcher), answers: new AnswerIndex(catalog, matcher.normaliser) };
}
