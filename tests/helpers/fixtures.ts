/**
 * Content for tests that must not depend on the live catalog in intents/:
 *  - the fixture catalog in tests/fixtures/catalog (engine and turn-decision tests);
 *  - temporary intent folders for catalog-validation tests (the real `_bot.yaml` and `_lexicon.yaml`,
 *    plus given files).
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCore, type Core } from '../../src/core.js';

export const FIXTURE_CATALOG = path.resolve('tests/fixtures/catalog');

/** The core (catalog, matcher, engine) on the fixture catalog; it has none of the live fixed intents. */
export function loadFixtureCore(): Core {
  return loadCore(FIXTURE_CATALOG, { requireFixedIntents: false });
}

export function intentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intents-'));
  // The real wording, minus pointers into topics a tiny fixture catalog does not have.
  const bot = parse(readFileSync('intents/_bot.yaml', 'utf8')) as { outOfScope: { pointers: Array<{ goto?: string }> } };
  bot.outOfScope.pointers = bot.outOfScope.pointers.filter((p) => !p.goto);
  writeFileSync(path.join(dir, '_bot.yaml'), stringify(bot));
  copyFileSync('intents/_lexicon.yaml', path.join(dir, '_lexicon.yaml'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
