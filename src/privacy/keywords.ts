/**
 * The words that announce a password, passphrase, PIN or one-time code in a message
 * ("password", "pw", "kata sandi", "passphrase", …), as the bot itself understands them.
 *
 * Why it exists (issue 18, items 3 and 7): the masker only knew a fixed regular expression of
 * keywords, so secrets after words the bot reads perfectly well as "password" were stored in clear:
 * "pasword: …", "passwrd saya …", "kata kunci: …", "passwordku ya: …". The rule now is: whatever the
 * bot understands as a secret keyword is masked. The bot's normaliser (src/nlu/normalise.ts) maps a
 * word to "password" through
 *   1. the lexicon (intents/_lexicon.yaml: `words` such as pw, pwd, passw, psw, pasword, sandi and
 *      `phrases` such as "kata sandi", "kata kunci", "pass word") — repeated in
 *      intents/_privacy.yaml `secretKeywords`, and tests/privacy-keywords.test.ts fails when the
 *      lexicon gains a secret word that file lacks;
 *   2. typo repair towards its vocabulary (`correctTypo`: edit distance ≤ 1 for a typed word shorter
 *      than 8 letters, ≤ 2 from 8 letters on) — mirrored here with the same bounds against the
 *      keywords of 6 letters or more (password, passwd, passphrase, katasandi, passcode), a swap of
 *      two neighbours counting as one slip. So "pasword", "passwrd", "paswd", "pssword", "passwrod",
 *      "pasphrase" are keywords — and so is "passport", which the bot reads as "password" too (its
 *      number is personal data anyway). Shorter keywords (pw, pin, otp, sandi) are matched exactly:
 *      one slip away from them are ordinary words ("pun", "ping", "sendi", "candi");
 *   3. splitting words run together (`splitRunTogether`: "passwordsaya", "lupapassword") — mirrored
 *      for a long keyword glued to one of the words that sit around keywords (words.ts).
 * The spellings are data (intents/_privacy.yaml, loaded by words.ts); the matching rules are here.
 * Indonesian possessive suffixes are accepted on every keyword: -nya, -ku, -mu ("passwordku",
 * "pwku", "passnya", "sandiku", "pin-nya"). A keyword is a whole word; "-nya" reads as "its value is".
 *
 * The normaliser itself is not used at run time: it needs the catalog (files) and a vocabulary,
 * while masking is a pure function called from every layer, including logging.
 */

import {
  GLUED_KEYWORDS,
  KEYWORD_WORDS,
  NOT_KEYWORDS,
  PARTICLES,
  PHRASE_KEYWORDS,
  PRONOUNS,
  QUALIFIERS,
  SLIP_KEYWORDS,
  STOP_WORDS,
  type SecretKeyword,
} from './words.js';

export type { SecretKeyword } from './words.js';

export interface KeywordHit {
  /** Range of the keyword (with its suffix) in the text. */
  start: number;
  end: number;
  keyword: SecretKeyword;
  /** Written with "-nya" ("passwordnya", "pin-nya"): what follows is its value. */
  nya: boolean;
}

const HSPACE = String.raw`[ \t\u00A0]+`;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Two-word keywords (intents/_privacy.yaml `phrases`), any horizontal spacing between the words. */
const PHRASE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_\]])(${PHRASE_KEYWORDS.map(([p]) => p.split(' ').map(escapeRe).join(HSPACE)).join('|')})(?:(-?nya)|-?ku|-?mu)?(?![\p{L}\p{N}_])`,
  'giu',
);
const PHRASE_KEYWORD: ReadonlyMap<string, SecretKeyword> = new Map(PHRASE_KEYWORDS);

/** Candidate single words (letters only, optionally with a dashed suffix). */
const WORD_RE = /(?<![\p{L}\p{N}_\]])\p{L}+(?:-(?:nya|ku|mu))?(?![\p{L}\p{N}_])/giu;

/**
 * The number of slips between `a` and `b` (letters dropped, added, replaced, or two neighbours
 * swapped: optimal string alignment distance), or `max + 1` when it is more than `max`.
 */
export function slips(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  // Three rows of the dynamic programme are enough (the swap looks two rows back).
  let before = new Array<number>(lb + 1).fill(0);
  let prev = Array.from({ length: lb + 1 }, (_, j) => j);
  for (let i = 1; i <= la; i++) {
    const cur = new Array<number>(lb + 1).fill(0);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const same = a.charCodeAt(i - 1) === b.charCodeAt(j - 1);
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (same ? 0 : 1));
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, (before[j - 2] ?? 0) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  const d = prev[lb] ?? max + 1;
  return d > max ? max + 1 : d;
}

/** Words that may be glued after a long keyword ("passwordsaya", "passwordefaktur", "passwordnya"). */
function gluedAfter(rest: string): boolean {
  return PRONOUNS.has(rest) || QUALIFIERS.has(rest) || PARTICLES.has(rest);
}

/** The keyword a (lower-case, suffix-free) word stands for, or null. */
function baseKeyword(base: string): SecretKeyword | null {
  const exact = KEYWORD_WORDS.get(base);
  if (exact) return exact;
  if (base.length < 5 || base.length > 12 || NOT_KEYWORDS.has(base)) return null;
  const max = base.length >= 8 ? 2 : 1; // the normaliser's bounds (see the header)
  for (const [target, keyword] of SLIP_KEYWORDS) if (slips(base, target, max) <= max) return keyword;
  return null;
}

/** "passwordsaya" -> password, "lupapassword" -> password: a long keyword and a known word run together. */
function gluedKeyword(w: string): SecretKeyword | null {
  for (const [target, keyword] of GLUED_KEYWORDS) {
    if (w.length <= target.length) continue;
    if (w.startsWith(target) && gluedAfter(w.slice(target.length))) return keyword;
    if (w.endsWith(target) && STOP_WORDS.has(w.slice(0, w.length - target.length))) return keyword;
  }
  return null;
}

/**
 * The keyword one word stands for (any case, with or without a possessive suffix), or null.
 * `nya`: the suffix was "-nya".
 */
export function keywordOfWord(word: string): { keyword: SecretKeyword; nya: boolean } | null {
  const w = word.toLowerCase();
  const whole = baseKeyword(w) ?? gluedKeyword(w);
  if (whole) return { keyword: whole, nya: false };
  const m = /^(\p{L}{2,}?)-?(nya|ku|mu)$/u.exec(w);
  if (!m) return null;
  const keyword = baseKeyword(m[1] ?? '');
  return keyword ? { keyword, nya: m[2] === 'nya' } : null;
}

/** Every secret keyword in `text`, in order, not overlapping. */
export function findSecretKeywords(text: string): KeywordHit[] {
  const hits: KeywordHit[] = [];
  for (const m of text.matchAll(PHRASE_RE)) {
    const phrase = m[1] ?? '';
    const keyword = PHRASE_KEYWORD.get(phrase.toLowerCase().replace(/[ \t\u00A0]+/g, ' ')) ?? 'password';
    hits.push({ start: m.index, end: m.index + m[0].length, keyword, nya: m[2] !== undefined });
  }
  const phrases = hits.length;
  let next = 0; // the first phrase that does not end before the current word (both lists are in order)
  for (const m of text.matchAll(WORD_RE)) {
    if (m[0].length > 24) continue; // no keyword is this long, with its suffix or a word glued to it
    const start = m.index;
    const end = start + m[0].length;
    while (next < phrases && (hits[next]?.end ?? 0) <= start) next++;
    const phrase = hits[next];
    if (next < phrases && phrase && phrase.start < end) continue; // a word of a two-word keyword
    const found = keywordOfWord(m[0]);
    if (found) hits.push({ start, end, keyword: found.keyword, nya: found.nya });
  }
  return hits.sort((a, b) => a.start - b.start);
}
