/**
 * Masks the secrets users paste into the e-Faktur helpdesk chat (NPWP, NIK, activation codes,
 * passwords/passphrases, e-mail addresses, phone numbers, card numbers) before text reaches logs,
 * transcripts, hand-off tickets or telemetry events.
 *
 * Placeholders are readable Indonesian tags, the rest of the sentence is kept as typed:
 *   "NPWP saya 01.234.567.8-901.000, pw: abc123" -> "NPWP saya [NPWP], pw: [RAHASIA]"
 *
 * How it works (all passes run on the same text and "claim" character ranges — see claims.ts; a
 * range claimed by an earlier pass is not claimed again, except that a later, wider claim may swallow
 * earlier ones it fully contains):
 *   -. the detectors see a folded copy of the text (view.ts: zero-width characters dropped, full-width
 *      and other Unicode digits/letters as ASCII); masks are applied to the original characters;
 *   0. placeholders already present (`[NPWP]`, ...) are reserved, so masking is idempotent, and so is
 *      metadata (ISO timestamps, UUIDs, KP-… ticket references: placeholders.ts, metadata.ts);
 *   1. e-mail addresses; 16-character activation codes in any case (codes16.ts — before the digit
 *      pass, which would otherwise take the digits inside them for a phone number);
 *   2. landlines written with the area code in brackets ("(021) 5551234", phone.ts), then digit
 *      sequences: NPWP, NIK, phone, card (numbers.ts, identifiers.ts);
 *   3. activation codes / serial numbers (codes.ts: upper-case letter+digit codes, or any case after
 *      "kode aktivasi", "kode", "serial number", ...);
 *   4. passwords / passphrases / PIN / OTP / EFIN values after a keyword (keywords.ts, passwords.ts),
 *      or on the line after a short line that names one ("lupa password\nRahasia123!", next-line.ts);
 *   5. with `expectingSecret`, a one-token message as a whole.
 * The words the rules use are data: intents/_privacy.yaml (words.ts).
 *
 * Every regular expression is anchored with a look-behind (or scans a bounded window), so the work is
 * linear in the input length; a 10,000-character message masks in a few milliseconds.
 */
import { Claims } from './claims.js';
import { detectKeywordCodes, detectUppercaseCodes } from './codes.js';
import { detectLooseActivationCodes } from './codes16.js';
import { findSecretKeywords } from './keywords.js';
import { detectPasswordOnNextLine } from './next-line.js';
import { detectNumbers } from './numbers.js';
import { detectPasswords, maskExpectedSecret } from './passwords.js';
import { detectBracketedAreaCodes } from './phone.js';
import { PLACEHOLDERS, reservePlaceholders } from './placeholders.js';
import type { SecretKind } from './types.js';
import { makeView } from './view.js';

export type { SecretKind } from './types.js';
export { PLACEHOLDERS } from './placeholders.js';

export interface MaskResult {
  /** The text with every secret replaced by its placeholder. */
  text: string;
  /** Kinds that were masked, unique, in order of first appearance in the text. */
  found: SecretKind[];
}

export interface MaskContext {
  /**
   * The bot has just asked for something sensitive (or the user is answering a prompt where people
   * tend to paste secrets): a message made of a single token is masked as a whole.
   */
  expectingSecret?: boolean;
}

/** Kinds that make `containsSecret` true (the bot warns the user once). */
const WARN_KINDS: ReadonlySet<SecretKind> = new Set<SecretKind>(['password', 'activation-code', 'npwp', 'nik']);

/** The look-behind makes each attempt start at the beginning of a run of local-part characters. */
const EMAIL_RE = /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

function detectEmails(text: string, claims: Claims): void {
  for (const m of text.matchAll(EMAIL_RE)) claims.add(m.index, m.index + m[0].length, 'email');
}

/**
 * Masks the secrets in `text`. Never throws; non-string input is converted with `String()`
 * (`null`/`undefined` become '').
 *
 * Masked text is masked again until nothing changes (at most three more passes; the second almost
 * always changes nothing): a placeholder is shorter than what it hides, and that can bring a secret
 * within reach of its keyword ("pw: … 2345 6789 0001 2399 … Rahasia123!"), so one pass was not always
 * the last word and text stored masked could change when read and masked again.
 */
export function maskSecrets(text: string, context?: MaskContext): MaskResult {
  let r = maskOnce(text, context);
  for (let pass = 0; pass < 3 && r.found.length; pass++) {
    const again = maskOnce(r.text, context);
    if (again.text === r.text) break;
    r = { text: again.text, found: [...new Set([...r.found, ...again.found])] };
  }
  return r;
}

function maskOnce(text: string, context?: MaskContext): MaskResult {
  const original = typeof text === 'string' ? text : text == null ? '' : String(text);
  if (original === '') return { text: '', found: [] };
  const view = makeView(original);
  const t = view.text;
  const claims = new Claims(t.length);
  reservePlaceholders(t, claims);
  detectEmails(t, claims);
  detectLooseActivationCodes(t, claims);
  detectBracketedAreaCodes(t, claims);
  detectNumbers(t, claims);
  detectUppercaseCodes(t, claims);
  detectKeywordCodes(t, claims);
  const keywords = findSecretKeywords(t);
  detectPasswords(t, claims, keywords);
  detectPasswordOnNextLine(t, claims, keywords);
  if (context?.expectingSecret) maskExpectedSecret(t, claims);

  const spans = claims.spans.filter((s) => s.alive).sort((a, b) => a.start - b.start);
  const found: SecretKind[] = [];
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.kind === null) continue;
    // Back to the characters the user typed (the view may have dropped or folded some).
    const start = view.start ? (view.start[span.start] ?? original.length) : span.start;
    const end = view.end ? (view.end[span.end - 1] ?? original.length) : span.end;
    out += original.slice(cursor, Math.max(cursor, start)) + PLACEHOLDERS[span.kind];
    cursor = Math.max(cursor, end);
    if (!found.includes(span.kind)) found.push(span.kind);
  }
  out += original.slice(cursor);
  return { text: out, found };
}

/** `maskSecrets(text).text`. */
export function mask(text: string): string {
  return maskSecrets(text).text;
}

/**
 * True when the text contains a password/passphrase, an activation code, an NPWP or a NIK: the bot
 * warns the user (once) not to share them in the chat. E-mail addresses and phone numbers alone do
 * not count.
 */
export function containsSecret(text: string): boolean {
  return maskSecrets(text).found.some((kind) => WARN_KINDS.has(kind));
}
