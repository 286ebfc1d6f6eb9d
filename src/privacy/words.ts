/**
 * The masker's word lists, from intents/_privacy.yaml (read once, at start-up: words-file.ts). They
 * are data so that a helpdesk editor can add a spelling without touching code; what the lists mean
 * is documented in the file, and how they are used at each export below.
 */
import { loadPrivacyWords, type SecretKeyword } from './words-file.js';

export type { SecretKeyword } from './words-file.js';

const data = loadPrivacyWords();
const list = (words: readonly string[]): ReadonlySet<string> => new Set(words);

/** Words between a code keyword and the code: "kode aktivasi e-Faktur saya adalah: …". */
export const CODE_FILLERS = list(data.words.codeFillers);

/** After these words (or ":" / "=") what follows is clearly the value. */
export const EXPLICIT_WORDS = list(data.words.explicit);

/** Pronouns / demonstratives that may sit between the keyword and the value ("pass gw budi1990"). */
export const PRONOUNS = list(data.words.pronouns);

/** Describe which password is meant; skipped before the value ("password efaktur baru: …"). */
export const QUALIFIERS = list(data.words.qualifiers);

/**
 * Ordinary words: when the first word after the keyword is one of these, the user is talking about
 * the password, not typing it ("lupa password efaktur", "password salah terus"). They also end a
 * multi-word password.
 */
export const STOP_WORDS = list(data.words.stop);

/** Words that end a multi-word password ("sandi: budi 123 tapi ditolak"). */
export const CLAUSE_END_WORDS = list(data.words.clauseEnd);

/** Replies that are never secrets even when one is expected ("batal", "lupa", "menu"). */
export const CONTROL_WORDS = list(data.words.control);

/**
 * Particles and forms of address that may sit between a keyword and its value ("passwordku ya:
 * Sumber2024", "pw nya kak: …"): skipped like pronouns, and followed by ":" they make what comes
 * next the value.
 */
export const PARTICLES = list(data.words.particles);

/** Words that end a passphrase typed after "passphrase …:" (fewer than `CLAUSE_END_WORDS`). */
export const PASSPHRASE_END_WORDS = list(data.words.passphraseEnd);

/** One-word lines that are not a password even right after a line about one ("lupa password\nmakasih"). */
export const NEXT_LINE_ORDINARY = list(data.words.nextLineOrdinary);

/** Public numbers that must stay readable (Kring Pajak, DJP head office). */
export const PUBLIC_NUMBERS = list(data.publicNumbers);

/** Words before an activation code or serial number, longest first (one regular expression tries them in order). */
export const CODE_KEYWORDS: readonly string[] = [...data.codeKeywords].sort((a, b) => b.length - a.length);

/** Real words one slip away from a keyword: never keywords. */
export const NOT_KEYWORDS = list(data.notKeywords);

type Pairs = ReadonlyArray<readonly [string, SecretKeyword]>;

/** Every spelling of one field (`words`, `slips`, …) with the keyword it stands for, in file order. */
function spellings(field: 'words' | 'slips' | 'glued' | 'phrases'): Pairs {
  const out: Array<readonly [string, SecretKeyword]> = [];
  for (const [keyword, s] of Object.entries(data.secretKeywords) as Array<[SecretKeyword, (typeof data.secretKeywords)[SecretKeyword]]>) {
    for (const w of s?.[field] ?? []) out.push([w, keyword]);
  }
  return out;
}

/** Single words matched exactly (after a possessive suffix is removed). */
export const KEYWORD_WORDS: ReadonlyMap<string, SecretKeyword> = new Map(spellings('words'));
/** Keywords of 6+ letters also matched with slips. */
export const SLIP_KEYWORDS: Pairs = spellings('slips');
/** Long keywords also found glued to another word. */
export const GLUED_KEYWORDS: Pairs = spellings('glued');
/** Two-word keywords, longest first. */
export const PHRASE_KEYWORDS: Pairs = [...spellings('phrases')].sort((a, b) => b[0].length - a[0].length);
