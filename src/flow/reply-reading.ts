/**
 * What a reply says, word by word, for the turn decision (decide.ts): whether it asks, names something,
 * thanks, points back, announces a try, a new topic or a correction, asks for a person, and what follows
 * its "tapi". Plain functions over the normaliser's tokens and the word lists of `_reading.yaml`.
 */
import type { Classification } from '../nlu/classifier.js';
import type { Normalised, Normaliser } from '../nlu/normalise.js';
import { wordsNamed, type Option } from './options.js';
import { TURN_PATTERNS, TURN_WORDS, YES_NO } from './reading.js';
import { saysThanks } from './yes-no.js';

/** Words that are only an answer to a yes/no question, not a topic of their own. */
export const ANSWER_ONLY = TURN_WORDS.answerOnly;

/** Words that announce another topic ("sekalian", "sebenarnya", "btw"). */
export const TOPIC_MARKERS = TURN_WORDS.topicMarkers;

export function announcesTopic(norm: Normalised): boolean {
  const text = ` ${norm.text} `;
  // "eh bukan kode error, maksudnya …", "sorry salah, ternyata bukan virus; kami pindah KPP": a correction.
  return norm.tokens.some((t) => TOPIC_MARKERS.has(t)) || TURN_PATTERNS.topicPhrase.test(text) || !!correctionOf(norm);
}

/**
 * "eh bukan kode error, maksudnya statusnya belum registrasi", "sorry salah, ternyata …": a correction,
 * and the words after it, which say what is meant (they may name an option of the open question).
 */
export function correctionOf(norm: Normalised): string | undefined {
  const m = ` ${norm.text} `.match(TURN_PATTERNS.correction);
  return m?.[1];
}

export const ACCEPTS_PERSON = TURN_WORDS.acceptsPerson;
const STILL_FAILS = TURN_WORDS.stillFails;
const DECLINES_PERSON = TURN_WORDS.declinesPerson;
/** At "connect you with a person?": the reply only says it still fails ("belum bisa juga"), declining nothing. */
export function stillFailsOnly(norm: Normalised): boolean {
  const t = norm.tokens;
  return t.some((w) => STILL_FAILS.has(w)) && !t.some((w) => DECLINES_PERSON.has(w)) && !saysThanks(t);
}
/** A thank-you with no word that accepts a hand-over. */
export function thanksOnly(norm: Normalised): boolean {
  return saysThanks(norm.tokens) && !norm.tokens.some((w) => ACCEPTS_PERSON.has(w));
}

export function contentCount(norm: Normalised): number {
  return norm.tokens.filter((t) => !ANSWER_ONLY.has(t) && !RESTATED_FAILURE.has(t)).length;
}

/** Words that only restate that it still fails. */
export const RESTATED_FAILURE = TURN_WORDS.restatedFailure;

/** Whether a message says more than a yes or a no (what may pre-fill the next question). */
export function saysMore(norm: Normalised): boolean {
  return norm.tokens.filter((t) => !ANSWER_ONLY.has(t)).length >= 2;
}

export const QUESTION_WORDS = TURN_WORDS.questionWords;
/** Words of a question for contacts or hours, which is answered, not handed off. */
export const CONTACT_WORDS = TURN_WORDS.contactWords;

/** "sambungkan ke petugas", "mau ngobrol sama orang aja", "CS mana" — not "nomor kring pajak berapa". */
export function wantsPerson(norm: Normalised, cls: Classification | undefined, personIntent: string, raw = ''): boolean {
  const t = norm.tokens;
  // "hubungkan ke kring pajak", "sambungin ke CS": being put through, not asking for a number.
  if (TURN_PATTERNS.connectRequest.test(raw)) return true;
  // In a long story "petugas"/"orang" is often someone mentioned ("om saya orang pajak"), not a request.
  const story = t.length > 15 && !t.some((x) => PERSON_VERBS.has(x));
  if (t.includes('petugas') && !t.includes('kpp') && !story) return !(t.some((x) => CONTACT_WORDS.has(x)) && !t.some((x) => PERSON_VERBS.has(x)));
  if (t.includes('orang') && t.some((x) => PERSON_REQUEST.has(x)) && !t.includes('lain') && t.length <= 15) return true;
  return !!cls && cls.intent === personIntent && cls.decision === 'route' && cls.score >= 0.6 && !t.some((x) => CONTACT_WORDS.has(x));
}

/** With "orang": asking to talk to one ("mau ngobrol sama orang aja"), not mentioning one. */
export const PERSON_REQUEST = TURN_WORDS.personRequest;

/** Verbs of being put through to someone ("sambungkan", "bicara dengan"). */
export const PERSON_VERBS = TURN_WORDS.personVerbs;

/** The reply cut at its punctuation, each clause normalised (for the yes/no reading). */
export function clausesOf(text: string, normaliser: Normaliser): string[][] {
  // A clause that ends in "?" is a question: its closing "ya" is a tag ("lapor di coretax ya?"), not a yes,
  // and one that closes on "ga?" asks whether ("kalau BPJS bisa dibantu juga ga?"): no answer at all.
  return (text.match(/[^,.;!?\n]+[,.;!?\n]*/g) ?? [])
    .map((part) => {
      const tokens = normaliser.normalise(part).tokens;
      if (!part.trimEnd().endsWith('?') || tokens.length < 2) return tokens;
      if (tokens.at(-1) === 'tidak') return [];
      // "kenapa bisa begitu?", "apa sudah bisa?": a question asked, not an answer given ("bisa" is no yes there).
      if (tokens.some((t) => QUESTION_WORDS.has(t))) return [];
      return tokens.at(-1) === 'ya' ? tokens.slice(0, -1) : tokens;
    })
    .filter((t) => t.length);
}

export function isQuestion(text: string, norm: Normalised): boolean {
  return text.includes('?') || norm.tokens.some((t) => QUESTION_WORDS.has(t));
}

export const NO_SUBJECT = TURN_WORDS.noSubject;
export const PRODUCT_NAMES = TURN_WORDS.productNames;
export const GREETINGS = TURN_WORDS.greetings;
export const AGAIN = TURN_WORDS.again;
export const FILLER = YES_NO.filler;
/**
 * The message names something: a word besides question words, fillers, bare answers and interjections.
 * "hmm gimana ya" names nothing, so however sure the model is that it is no topic of ours, it is an
 * unclear reply (asked again), not an out-of-scope question (answered with a pointer).
 */
export function namesSomething(norm: Normalised): boolean {
  return norm.tokens.some((t) => !QUESTION_WORDS.has(t) && !FILLER.has(t) && !ANSWER_ONLY.has(t) && !NO_SUBJECT.has(t));
}

export const POINTS_BACK = TURN_WORDS.pointsBack;
export const BARE_YES = TURN_WORDS.bareYes;
/** "ya itu td": a bare "ya" pointing back at what was said, with nothing else that answers. */
export function pointsBack(norm: Normalised): boolean {
  const t = norm.tokens;
  return (
    t.some((w) => POINTS_BACK.has(w)) &&
    t.some((w) => BARE_YES.has(w)) &&
    t.every((w) => BARE_YES.has(w) || POINTS_BACK.has(w) || FILLER.has(w) || NO_SUBJECT.has(w) || w === 'yang')
  );
}

/** Option `a` accounts for every word of the message that `b` does, and for more. */
export function namesMore(text: string, a: Option, b: Option, normaliser: Normaliser): boolean {
  const wa = wordsNamed(text, a, normaliser);
  const wb = wordsNamed(text, b, normaliser);
  return wa.size > wb.size && [...wb].every((t) => wa.has(t));
}

export const LATER = TURN_WORDS.later;
export const TRIES = YES_NO.tried;
const ACKNOWLEDGES = TURN_WORDS.acknowledges;
const PRONOUNS = TURN_WORDS.pronouns;
/** The word that says what was done after "sudah" ("sudah saya copy" → "copy"), pronouns and fillers skipped. */
function doneAfterSudah(t: string[]): string | undefined {
  const at = t.indexOf('sudah');
  return at < 0 ? undefined : t.slice(at + 1).find((w) => !PRONOUNS.has(w) && !FILLER.has(w));
}
const saysItWorks = (w: string) => YES_NO.yesWords.has(w) || YES_NO.appears.has(w) || TURN_WORDS.works.has(w);

/** "udah saya copy", "sudah dihapus semua": "sudah" and what was done after it, with no outcome word. */
export function reportsDone(norm: Normalised): boolean {
  const done = doneAfterSudah(norm.tokens);
  return !!done && !saysItWorks(done) && !saysThanks(norm.tokens);
}

/**
 * "iya udah dicoba restart", "yes I already cleared the cache": a tried step after "sudah", and no word
 * that says it works beyond a bare "iya"/"ok" — the steps were followed; whether they worked is not said.
 */
export function triedOnly(norm: Normalised): boolean {
  const done = doneAfterSudah(norm.tokens);
  if (!done || !(TRIES.has(done) || TRIES.has(done.replace(/^di/, '')))) return false;
  return norm.tokens.every((w) => w === 'sudah' || ACKNOWLEDGES.has(w) || !saysItWorks(w));
}

/**
 * "iya pakai wifi kantor": a bare "iya"/"ok" and a condition (the connection, the Wi-Fi), nothing that says
 * it works: the user answers the hint about the cause, not the check.
 */
export function conditionOnly(norm: Normalised): boolean {
  const t = norm.tokens;
  return (
    t.some((w) => ACKNOWLEDGES.has(w)) && t.some((w) => YES_NO.explanation.has(w)) && t.every((w) => ACKNOWLEDGES.has(w) || !saysItWorks(w)) && !saysThanks(t)
  );
}

/** "akan kami coba", "nanti saya coba dulu": trying announced, with nothing that says how it went. */
export function willTry(tokens: string[]): boolean {
  const at = tokens.findIndex((t) => LATER.has(t));
  if (at < 0 || !tokens.some((t, i) => TRIES.has(t) && Math.abs(i - at) <= 3)) return false;
  return !tokens.some((t) => YES_NO.failure.has(t) || YES_NO.negation.has(t) || t === 'sudah' || t === 'bisa' || t === 'berhasil' || /^etax/.test(t));
}

/** Tokens that are a thank-you and nothing more ("ok makasih", "thx kak"). */
export function thanksAlone(tokens: string[]): boolean {
  const plain = (t: string) =>
    saysThanks([t]) || t === 'terima' || t === 'kasih' || t === 'banyak' || FILLER.has(t) || ANSWER_ONLY.has(t) || YES_NO.shortYes.has(t);
  return saysThanks(tokens) && tokens.every(plain);
}

/** The message's last clause is a thank-you ("…. Baik, terima kasih."). */
export function endsWithThanks(text: string, normaliser: Normaliser): boolean {
  const last = clausesOf(text, normaliser).at(-1);
  return !!last && thanksAlone(last);
}

/**
 * What a correction says is meant, as typed: the words after its last "maksudnya"/"ternyata", without a
 * leading "bukan …," that says what is not meant ("maksudnya bukan kode error, statusnya belum registrasi").
 */
const MEANING_RE = new RegExp(`\\b(?:${[...TURN_WORDS.correctionMeaning].join('|')})\\w*\\b`, 'giu');
export function meantByCorrection(text: string): string | undefined {
  const m = [...text.matchAll(MEANING_RE)].at(-1);
  if (!m) return undefined;
  let rest = text.slice(m.index + m[0].length).trim();
  const not = rest.match(/^bukan\b[^,.;]*[,.;]\s*(.+)$/iu);
  if (not) rest = not[1]!;
  return rest.split(/\s+/).length >= 2 ? rest : undefined;
}

/**
 * The words after the last contrast word ("udah buka webnya, tapi npwp ga muncul" → "npwp ga muncul"), if
 * three or more; each typed word is read through the normaliser, so "tp" and "tpi" count as "tapi".
 */
export function contrastTail(text: string, normaliser: Normaliser): string | undefined {
  const words = text.split(/\s+/).filter(Boolean);
  let at = -1;
  words.forEach((w, i) => {
    if (normaliser.normalise(w).tokens.some((t) => YES_NO.contrast.has(t))) at = i;
  });
  if (at < 0) return undefined;
  const tail = words.slice(at + 1);
  return tail.length >= 3 ? tail.join(' ') : undefined;
}
