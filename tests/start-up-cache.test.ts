/**
 * The start-up cache (src/cache/startup-cache.ts): the checked catalog and the trained model are read
 * back exactly as they were made; changed content is checked and trained again (a bad file still
 * stops start-up, whatever the cache holds); a corrupt entry or a folder that cannot be written only
 * means training as before.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../src/catalog/load.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { codeFingerprint } from '../src/cache/startup-cache.js';

const tmp: string[] = [];
const tmpDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmp.push(d);
  return d;
};
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of intents/ to change. */
function intentsCopy(): string {
  const dir = tmpDir('cache-intents-');
  cpSync('intents', dir, { recursive: true });
  return dir;
}

const MESSAGES = [
  'status aplikasi belum registrasi',
  'lupa pasword efaktur',
  'ETAX-40005 pas registrasi',
  'cara bikin spt tahunan',
  'makasih kak',
  'gimana update ke 4.0',
];

describe('the start-up cache', () => {
  it('gives back the checked catalog exactly, its menu holding the intents themselves', () => {
    const cache = tmpDir('cache-');
    const checked = loadCatalog('intents');
    const first = loadCatalog('intents', { cacheDir: cache });
    expect(readdirSync(cache).filter((f) => f.startsWith('catalog-'))).toHaveLength(1);
    const read = loadCatalog('intents', { cacheDir: cache });
    expect(read).toStrictEqual(checked);
    expect(first).toStrictEqual(checked);
    for (const item of read.menu) expect(read.intents.get(item.id)).toBe(item);
  });

  it('checks changed content in full: a bad file stops loading although the cache holds the good one', () => {
    const cache = tmpDir('cache-');
    const dir = intentsCopy();
    loadCatalog(dir, { cacheDir: cache });
    const file = path.join(dir, 'pindah-kpp.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: pindah-kpp$/m, 'id: pindah-kantor'));
    expect(() => loadCatalog(dir, { cacheDir: cache })).toThrow(CatalogError);
    expect(() => loadCatalog(dir, { cacheDir: cache })).toThrow(/pindah-kpp\.yaml: id: "pindah-kantor" must match the file name/);
  });

  it('reads the trained model back weight for weight: the same probabilities as training gives', () => {
    const cache = tmpDir('cache-');
    const catalog = loadCatalog('intents');
    const trained = new IntentClassifier(catalog, { cacheDir: cache });
    expect(trained.fromCache).toBe(false);
    const read = new IntentClassifier(catalog, { cacheDir: cache });
    expect(read.fromCache).toBe(true);
    expect(read.trainingSize).toBe(trained.trainingSize);
    for (const m of MESSAGES) {
      expect(Array.from(read.probabilities(m).probs)).toEqual(Array.from(trained.probabilities(m).probs));
      expect(read.classify(m)).toEqual(trained.classify(m));
    }
    // and the same as a model trained without any cache
    const plain = new IntentClassifier(catalog);
    for (const m of MESSAGES) expect(Array.from(read.probabilities(m).probs)).toEqual(Array.from(plain.probabilities(m).probs));
  });

  it('trains again when an example changes, or when the training options differ', () => {
    const cache = tmpDir('cache-');
    const dir = intentsCopy();
    expect(new IntentClassifier(loadCatalog(dir), { cacheDir: cache }).fromCache).toBe(false);
    expect(new IntentClassifier(loadCatalog(dir), { cacheDir: cache, slips: false }).fromCache).toBe(false);
    const file = path.join(dir, 'pindah-kpp.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^examples:\n/m, 'examples:\n  - kantor pajak kami pindah ke kota lain, aplikasinya gimana\n'));
    const changed = loadCatalog(dir, { cacheDir: cache });
    expect(changed.intents.get('pindah-kpp')!.examples).toContain('kantor pajak kami pindah ke kota lain, aplikasinya gimana');
    expect(new IntentClassifier(changed, { cacheDir: cache }).fromCache).toBe(false);
    expect(new IntentClassifier(changed, { cacheDir: cache }).fromCache).toBe(true);
  });

  it('a corrupt entry or a folder that cannot be written only means training as before', () => {
    const cache = tmpDir('cache-');
    const catalog = loadCatalog('intents');
    const plain = new IntentClassifier(catalog);
    new IntentClassifier(catalog, { cacheDir: cache });
    const entry = path.join(
      cache,
      readdirSync(cache).find((f) => f.startsWith('intent-model-'))!,
    );
    writeFileSync(entry, readFileSync(entry).subarray(0, 5000)); // cut short
    const again = new IntentClassifier(catalog, { cacheDir: cache });
    expect(again.fromCache).toBe(false);
    expect(again.classify(MESSAGES[0]!)).toEqual(plain.classify(MESSAGES[0]!));
    expect(new IntentClassifier(catalog, { cacheDir: cache }).fromCache).toBe(true); // written again, whole

    // A "folder" below a file: nothing can be written there.
    const blocked = path.join(tmpDir('cache-'), 'a-file');
    writeFileSync(blocked, 'not a folder');
    const unwritable = path.join(blocked, 'cache');
    expect(loadCatalog('intents', { cacheDir: unwritable })).toStrictEqual(catalog);
    const m = new IntentClassifier(catalog, { cacheDir: unwritable });
    expect(m.fromCache).toBe(false);
    expect(m.classify(MESSAGES[1]!)).toEqual(plain.classify(MESSAGES[1]!));
  });

  it('a code folder that cannot be read means no cache, never a failed start', () => {
    expect(codeFingerprint('file:///no/such/folder/module.js')).toBeUndefined();
    expect(codeFingerprint(new URL('../src/nlu/classifier.ts', import.meta.url).href)).toMatch(/^[0-9a-f]{64}$/);
  });
});
