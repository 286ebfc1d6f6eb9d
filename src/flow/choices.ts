/**
 * Resolving a typed or clicked answer to one of the options on screen:
 * "2", "yang kedua", "no 2", "sudah", "blm", "iya", "gak", or a fuzzy match of the option text.
 */
import { NO_WORDS, SHORT_YES_WORDS, YES_WORDS } from '../nlu/answer-words.js';
import type { Normaliser } from '../nlu/normalise.js';

export interface Option {
  label: string;
  goto: string;
  synonyms?: string[];
  /** For yes/no prompts: which answer this option stands for. */
  role?: 'yes' | 'no';
}

const ORDINALS: Record<string, number> = {
  satu: 1, pertama: 1, kesatu: 1, first: 1, one: 1,
  dua: 2, kedua: 2, second: 2, two: 2,
  tiga: 3, ketiga: 3, third: 3, three: 3,
  empat: 4, keempat: 4, four: 4,
  lima: 5, kelima: 5, five: 5,
  enam: 6, keenam: 6,
  tujuh: 7, ketujuh: 7,
  delapan: 8, kedelapan: 8,
  sembilan: 9, kesembilan: 9,
  sepuluh: 10, kesepuluh: 10,
};

const FILLER = new Set(['yang', 'yg', 'nomor', 'no', 'pilihan', 'opsi', 'option', 'ke', 'saya', 'pilih', 'nomer', 'itu', 'deh', 'dong', 'aja', 'saja', 'kak', 'kakak', 'admin', 'min']);

function ordinalIndex(tokens: string[], raw: string): number | undefined {
  const digits = raw.match(/^\s*(?:no\.?|nomor|nomer|pilihan|opsi|option|yang|yg|ke-?)?\s*(\d{1,2})\s*[.)]?\s*$/i);
  if (digits) return Number(digits[1]);
  const meaningful = tokens.filter((t) => !FILLER.has(t));
  if (meaningful.length === 1) {
    const t = meaningful[0]!;
    if (ORDINALS[t]) return ORDINALS[t];
    const ke = t.match(/^ke(\d{1,2})$/);
    if (ke) return Number(ke[1]);
  }
  return undefined;
}

/**
 * The option meant by a typed or clicked answer, with how sure the match is: 1 for a click, a number,
 * an ordinal or a yes/no word; below 1 for a fuzzy match of the option's words. Undefined when the
 * text is not an answer to this prompt.
 */
export function matchOption(text: string, options: Option[], normaliser: Normaliser): { index: number; score: number } | undefined {
  const r = matchOptionIndex(text, options, normaliser);
  return r === undefined ? undefined : typeof r === 'number' ? { index: r, score: 1 } : r;
}

function matchOptionIndex(text: string, options: Option[], normaliser: Normaliser): number | { index: number; score: number } | undefined {
  const raw = text.trim();
  if (!raw || !options.length) return undefined;
  const n = normaliser.normalise(raw);
  // Exact label (a click on a suggested action sends the label).
  const exact = options.findIndex((o) => o.label.trim().toLowerCase() === raw.toLowerCase());
  if (exact >= 0) return exact;
  const nText = n.text;
  const exactNorm = options.findIndex((o) => normaliser.normalise(o.label).text === nText);
  if (exactNorm >= 0) return exactNorm;

  const ord = ordinalIndex(n.tokens, raw);
  if (ord !== undefined) return ord >= 1 && ord <= options.length ? ord - 1 : undefined;

  // Yes/no prompts: short answers.
  const yes = options.findIndex((o) => o.role === 'yes');
  const no = options.findIndex((o) => o.role === 'no');
  if (yes >= 0 && no >= 0 && n.tokens.length <= 8) {
    // "muncul ETAX-40005" after a procedure: an error code means it did not work.
    if (n.codes.length) return no;
    // Short answers ("sudah", "blm", "iya deh") anywhere; longer ones only when they start with the
    // answer ("belum, masih error") — "mau bicara dengan petugas saja" is not a "yes".
    // Raw words too: the normaliser may have mapped slang ("gak") or corrected a short word.
    const rawWords = raw.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const short = n.tokens.length <= 3 && rawWords.length <= 3;
    const scope = short ? [...n.tokens, ...rawWords] : [...n.tokens.slice(0, 2), ...rawWords.slice(0, 2)];
    if (scope.some((t) => NO_WORDS.has(t))) return no;
    if (scope.some((t) => YES_WORDS.has(t) || (short && SHORT_YES_WORDS.has(t)))) return yes;
  }

  // Fuzzy: share of an option's words (label or synonym) present in the message.
  if (n.tokens.length > 12) return undefined;
  const tokens = new Set(n.tokens.filter((t) => !FILLER.has(t)));
  if (!tokens.size) return undefined;
  let best = -1;
  let bestScore = 0;
  let tie = false;
  options.forEach((o, i) => {
    for (const phrase of [o.label, ...(o.synonyms ?? [])]) {
      const pt = normaliser.normalise(phrase).tokens.filter((t) => !FILLER.has(t));
      if (!pt.length) continue;
      const hit = pt.filter((t) => tokens.has(t)).length;
      // Cover most of the option's words, and most of the message is about the option.
      const score = (hit / pt.length) * 0.7 + (hit / tokens.size) * 0.3;
      if (hit === 0) continue;
      if (score > bestScore + 1e-9) {
        bestScore = score;
        best = i;
        tie = false;
      } else if (Math.abs(score - bestScore) < 1e-9 && best !== i) {
        tie = true;
      }
    }
  });
  return best >= 0 && bestScore >= 0.5 && !tie ? { index: best, score: bestScore } : undefined;
}
