/**
 * The word lists the turn decision reads replies with (intents/_reading.yaml): yes and no, a request
 * for a person, an announced topic, a pick among options. Content an editor changes, not code.
 *
 * Read synchronously once, when src/flow is first imported (at start-up, before any turn), from the
 * configured content folder (`INTENTS_DIR`) or else the project's intents/ (a test's fixture catalog
 * brings none); a bad file stops start-up with one line per problem (file, path, what is wrong).
 */
import { z } from 'zod';
import { contentFileCandidates, loadContentFile, parseContentFile } from '../catalog/content-file.js';

export const READING_FILE = '_reading.yaml';

/** Compared with the normaliser's tokens: one lower-case word (letters, digits). */
const word = z.string().regex(/^[\p{Ll}\p{N}]+$/u, 'must be one lower-case word as the normaliser writes it');
const list = z.array(word, { error: 'must be a list: [word, word, …]' }).superRefine((l, ctx) => {
  const seen = new Set<string>();
  l.forEach((w, i) => {
    if (seen.has(w)) ctx.addIssue({ code: 'custom', path: [i], message: `"${w}" is listed twice` });
    seen.add(w);
  });
});

/** Several words of the same kind, one space apart ("oh iya", "tidak jadi"). */
const phrase = z.string().regex(/^[\p{Ll}\p{N}]+( [\p{Ll}\p{N}]+)*$/u, 'must be lower-case words, one space apart');
const phrases = z.array(phrase, { error: 'must be a list: [word, "two words", …]' }).superRefine((l, ctx) => {
  const seen = new Set<string>();
  l.forEach((w, i) => {
    if (seen.has(w)) ctx.addIssue({ code: 'custom', path: [i], message: `"${w}" is listed twice` });
    seen.add(w);
  });
});

export const readingSchema = z.strictObject({
  yesNo: z.strictObject({
    contrast: list,
    failure: list,
    negation: list,
    negationCarries: list,
    yesWords: list,
    shortYes: list,
    appears: list,
    tried: list,
    shortNo: list,
    filler: list,
    thanks: list,
    explanation: list,
  }),
  turns: z.strictObject({
    answerOnly: list,
    topicMarkers: list,
    works: list,
    now: list,
    notYet: list,
    restatedFailure: list,
    questionWords: list,
    noSubject: list,
    pointsBack: list,
    later: list,
    bareYes: list,
    acknowledges: list,
    pronouns: list,
    productNames: list,
    greetings: list,
    again: list,
    acceptsPerson: list,
    stillFails: list,
    declinesPerson: list,
    contactWords: list,
    personRequest: list,
    personVerbs: list,
    topicPhrases: phrases,
    connectRequests: phrases,
    correctionMarkers: list,
    correctionMeaning: list,
  }),
  live: z.strictObject({ cancel: phrases, solved: phrases, notSolved: phrases, unsolved: phrases }),
  options: z.strictObject({ filler: list, stop: list, ordinals: z.record(word, z.number().int().min(1).max(20)) }),
});

export class ReadingWordsError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The reading word lists are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ReadingWordsError';
  }
}

/** Validates the text of a _reading.yaml; `file` names it in the messages. Throws ReadingWordsError. */
export function parseReading(text: string, file: string): z.infer<typeof readingSchema> {
  return parseContentFile(text, file, readingSchema, (problems) => new ReadingWordsError(problems));
}

const words = loadContentFile(READING_FILE, contentFileCandidates(READING_FILE), readingSchema, (problems) => new ReadingWordsError(problems));
const set = (l: string[]) => new Set(l);

/** The lists as sets, read once. */
export const YES_NO = Object.fromEntries(Object.entries(words.yesNo).map(([k, v]) => [k, set(v)])) as Record<keyof typeof words.yesNo, Set<string>>;
export const TURN_WORDS = Object.fromEntries(Object.entries(words.turns).map(([k, v]) => [k, set(v)])) as Record<keyof typeof words.turns, Set<string>>;
export const OPTION_FILLER = set(words.options.filler);
export const OPTION_STOP = new Set([...words.options.filler, ...words.options.stop]);
export const ORDINALS: Readonly<Record<string, number>> = words.options.ordinals;

const escapeRe = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (l: readonly string[]) => l.map(escapeRe).join('|');

/** Phrases of the turn decision, as patterns over the normalised text (or, for requests, the raw text). */
export const TURN_PATTERNS = {
  /** " oh iya ", " tidak jadi ": an announced topic, matched in ` ${norm.text} `. */
  topicPhrase: new RegExp(` (?:${alternatives(words.turns.topicPhrases)}) `),
  /** "hubungkan ke kring pajak": being put through (raw text, any case). */
  connectRequest: new RegExp(`\\b(?:${alternatives(words.turns.connectRequests)})\\b`, 'i'),
  /** "bukan kode error, maksudnya …": a correction and what it says is meant (group 1). */
  correction: new RegExp(` (?:${alternatives(words.turns.correctionMarkers)}) (?:.+ )?(?:${alternatives(words.turns.correctionMeaning)}) (.+) $`),
};

/** A user's reply while an agent is away or the conversation waits (lower-cased raw text). */
export const LIVE_REPLY = {
  cancel: new RegExp(`^(?:${alternatives(words.live.cancel)})\\b`),
  solved: new RegExp(`^(?:${alternatives(words.live.solved)})\\b`),
  notSolved: new RegExp(`\\b(?:${alternatives(words.live.notSolved)})\\b`),
  unsolved: new RegExp(`\\b(?:${alternatives(words.live.unsolved)})\\b`),
};
