/** Temporary intent folders for catalog and engine tests (the real `_bot.yaml` and `_lexicon.yaml`, plus given files). */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function intentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intents-'));
  copyFileSync('intents/_bot.yaml', path.join(dir, '_bot.yaml'));
  copyFileSync('intents/_lexicon.yaml', path.join(dir, '_lexicon.yaml'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
