/**
 * Normaliser for Indonesian chat text.
 *
 * Users and examples go through the same steps, so "min efak gw blm registrasi trs" and the example
 * "efaktur saya belum registrasi terus" meet on the same tokens:
 *   1. Unicode clean-up (NFKC, zero-width and control characters), lower case, length bound;
 *   2. error-code entities ("ETAX-40005", "etax40005", "etx 40005", a bare "40005" -> `etax40005`);
 *   3. lexicon phrases ("e-faktur" -> "efaktur", "kata sandi" -> "password");
 *   4. punctuation to spaces, repeated letters ("tolongggg" -> "tolong");
 *   5. lexicon words (slang and abbreviations);
 *   6. with a vocabulary: words run together split ("lupapassword"), and typo correction;
 *   7. light stemming of Indonesian affixes ("mereset" -> "reset", "aktivasinya" -> "aktivasi").
 */
import Fuse from 'fuse.js';
import type { Lexicon } from '../catalog/schema.js';
import { ANSWER_WORDS } from './answer-words.js';
import { LRUCache } from 'lru-cache';
import { COMMON_WORDS } from './common-words.js';
import { deletionsOf, editDistance, isAdjacentSwap } from './edit-distance.js';
import { stem } from './stem.js';

export { stem };

const ANSWER_WORD_SET = new Set(ANSWER_WORDS);

/** Messages are cut here before matching: the question sits in the first lines of a long story or its end. */
export const MAX_MATCH_CHARS = 1200;

export interface Normalised {
  /** Normalised tokens, stemmed. */
  tokens: string[];
  /** The same tokens joined by single spaces (what intent `patterns` and `keywords` match against). */
  text: string;
  /** Error codes found, canonical form (e.g. `etax40005`, `etaxservice20017`). */
  codes: string[];
}

const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/** ETAX-40005, etax 40005, e-tax40005, etx-40005, ETAXSERVICE-20017, ETAX-API-10056. */
const CODE_RE = /\b(?:e[\s-]?tax|etx|etaks)[\s_-]*(service|api)?[\s_-]*(\d[\dOo]{3}\d)\b/giu;
/** A bare e-Faktur-looking code number such as 40005 or 10001 (not any five digits, not part of 40.005,00). */
const BARE_CODE_RE = /(?<!\d|\d[.,/-])\b([1-4]00\d\d|200(?:17|19))\b(?!\d|[.,/-]\d)/gu;

/** fuse.js's judgement of a typo's candidates (its threshold: how far a match may be). */
const FUSE_OPTIONS = { threshold: 0.34, ignoreLocation: true, includeScore: true, minMatchCharLength: 3 };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Normaliser {
  private readonly phraseRe: RegExp | undefined;
  private readonly phraseMap: Map<string, string>;
  private readonly words: Map<string, string>;
  private vocab = new Set<string>();
  /** The vocabulary's words of 4+ letters by length, with each word's place in the whole list. */
  private byLength = new Map<number, { words: string[]; place: number[] }>();
  /** Corrections already computed for unknown tokens (users repeat the same typos). */
  /** Repairs already made, by word (bounded: users type endless new words). */
  private readonly corrections = new LRUCache<string, string[]>({ max: 5000 });

  constructor(lexicon: Lexicon) {
    this.phraseMap = new Map(Object.entries(lexicon.phrases).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
    const keys = [...this.phraseMap.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
    this.phraseRe = keys.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${keys.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
    this.words = new Map(Object.entries(lexicon.words).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
    this.notThisCode = new Set(lexicon.notThisCode.map((w) => w.toLowerCase()));
    this.notOnly = new Set(lexicon.notOnly.map((w) => w.toLowerCase()));
    this.errorTexts = Object.entries(lexicon.errorTexts ?? {}).map(([text, code]) => ({ text, code: code.toLowerCase().replace(/[^a-z0-9]/g, '') }));
  }

  private readonly errorTexts: Array<{ text: string; code: string }>;
  /** The error texts as normalised words, worked out on first use (normalising needs the maps above). */
  private errorPhrases: Array<{ words: string; code: string }> | undefined;

  /**
   * Codes whose screen message the normalised tokens quote ("katanya user tidak temu": `etaxservice40002`;
   * `errorTexts` in the lexicon). Not part of `normalise`: only the classifier asks, when it is unsure.
   */
  quotedCodes(tokens: string[]): string[] {
    if (!this.errorTexts.length) return [];
    this.errorPhrases ??= this.errorTexts.map(({ text, code }) => ({ words: ` ${this.normalise(text, { authored: true }).text} `, code }));
    const joined = ` ${tokens.join(' ')} `;
    return this.errorPhrases.filter((p) => joined.includes(p.words)).map((p) => p.code);
  }

  private readonly notThisCode: ReadonlySet<string>;
  private readonly notOnly: ReadonlySet<string>;

  /**
   * Sets the vocabulary (stemmed tokens of all examples and keywords). Unknown tokens in messages are
   * then split or corrected towards it.
   */
  /**
   * `unsure`: words that come only from examples written the way users type. A typo or a run-together
   * word among them stays out of the vocabulary: in it, it would stop the same slip in a message from
   * being repaired.
   */
  setVocabulary(tokens: Iterable<string>, unsure: Iterable<string> = []): void {
    this.vocab = new Set(tokens);
    this.corrections.clear();
    const doubtful = new Set(unsure);
    // A word of the helpdesk's own (keywords, options, lexicon) with one letter dropped or two swapped
    // ("updte", "statsu"): a typo copied from an example, which must stay repairable in messages.
    const sureDeletions = new Set<string>();
    for (const w of this.vocab) if (w.length >= 6 && !doubtful.has(w)) for (const d of deletionsOf(w)) sureDeletions.add(d);
    const isSlipOfSure = (w: string) => {
      if (w.length < 5) return false;
      if (sureDeletions.has(w)) return true;
      for (let i = 0; i + 1 < w.length; i++) {
        const swapped = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
        if (swapped !== w && this.vocab.has(swapped) && !doubtful.has(swapped)) return true;
      }
      return false;
    };
    // Words run together ("lupapassword", "kodeaktivasi"): only when every piece is a word of 5+ letters
    // or one of the helpdesk's own, so that ordinary words containing others ("pengguna") stay.
    const runTogether = (w: string) => {
      if (w.length < 8 || (stem(w) !== w && this.vocab.has(stem(w)))) return false; // "pengguna": an affix on a known word
      const pieces = this.splitRunTogether(w);
      return !!pieces && pieces.length >= 2 && pieces.every((p) => this.vocab.has(p) && (p.length >= 5 || (p.length === 4 && !doubtful.has(p))));
    };
    for (const w of doubtful) {
      if (this.vocab.delete(w) && !isSlipOfSure(w) && !runTogether(w)) this.vocab.add(w);
    }
    // Candidates for typo repair, by length (see closestWords).
    this.byLength = new Map();
    [...this.vocab]
      .filter((w) => w.length >= 4)
      .forEach((w, place) => {
        const b = this.byLength.get(w.length) ?? { words: [], place: [] };
        b.words.push(w);
        b.place.push(place);
        this.byLength.set(w.length, b);
      });
    // One-letter deletions of every word (SymSpell's idea): a slip inside a word run together is found
    // with a few map lookups instead of a fuzzy search per piece.
    this.deletions = new Map();
    for (const w of [...this.vocab].sort()) {
      if (w.length < 5) continue;
      for (const d of deletionsOf(w)) if (!this.deletions.has(d)) this.deletions.set(d, w);
    }
  }

  private deletions = new Map<string, string>();

  /** A vocabulary word one slip away (a letter dropped, added, swapped or mistyped), or undefined. */
  private nearWord(piece: string): string | undefined {
    if (this.vocab.has(piece)) return piece;
    const direct = this.deletions.get(piece); // a letter dropped from the word
    if (direct) return direct;
    for (const d of deletionsOf(piece)) {
      if (this.vocab.has(d) && d.length >= 5) return d; // a letter added
      const w = this.deletions.get(d); // a letter mistyped or two swapped
      if (w && editDistance(piece, w, 2) <= 2) return w;
    }
    return undefined;
  }

  /**
   * `authored`: text the helpdesk wrote (answers, titles): any length, and no typo correction or
   * word splitting (it is spelled right, and correcting every word of a long answer is slow).
   */
  normalise(input: string, options: { authored?: boolean } = {}): Normalised {
    const max = options.authored ? 50_000 : MAX_MATCH_CHARS;
    let s = (input ?? '')
      .slice(0, max * 2)
      .normalize('NFKC')
      .replace(INVISIBLE, ' ')
      .toLowerCase();
    if (s.length > max) s = s.slice(0, max);
    const codes: string[] = [];
    s = s.replace(CODE_RE, (_m, kind: string | undefined, num: string) => {
      // "4OOO5": the letter O typed for zero.
      const code = `etax${kind ? kind.toLowerCase() : ''}${num.replace(/[Oo]/g, '0')}`;
      codes.push(code);
      return ` ${code} `;
    });
    s = s.replace(BARE_CODE_RE, (_m, num: string) => {
      const code = num.startsWith('200') ? `etaxservice${num}` : `etax${num}`;
      codes.push(code);
      return ` ${code} `;
    });
    if (this.phraseRe) s = s.replace(this.phraseRe, (m) => ` ${this.phraseMap.get(m) ?? m} `);
    // Keep letters and digits; everything else separates words ("pw/sandi", "e.faktur").
    s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
    // A second pass catches phrases that only appear once punctuation is gone ("e - faktur").
    if (this.phraseRe) s = s.replace(this.phraseRe, (m) => ` ${this.phraseMap.get(m) ?? m} `);
    let tokens: string[] = [];
    for (const raw of s.split(' ')) {
      if (!raw) continue;
      for (const t of this.expandToken(raw, !options.authored)) tokens.push(t);
    }
    // A phrase whose words only became right after typo repair ("kring ppajak" -> "kring pajak"):
    // one more phrase pass over the repaired words.
    if (this.phraseRe && !options.authored) {
      const joined = ` ${tokens.join(' ')} `;
      const again = joined.replace(this.phraseRe, (m) => ` ${this.phraseMap.get(m) ?? m} `);
      if (again !== joined) tokens = again.split(' ').filter(Boolean);
    }
    return { tokens, text: tokens.join(' '), codes: this.assertedCodes(tokens, [...new Set(codes)]) };
  }

  /**
   * The codes less those the message says it is not about ("ada error ETAX tapi bukan 40005": one or two
   * words of the lexicon's `notThisCode` just before it); a code also named without one stays. The word
   * stays among the tokens: only the code's own topic (patterns, options naming it) stops deciding.
   */
  private assertedCodes(tokens: string[], codes: string[]): string[] {
    if (!codes.length || !this.notThisCode.size) return codes;
    const denied = new Set<string>();
    const said = new Set<string>();
    tokens.forEach((t, i) => {
      if (!codes.includes(t)) return;
      const before = tokens.slice(Math.max(0, i - 2), i);
      // "bukan cuma 40005" (not only 40005) still names it.
      const denies = before.some((w) => this.notThisCode.has(w)) && !before.some((w) => this.notOnly.has(w));
      (denies ? denied : said).add(t);
    });
    return codes.filter((c) => !denied.has(c) || said.has(c));
  }

  private lookupWord(w: string): string[] | undefined {
    const mapped = this.words.get(w);
    return mapped === undefined ? undefined : mapped.split(' ').filter(Boolean);
  }

  private expandToken(raw: string, repair = true): string[] {
    // "tolongggg" -> "tolong", "bangettt" -> "banget"; letters only (digits are meaningful).
    const w = raw.replace(/(\p{L})\1{2,}/gu, '$1');
    if (w.length > 40) return []; // a "word" this long is noise (a pasted hash, a key mashing)
    const mapped = this.lookupWord(w);
    if (mapped) return mapped.map(stem);
    // "tiba2", "kadang2": the Indonesian reduplication written with a 2.
    const redup = w.match(/^(\p{L}{3,})2$/u);
    if (redup) return [...this.expandToken(redup[1]!, repair), ...this.expandToken(redup[1]!, repair)];
    const st = stem(w);
    // A slang word with an affix ("sertelnya", "diliat"): the lexicon knows the bare word.
    const mappedStem = st !== w ? this.lookupWord(st) : undefined;
    if (mappedStem) return mappedStem.map(stem);
    if (!repair || this.vocab.size === 0 || this.vocab.has(st) || this.vocab.has(w) || /\d/.test(w)) return [this.vocab.has(w) ? w : st];
    // A real word the examples happen not to hold is no typo ("berada" is not "berapa").
    if (COMMON_WORDS.has(w)) return [st];
    // Doubled letters that are not in the vocabulary: "sudahh", "passwordd".
    const single = w.replace(/(\p{L})\1/gu, '$1');
    if (single !== w) {
      const m2 = this.lookupWord(single);
      if (m2) return m2.map(stem);
      if (this.vocab.has(stem(single))) return [stem(single)];
    }
    const cached = this.corrections.get(w);
    if (cached) return cached;
    const fixed = this.splitRunTogether(w) ?? this.correctTypo(w) ?? (w.length <= 24 ? this.splitRunTogether(w, true) : undefined) ?? [st];
    this.corrections.set(w, fixed);
    return fixed;
  }

  /** "lupapassword" -> ["lupa", "password"]; only when every piece is a known word of 3+ letters. */
  private splitRunTogether(w: string, fuzzy = false): string[] | undefined {
    if (w.length < 7 || w.length > 48) return undefined;
    const known = (piece: string): string[] | undefined => {
      const m = this.lookupWord(piece);
      if (m) return m.map(stem);
      if (this.vocab.has(piece)) return [piece];
      const st = stem(piece);
      if (this.vocab.has(st) && piece.length >= 3) return [st];
      // Second try only: a piece with a slip of its own ("lupapasswrod" -> lupa + password). Never
      // into a yes/no word: "diajukan" is not "dia bukan", and a slip must not flip an answer.
      const near = fuzzy && piece.length >= 5 ? this.nearWord(piece) : undefined;
      return near && !ANSWER_WORD_SET.has(near) ? [near] : undefined;
    };
    // best[i]: fewest pieces covering w[0..i)
    const best: Array<string[] | undefined> = [[]];
    for (let i = 1; i <= w.length; i++) {
      for (let j = Math.max(0, i - 16); j <= i - 3; j++) {
        const prev = best[j];
        if (!prev) continue;
        const piece = known(w.slice(j, i));
        if (piece && (!best[i] || best[i]!.length > prev.length + piece.length)) best[i] = [...prev, ...piece];
      }
    }
    const out = best[w.length];
    return out && out.length >= 2 && out.length <= 6 ? out : undefined;
  }

  private correctTypo(w: string): string[] | undefined {
    if (w.length < 4 || !this.byLength.size) return undefined;
    const max = w.length >= 8 ? 2 : 1;
    // A letter dropped, added, mistyped or two swapped is found with a few map lookups (the deletions
    // index); the fuzzy search only when that finds nothing. Training normalises every example, so
    // this is most of start-up on a large catalog.
    if (w.length >= 5) {
      const near = this.nearWord(w);
      if (near && near !== w && (editDistance(w, near, max) <= max || isAdjacentSwap(w, near))) return [near];
    }
    for (const hit of this.closestWords(w, max)) {
      if (editDistance(w, hit, max) <= max) return [hit];
    }
    return undefined;
  }

  /**
   * Vocabulary words within `max` edits of `w`, in fuse.js's order (its score, then place in the
   * vocabulary), fuse's threshold applied: what a fuse search over the whole vocabulary gives once
   * edit distance has confirmed its hits, without its cost (~1 µs per word searched, ~0.8 ms per
   * unknown word, most of a message's first reading). Only the lengths within `max` of the typo's
   * are scanned, since a word further off cannot be within `max` edits.
   */
  private closestWords(w: string, max: number): string[] {
    const within: Array<{ word: string; place: number }> = [];
    for (let n = w.length - max; n <= w.length + max; n++) {
      const b = this.byLength.get(n);
      if (!b) continue;
      b.words.forEach((word, k) => {
        if (editDistance(w, word, max) <= max) within.push({ word, place: b.place[k]! });
      });
    }
    if (!within.length) return [];
    within.sort((a, b) => a.place - b.place);
    return new Fuse(
      within.map((c) => c.word),
      FUSE_OPTIONS,
    )
      .search(w, { limit: 5 })
      .map((h) => h.item);
  }
}
