/**
 * The seeded generator of the privacy property tests (tests/privacy-props.test.ts,
 * tests/privacy-unchanged.test.ts): mulberry32, secret values, keyword slips and the Indonesian text
 * around them. Every run sees the same variants; a failure names the class, the variant and the input.
 */
import { expect } from 'vitest';
import { mask } from '../../src/privacy/index.js';
/** Variants per class; PRIVACY_PROPS_RUNS / PRIVACY_PROPS_SEED explore further (the defaults are what CI runs). */
export const RUNS = Number(process.env.PRIVACY_PROPS_RUNS ?? 300);
export const SEED_OFFSET = Number(process.env.PRIVACY_PROPS_SEED ?? 0);

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

export class Gen {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet.charAt(this.int(0, alphabet.length - 1));
    return out;
  }
  /** Lower, UPPER, Title or as is. */
  casing(s: string): string {
    const k = this.int(0, 3);
    if (k === 0) return s.toLowerCase();
    if (k === 1) return s.toUpperCase();
    if (k === 2) return s.charAt(0).toUpperCase() + s.slice(1);
    return s;
  }
}

export const LOWER = 'abcdefghijkmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const SYMBOLS = '!@#$%&*_';

/**
 * A password as people choose them: a word-ish start, digits, maybe a symbol; always a letter and a
 * digit (the rules without an explicit separator need something that looks secret). Made of letters
 * that never spell the surrounding words, and marked with "Zq" so no random value collides with them.
 */
export function password(g: Gen): string {
  const head = g.chars(LOWER, g.int(2, 6));
  const digits = g.chars(DIGITS, g.int(2, 5));
  const symbol = g.chance(0.3) ? g.pick([...SYMBOLS]) : '';
  const tail = g.chance(0.4) ? g.chars(LOWER + UPPER, g.int(1, 3)) : '';
  return `Zq${head}${digits}${symbol}${tail}`;
}

/** Words of a passphrase: ordinary nouns and adjectives, none of them a word that ends a passphrase. */
export const PASSPHRASE_WORDS = [
  'kucing',
  'hitam',
  'lompat',
  'tinggi',
  'gajah',
  'biru',
  'terbang',
  'jauh',
  'langit',
  'senja',
  'merah',
  'bunga',
  'mawar',
  'rumah',
  'kayu',
  'kopi',
  'susu',
  'gula',
  'aren',
  'ombak',
  'pantai',
  'selatan',
  'jerapah',
  'ungu',
  'menari',
  'pelan',
  'rambutan',
  'durian',
  'mangga',
  'sepeda',
  'kereta',
  'bintang',
  'bulan',
  'matahari',
  'sungai',
  'gunung',
  'harimau',
  'elang',
  'burung',
  'hujan',
  'pelangi',
  'angin',
  'batu',
  'pasir',
  'hutan',
  'daun',
  'akar',
  'nasi',
  'goreng',
  'pedas',
  'manis',
  'asin',
  'dingin',
  'panas',
  'besar',
  'kecil',
  'tua',
  'muda',
  'lima',
  'tujuh',
  'sembilan',
  'empat',
];

export const GREETINGS = ['', 'Halo kak, ', 'Selamat siang. ', 'min, ', 'Permisi, ', 'pagi pak ', 'Tolong dibantu. '];
export const TAILS = ['', '.', '!', ' ya', ' tolong dibantu', '. Terima kasih', ' mohon dicek', '\nterima kasih', ' 🙏'];

/** One slip in a word: a letter dropped, added, replaced, or two neighbours swapped. */
export function slip(g: Gen, word: string): string {
  const i = g.int(0, word.length - 1);
  switch (g.int(0, 3)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + g.pick([...LOWER]) + word.slice(i);
    case 2:
      return word.slice(0, i) + g.pick([...LOWER]) + word.slice(i + 1);
    default:
      return i + 1 < word.length ? word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2) : word;
  }
}

/** Asserts that none of `secrets` survives masking `input`, and that masking is idempotent. */
export function check(kind: string, n: number, input: string, secrets: string[]): void {
  const once = mask(input);
  for (const s of secrets) expect(once, `${kind} #${n}: ${JSON.stringify(input)} -> ${JSON.stringify(once)}`).not.toContain(s);
  expect(mask(once), `${kind} #${n}: idempotent`).toBe(once);
}

export function forEachVariant(seed: number, body: (g: Gen, n: number) => void): void {
  const g = new Gen(seed + SEED_OFFSET);
  for (let n = 0; n < RUNS; n++) body(g, n);
}

// ---------------------------------------------------------------------------------------------
// The classes
// ---------------------------------------------------------------------------------------------
