/**
 * "Whatever the bot understands as a secret keyword is masked" (issue 18, item 7), checked against
 * the bot itself:
 *   - every word and phrase of intents/_lexicon.yaml that the normaliser maps to "password" (or
 *     "passphrase") is a keyword for the masker (src/privacy/keywords.ts copies them; this fails
 *     when the lexicon gains one the copy lacks);
 *   - every one-slip variant of the long keywords, and a seeded sample of two-slip variants, that the
 *     bot's real normaliser (catalog lexicon + vocabulary, as the classifier builds it) reads as
 *     "password"/"passphrase", has its value masked.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import { ANSWER_WORDS } from '../src/nlu/answer-words.js';
import { Normaliser, stem } from '../src/nlu/normalise.js';
import { mask } from '../src/privacy/index.js';
import { findSecretKeywords, keywordOfWord, slips } from '../src/privacy/keywords.js';

const catalog = loadCatalog(path.resolve('intents'));
const SECRET_TOKENS = new Set(['password', 'passphrase']);
const VALUE = 'Zq81kx7Wm';

/** The normaliser with the vocabulary the classifier gives it (src/nlu/classifier.ts). */
function botNormaliser(): Normaliser {
  const n = new Normaliser(catalog.lexicon);
  const vocab = new Set<string>([...ANSWER_WORDS, ...catalog.lexicon.keep.flatMap((w) => [w, stem(w)])]);
  for (const intent of catalog.intents.values()) {
    for (const t of [...intent.examples, ...intent.keywords]) for (const w of n.normalise(t).tokens) vocab.add(w);
    for (const node of Object.values(intent.nodes)) {
      if (node.type !== 'question') continue;
      for (const c of node.choices) for (const t of [c.label, ...c.synonyms]) for (const w of n.normalise(t).tokens) vocab.add(w);
    }
  }
  n.setVocabulary(vocab);
  return n;
}

function expectValueMasked(keyword: string): void {
  for (const input of [`${keyword}: ${VALUE}`, `${keyword} saya ${VALUE}`, `lupa ${keyword}\n${VALUE}`]) {
    expect(mask(input), input).not.toContain(VALUE);
  }
}

describe("the lexicon's secret words are masking keywords", () => {
  const words = Object.entries(catalog.lexicon.words).filter(([, v]) =>
    v
      .toLowerCase()
      .split(' ')
      .some((t) => SECRET_TOKENS.has(t)),
  );
  const phrases = Object.entries(catalog.lexicon.phrases).filter(([, v]) =>
    v
      .toLowerCase()
      .split(' ')
      .some((t) => SECRET_TOKENS.has(t)),
  );

  it('the lexicon has such words and phrases (the test reads the right file)', () => {
    expect(words.length).toBeGreaterThan(5);
    expect(phrases.length).toBeGreaterThan(1);
  });

  it.each(words)('word %j (-> %j)', (word) => {
    expect(keywordOfWord(word), word).not.toBeNull();
    expectValueMasked(word);
  });

  it.each(phrases)('phrase %j (-> %j)', (phrase) => {
    const hits = findSecretKeywords(phrase);
    expect(
      hits.map((h) => [h.start, h.end]),
      phrase,
    ).toEqual([[0, phrase.length]]);
    expectValueMasked(phrase);
  });
});

/** Every variant of `word` one slip away (a letter dropped, added, replaced; two neighbours swapped). */
function oneSlip(word: string): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    if (i < word.length) out.add(word.slice(0, i) + word.slice(i + 1));
    for (const c of letters) {
      out.add(word.slice(0, i) + c + word.slice(i));
      if (i < word.length) out.add(word.slice(0, i) + c + word.slice(i + 1));
    }
    if (i + 1 < word.length) out.add(word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2));
  }
  out.delete(word);
  return [...out];
}

describe('typos the bot reads as a secret keyword are masking keywords', () => {
  const normaliser = botNormaliser();
  const understood = (w: string) => normaliser.normalise(w).tokens.some((t) => SECRET_TOKENS.has(t));

  it('one slip in password / passwd / passphrase / katasandi / passcode, and two-slip samples (seeded sample)', () => {
    const variants = new Set<string>();
    for (const w of ['password', 'passwd', 'passphrase', 'katasandi', 'passcode']) for (const v of oneSlip(w)) variants.add(v);
    // Two slips (the bot repairs up to two in words of 8+ letters): a seeded sample.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const w of ['password', 'passphrase', 'katasandi']) {
      const first = oneSlip(w);
      for (let k = 0; k < 200; k++) {
        const once = first[rand(first.length)] ?? w;
        const twice = oneSlip(once);
        variants.add(twice[rand(twice.length)] ?? once);
      }
    }
    // The bot's typo repair costs a few ms a word: a seeded sample of 1,200 variants keeps this quick.
    const sample = [...variants].filter((v, i) => i % 2 === 0 || rand(3) === 0).slice(0, 1200);
    const checked: string[] = [];
    const missed: string[] = [];
    for (const v of sample) {
      if (!/^\p{L}+$/u.test(v) || !understood(v)) continue;
      checked.push(v);
      for (const input of [`${v}: ${VALUE}`, `${v} saya ${VALUE}`]) if (mask(input).includes(VALUE)) missed.push(input);
    }
    expect(checked.length).toBeGreaterThan(500);
    expect(missed).toEqual([]);
  }, 60_000);

  it.each([
    'pasword',
    'passwrd',
    'paswd',
    'pssword',
    'passwrod',
    'pasphrase',
    'passphrse',
    'kata kunci',
    'kata sandi',
    'sandi',
    'katasandi',
    'passwordku',
    'passnya',
    'sandinya',
  ])('%j: understood by the bot, masked by the masker', (w) => {
    expectValueMasked(w);
  });

  it('the slip count is the optimal string alignment distance, bounded', () => {
    expect(slips('password', 'password', 2)).toBe(0);
    expect(slips('pasword', 'password', 2)).toBe(1);
    expect(slips('passwrod', 'password', 2)).toBe(1); // a swap is one slip
    expect(slips('psswrd', 'password', 2)).toBe(2);
    expect(slips('passport', 'password', 2)).toBe(2);
    expect(slips('pass', 'password', 2)).toBe(3);
    expect(slips('kucing', 'password', 2)).toBe(3);
  });

  it.each(['passed', 'pasti', 'paspor', 'sandal', 'pintu', 'kunci', 'kata', 'passing', 'pinjam', 'sandiwara'])('%j is no keyword', (w) => {
    expect(keywordOfWord(w)).toBeNull();
  });
});
