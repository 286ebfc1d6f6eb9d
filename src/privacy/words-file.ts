/**
 * Reads and validates intents/_privacy.yaml, the masker's word lists (see words.ts for how each
 * list is used).
 *
 * Why a file of its own, read here and not by src/catalog: masking is a pure function that every
 * layer calls, logging included, often before the catalog is loaded (and in tools that never load
 * it). So the lists are read synchronously, once, when src/privacy is first imported, which is at
 * start-up. A bad file stops start-up with one line per problem (file, path, what is wrong), like
 * the catalog's files.
 */
import { z } from 'zod';
import { contentFileCandidates, loadContentFile, parseContentFile } from '../catalog/content-file.js';

export const PRIVACY_FILE = '_privacy.yaml';

/** The kinds of secret a keyword announces (keywords.ts). */
export const SECRET_KEYWORDS = ['password', 'passphrase', 'pin', 'otp', 'efin', 'verification-code'] as const;
export type SecretKeyword = (typeof SECRET_KEYWORDS)[number];

/** A list without repeats; the message names the repeated entry, so the editor finds it. */
function uniqueList<T extends z.ZodType<string>>(item: T) {
  const required = (issue: { input: unknown }) =>
    issue.input === undefined ? 'missing: the list is required (an empty one is [])' : 'must be a list: [word, word, …]';
  return z.array(item, { error: required }).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((w, i) => {
      if (seen.has(w)) ctx.addIssue({ code: 'custom', path: [i], message: `"${w}" is listed twice` });
      seen.add(w);
    });
  });
}

/** The masker compares lower-cased words: an upper-case entry would never match. */
const word = z.string().regex(/^[\p{Ll}\p{N}]+(?:-[\p{Ll}\p{N}]+)*$/u, 'must be one lower-case word (letters, digits, inner dashes)');
/** Keywords are read from runs of letters (keywords.ts `WORD_RE`): digits or dashes never match. */
const letters = z.string().regex(/^\p{Ll}+$/u, 'must be one lower-case word of letters only');
const phrase = z.string().regex(/^\p{Ll}+(?: \p{Ll}+)+$/u, 'must be two or more lower-case words of letters, one space apart');
const codeKeyword = z.string().regex(/^[\p{Ll}\p{N}/]+(?: [\p{Ll}\p{N}/]+)*$/u, 'must be lower-case words (letters, digits, "/"), one space apart');

const keywordSpellings = z.strictObject({
  words: uniqueList(letters).default([]),
  /** Shorter keywords are one slip away from ordinary words ("pin" → "pun", "sandi" → "sendi"). */
  slips: uniqueList(letters.refine((w) => w.length >= 6, 'must have 6 letters or more: one slip from a shorter word is an ordinary word')).default([]),
  /** Short keywords would be found inside ordinary words ("pw" in "pwk"). */
  glued: uniqueList(letters.refine((w) => w.length >= 8, 'must have 8 letters or more: a shorter one is found inside ordinary words')).default([]),
  phrases: uniqueList(phrase).default([]),
});

/** One spelling stands for one keyword: listed under two, which one it means would be left to chance. */
const secretKeywords = z.partialRecord(z.enum(SECRET_KEYWORDS), keywordSpellings).superRefine((kinds, ctx) => {
  for (const field of ['words', 'slips', 'glued', 'phrases'] as const) {
    const owner = new Map<string, string>();
    for (const [kind, s] of Object.entries(kinds)) {
      (s?.[field] ?? []).forEach((w, i) => {
        const first = owner.get(w);
        if (first) ctx.addIssue({ code: 'custom', path: [kind, field, i], message: `"${w}" is already a keyword of ${first}` });
        else owner.set(w, kind);
      });
    }
  }
});

export const privacyWordsSchema = z.strictObject({
  secretKeywords,
  notKeywords: uniqueList(letters).default([]),
  codeKeywords: uniqueList(codeKeyword).min(1),
  publicNumbers: uniqueList(z.string().regex(/^\d{7,15}$/, 'must be 7 to 15 digits, without spaces or "+"')).default([]),
  words: z.strictObject({
    codeFillers: uniqueList(word),
    explicit: uniqueList(word),
    pronouns: uniqueList(word),
    qualifiers: uniqueList(word),
    particles: uniqueList(word),
    stop: uniqueList(word),
    clauseEnd: uniqueList(word),
    passphraseEnd: uniqueList(word),
    control: uniqueList(word),
    nextLineOrdinary: uniqueList(word),
  }),
});

export type PrivacyWords = z.infer<typeof privacyWordsSchema>;

export class PrivacyWordsError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The masking word lists are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PrivacyWordsError';
  }
}

/** Validates the text of a _privacy.yaml; `file` names it in the messages. Throws PrivacyWordsError. */
export function parsePrivacyWords(text: string, file: string): PrivacyWords {
  return parseContentFile(text, file, privacyWordsSchema, (problems) => new PrivacyWordsError(problems));
}

/** Where the file is looked for (see src/catalog/content-file.ts). */
export function privacyWordsCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return contentFileCandidates(PRIVACY_FILE, env);
}

/** Reads the first file found (see `privacyWordsCandidates`). Throws PrivacyWordsError. */
export function loadPrivacyWords(candidates = privacyWordsCandidates()): PrivacyWords {
  return loadContentFile(PRIVACY_FILE, candidates, privacyWordsSchema, (problems) => new PrivacyWordsError(problems));
}
