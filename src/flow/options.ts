/**
 * Which option of an open prompt a message means.
 *
 *  - `explicitPick`: a click (the exact label), a number ("2", "no. 2"), an ordinal ("yang kedua"), or
 *    the one option whose synonym is the whole reply ("lainnya"); these always win;
 *  - `scoreOptions`: every option scored against its label (each "/"-separated part), its synonyms and
 *    any error code they name; the best must clear a floor and beat the runner-up by a margin, or
 *    nothing is picked (a near tie is asked, never guessed).
 *
 * Two strictnesses: `answer` (the user is replying to the question on screen) and `prefill` (the
 * question has not been asked yet and we look for it in what the user already said). Pre-fill ignores
 * the question's own words ("belum registrasi" says nothing about which cause) and needs every content
 * word of a phrase. A third, `written`, takes only a synonym or a label part of two or more words written out in
 * full, function words included, or an error code: what a "no" at a check says happens now ("belum, tapi sekarang npwp ga
 * muncul") names the next question's option only that way.
 */
import type { Normalised, Normaliser } from '../nlu/normalise.js';
import { OPTION_FILLER, OPTION_STOP, ORDINALS } from './reading.js';

/** Option labels and synonyms are the catalog's own, few and fixed: each is normalised once. */
const phraseCache = new WeakMap<Normaliser, Map<string, Normalised>>();
export function normalisePhrase(normaliser: Normaliser, phrase: string): Normalised {
  let cache = phraseCache.get(normaliser);
  if (!cache) phraseCache.set(normaliser, (cache = new Map<string, Normalised>()));
  let n = cache.get(phrase);
  if (!n) cache.set(phrase, (n = normaliser.normalise(phrase)));
  return n;
}

export interface Option {
  label: string;
  goto: string;
  synonyms?: string[];
  /** For yes/no prompts: which answer this option stands for. */
  role?: 'yes' | 'no';
  /** One line said when this option is understood without being asked (pre-fill). */
  understood?: string;
}

/** Words that carry no choice, and with them those that never decide between options (intents/_reading.yaml). */
const FILLER = OPTION_FILLER;
const STOP = OPTION_STOP;

function ordinalIndex(tokens: string[], raw: string): number | undefined {
  const digits = raw.match(/^\s*(?:no\.?|nomor|nomer|pilihan|opsi|option|yang|yg|ke-?)?\s*(\d{1,2})\s*[.)]?\s*$/i);
  if (digits) return Number(digits[1]);
  // "4. masih pakai 3.2 soalnya", "2, abis install ulang …": the number first, then why.
  const leading = raw.match(/^\s*(?:no\.?|nomor|nomer|pilihan|opsi|yang|yg)?\s*(\d{1,2})\s*[.,)]\s+\D/i);
  if (leading) return Number(leading[1]);
  const meaningful = tokens.filter((t) => !FILLER.has(t));
  if (meaningful.length === 1) {
    const t = meaningful[0]!;
    if (ORDINALS[t]) return ORDINALS[t];
    if (/^\d{1,2}$/.test(t)) return Number(t); // "yang nomor 5": the fillers around a bare number
    const ke = t.match(/^ke(\d{1,2})$/);
    if (ke) return Number(ke[1]);
  }
  return undefined;
}

/** A click, a number, an ordinal or the exact label: the index picked, or undefined. */
export function explicitPick(text: string, options: Option[], normaliser: Normaliser): number | undefined {
  const raw = text.trim();
  if (!raw || !options.length) return undefined;
  const lower = raw.toLowerCase();
  const exact = options.findIndex((o) => o.label.trim().toLowerCase() === lower);
  if (exact >= 0) return exact;
  const n = normaliser.normalise(raw);
  const exactNorm = options.findIndex((o) => normalisePhrase(normaliser, o.label).text === n.text);
  if (exactNorm >= 0 && n.tokens.length) return exactNorm;
  const ord = ordinalIndex(n.tokens, raw);
  if (ord !== undefined) return ord >= 1 && ord <= options.length ? ord - 1 : undefined;
  // A synonym typed as the whole reply ("lainnya"), when exactly one option has it.
  if (!n.tokens.length) return undefined;
  const bySynonym = options.flatMap((o, i) => ((o.synonyms ?? []).some((syn) => normalisePhrase(normaliser, syn).text === n.text) ? [i] : []));
  return bySynonym.length === 1 ? bySynonym[0] : undefined;
}

function containsSeq(hay: string[], needle: string[]): boolean {
  if (!needle.length || needle.length > hay.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The words appear in this order, close together (a word or two between them). */
function inOrder(hay: string[], words: string[]): boolean {
  let from = 0;
  let first = -1;
  for (const w of words) {
    const at = hay.indexOf(w, from);
    if (at < 0) return false;
    if (first < 0) first = at;
    from = at + 1;
  }
  return from - first <= 2 * words.length + 3;
}

export interface OptionScore {
  index: number;
  score: number;
  /** Named verbatim: by its error code, or by a phrase of four or more words written as it is. */
  verbatim?: boolean;
}

export interface ScoreContext {
  normaliser: Normaliser;
  mode: 'answer' | 'prefill' | 'written';
  /** Tokens of the question itself (they tell no option apart). */
  questionTokens?: Set<string>;
}

const MIN_SCORE = { answer: 0.5, prefill: 0.75, written: 1 } as const;
const MARGIN = 0.15;

/** Phrases an option can be recognised by: each part of its label, and its synonyms. */
function phrasesOf(o: Option): string[] {
  return [...o.label.split(/\s+\/\s+|\s*\(|\)/).filter((p) => p.trim().length > 1), ...(o.synonyms ?? [])];
}

/** Scores every option; returns them best first. */
export function scoreOptions(text: string, options: Option[], ctx: ScoreContext): OptionScore[] {
  const n = ctx.normaliser.normalise(text);
  // "bukan yang di browser", "ga ada kode error": what follows is what the user does not mean or have.
  const negates = (k: number) => {
    const t = n.tokens[k];
    return t === 'bukan' || t === 'not' || (t === 'ada' && n.tokens[k - 1] === 'tidak');
  };
  const msg = new Set(n.tokens.filter((_, i) => ![i - 1, i - 2, i - 3].some((k) => k >= 0 && negates(k))));
  const codes = new Set(n.codes);
  // The question's own words ("belum registrasi" at the Belum Registrasi question) say nothing about which option.
  const ignore = ctx.questionTokens ?? new Set<string>();
  const phrases = options.map((o) => phrasesOf(o).map((ph) => normalisePhrase(ctx.normaliser, ph)));
  const labelParts = options.map((o) => phrasesOf(o).length - (o.synonyms?.length ?? 0));
  // A word several options share ("login", "password") tells them apart less than one only this option has.
  const df = new Map<string, number>();
  for (const list of phrases) for (const t of new Set(list.flatMap((p) => p.tokens))) df.set(t, (df.get(t) ?? 0) + 1);
  const w = (t: string) => 1 / (df.get(t) ?? 1);
  const scores = options.map((_o, index) => {
    let best = 0;
    let verbatim = false;
    for (const [k, p] of phrases[index]!.entries()) {
      // An error code named by the option and by the message decides on its own.
      if (p.codes.some((c) => codes.has(c))) {
        best = Math.max(best, 1.2);
        verbatim = true;
        continue;
      }
      // Written out: a synonym as the editor wrote it, or a label part of two or more words.
      if (ctx.mode === 'written' && !((k >= labelParts[index]! || p.tokens.length >= 2) && containsSeq(n.tokens, p.tokens))) continue;
      const content = p.tokens.filter((t) => !STOP.has(t) && !ignore.has(t));
      if (!content.length) {
        // A phrase of function words only counts as written in full ("tidak tahu kenapa").
        if (p.tokens.length >= 2 && containsSeq(n.tokens, p.tokens)) best = Math.max(best, 1 + 0.1 * p.tokens.length);
        continue;
      }
      // Pre-fill trusts a phrase only when its own words, not its filler, carry it ("kode aktivasi baru" is not "aktivasi").
      if (ctx.mode === 'prefill' && content.length / p.tokens.length < 0.5) continue;
      const total = content.reduce((a, t) => a + w(t), 0);
      const hit = content.filter((t) => msg.has(t)).reduce((a, t) => a + w(t), 0);
      if (!hit) continue;
      let s = hit / total;
      const all = content.every((t) => msg.has(t));
      if (ctx.mode === 'prefill' && !all) continue;
      if (all && p.tokens.length > 1 && containsSeq(n.tokens, p.tokens)) {
        s += 0.2 + 0.15 * p.tokens.length; // the phrase as written: longer is surer
        if (p.tokens.length >= 4) verbatim = true;
      }
      // Words apart count as the phrase only when none of them is the question's own: in "masih muncul
      // Belum Registrasi setelah saya update", "belum" belongs to the status, not to "belum update".
      else if (all && p.tokens.length > 1 && !p.tokens.some((t) => ignore.has(t)) && inOrder(n.tokens, p.tokens))
        s += 0.15 + 0.02 * content.length; // "sudah melakukan update"
      else if (all && p.tokens.some((t) => !msg.has(t) && !ignore.has(t)))
        s -= 0.2; // "update" is not "sudah update"
      else if (all) s += 0.02 * content.length;
      best = Math.max(best, s);
    }
    return { index, score: best, ...(verbatim ? { verbatim } : {}) };
  });
  return scores.sort((a, b) => b.score - a.score || a.index - b.index);
}

/** The message's words that an option's phrases (label parts, synonyms) written in full account for. */
export function wordsNamed(text: string, option: Option, normaliser: Normaliser): Set<string> {
  const msg = new Set(normaliser.normalise(text).tokens);
  const out = new Set<string>();
  for (const ph of phrasesOf(option)) {
    const content = normalisePhrase(normaliser, ph).tokens.filter((t) => !STOP.has(t));
    if (content.length && content.every((t) => msg.has(t))) for (const t of content) out.add(t);
  }
  return out;
}

/** Some option clears the floor, clearly meant or not (a message may name two). */
export function namesAnOption(text: string, options: Option[], ctx: ScoreContext): boolean {
  const [best] = scoreOptions(text, options, ctx);
  return !!best && best.score >= MIN_SCORE[ctx.mode];
}

/** The option clearly meant, or undefined when none clears the floor or two are too close. */
export function resolveOption(text: string, options: Option[], ctx: ScoreContext): OptionScore | undefined {
  const [best, second] = scoreOptions(text, options, ctx);
  if (!best || best.score < MIN_SCORE[ctx.mode]) return undefined;
  if (second && best.score - second.score < MARGIN - 1e-9) return undefined;
  return best;
}
