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
 *      metadata (ISO timestamps, UUIDs, KP-… ticket references: metadata.ts);
 *   1. e-mail addresses; 16-character activation codes in any case (codes16.ts — before the digit
 *      pass, which would otherwise take the digits inside them for a phone number);
 *   2. digit sequences (NPWP, NIK, phone, card) — see `classifyNumber` — and landlines written with
 *      the area code in brackets ("(021) 5551234", phone.ts);
 *   3. activation codes / serial numbers (upper-case letter+digit codes, or any case after "kode
 *      aktivasi", "kode", "serial number", ...);
 *   4. passwords / passphrases / PIN / OTP / EFIN values after a keyword (keywords.ts: the words the
 *      bot understands as such, typos and -ku/-nya/-mu included), or on the line after a short line
 *      that names one ("lupa password\nRahasia123!", next-line.ts);
 *   5. with `expectingSecret`, a one-token message as a whole.
 *
 * Classification of 16-digit numbers (always masked; only the label differs):
 *   - starts with `0`                 -> 'npwp' `[NPWP]` (NPWP16 of an entity = "0" + NPWP15);
 *   - starts with a province code     -> 'nik'  `[NIK]`  (11–19, 21, 31–36, 51–53, 61–65, 71–76,
 *                                         81–82, 91–97; since 2024 an individual's NPWP16 *is* the NIK);
 *   - otherwise, Luhn-valid, no dots  -> 'card' `[KARTU]` (e.g. Visa 4xxx…);
 *   - otherwise                       -> 'npwp' `[NPWP]`.
 *   Exception: the e-Faktur serial number layout `010.000-23.12345678` (groups 3-3-2-8) is a tax
 *   invoice number, not a personal identifier, and stays readable.
 *
 * Every regular expression is anchored with a look-behind (or scans a bounded window), so the work is
 * linear in the input length; a 10,000-character message masks in a few milliseconds.
 */

import { Claims } from './claims.js';
import { detectLooseActivationCodes } from './codes16.js';
import { findSecretKeywords, type KeywordHit } from './keywords.js';
import { isMetadataEntry, isMetadataValue, metadataRanges } from './metadata.js';
import { detectPasswordOnNextLine } from './next-line.js';
import { detectBracketedAreaCodes, isPhoneNumber, phoneShaped, type NumberShape } from './phone.js';
import {
  ALNUM_TOKEN_RE,
  REFERENCE_BEFORE,
  isDigitCode,
  isExplicitSeparator,
  isHSpace,
  isObviouslyPublic,
  isSeparatorToken,
  isSpace,
  looksSecret,
  plainWord,
  quotedValue,
  readToken,
  skipSpace,
  trailingCount,
  type Token,
} from './tokens.js';
import type { SecretKind } from './types.js';
import { makeView } from './view.js';
import {
  CLAUSE_END_WORDS,
  CODE_FILLERS,
  CONTROL_WORDS,
  EXPLICIT_WORDS,
  PARTICLES,
  PASSPHRASE_END_WORDS,
  PRONOUNS,
  QUALIFIERS,
  STOP_WORDS,
} from './words.js';

export type { SecretKind } from './types.js';

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

/** The placeholder written in place of each kind of secret. */
export const PLACEHOLDERS: Readonly<Record<SecretKind, string>> = Object.freeze({
  npwp: '[NPWP]',
  nik: '[NIK]',
  'activation-code': '[KODE-AKTIVASI]',
  password: '[RAHASIA]',
  email: '[EMAIL]',
  phone: '[TELEPON]',
  card: '[KARTU]',
});

/** Kinds that make `containsSecret` true (the bot warns the user once). */
const WARN_KINDS: ReadonlySet<SecretKind> = new Set<SecretKind>(['password', 'activation-code', 'npwp', 'nik']);

// ---------------------------------------------------------------------------------------------
// 0. Existing placeholders
// ---------------------------------------------------------------------------------------------

const PLACEHOLDER_RE = /\[(?:NPWP|NIK|KODE-AKTIVASI|RAHASIA|EMAIL|TELEPON|KARTU)\]/g;
const PLACEHOLDER_RE_WHOLE = /^\[(?:NPWP|NIK|KODE-AKTIVASI|RAHASIA|EMAIL|TELEPON|KARTU)\]$/;

function reservePlaceholders(text: string, claims: Claims): void {
  for (const m of text.matchAll(PLACEHOLDER_RE)) claims.add(m.index, m.index + m[0].length, null);
  // Timestamps, UUIDs and ticket references are never secrets: no detector may claim a part of them.
  for (const r of metadataRanges(text)) claims.add(r.start, r.end, null);
}

// ---------------------------------------------------------------------------------------------
// 1. E-mail addresses
// ---------------------------------------------------------------------------------------------

/** The look-behind makes each attempt start at the beginning of a run of local-part characters. */
const EMAIL_RE = /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

function detectEmails(text: string, claims: Claims): void {
  for (const m of text.matchAll(EMAIL_RE)) claims.add(m.index, m.index + m[0].length, 'email');
}

// ---------------------------------------------------------------------------------------------
// 2. Digit sequences: NPWP, NIK, phone numbers, card numbers
// ---------------------------------------------------------------------------------------------

/**
 * A run of digit groups joined by one separator: a dot, a dash (optionally spaced: " - ") or one
 * space. Every iteration consumes a digit, so there is nothing to backtrack into.
 */
const DIGIT_RUN_RE = /(?<!\d)(?:\+[ \u00A0]?)?\d(?:(?:[ \u00A0]?-[ \u00A0]?|[. \u00A0])?\d)*/g;

/** `(+62) 812-…`: the country code in brackets before a number written without its leading 0. */
const BRACKETED_62_BEFORE = /\(\+?62\)[ \u00A0-]?$/;

const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '16', '17', '18', '19', '21',
  '31', '32', '33', '34', '35', '36', '51', '52', '53',
  '61', '62', '63', '64', '65', '71', '72', '73', '74', '75', '76',
  '81', '82', '91', '92', '93', '94', '95', '96', '97',
]);

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function allSameDigit(digits: string): boolean {
  for (let i = 1; i < digits.length; i++) if (digits.charCodeAt(i) !== digits.charCodeAt(0)) return false;
  return true;
}

/** Card lengths checked with Luhn (16 is handled with NIK/NPWP; 17 digits is the Coretax invoice number). */
function cardLength(n: number): boolean {
  return n === 13 || n === 14 || n === 18 || n === 19;
}

/**
 * Decides what a digit sequence is (see the header for 16 digits). Numbers of 7 digits or fewer are
 * never secrets here (1500200 is Kring Pajak), nor are dates, versions or amounts: nothing below
 * accepts them.
 */
function classifyNumber(d: string, s: NumberShape): SecretKind | null {
  const n = d.length;
  if (n < 8) return null;
  if (s.plus || s.after62) return isPhoneNumber(d, s) ? 'phone' : null;
  // 00.000.000.0-000.000 is the official "no NPWP" filler on invoices: public, keep it.
  if (allSameDigit(d)) return null;
  if (n === 15) return 'npwp';
  if (n === 16) {
    if (s.invoiceSerial) return null; // e-Faktur serial number 010.000-23.12345678
    if (d.startsWith('0')) return 'npwp';
    if (PROVINCE_CODES.has(d.slice(0, 2))) return 'nik';
    if (!s.dotted && luhnValid(d)) return 'card';
    return 'npwp';
  }
  if (n === 22) return 'npwp'; // NITKU: NPWP16 + 6-digit branch code
  if (isPhoneNumber(d, s)) return 'phone';
  if (cardLength(n) && !s.dotted && luhnValid(d)) return 'card';
  return null;
}

const MAX_NUMBER_DIGITS = 22;
/** The most groups one number is typed in ("0 01 234 567 8 901 000" has 7). Bounds the work per run. */
const MAX_NUMBER_GROUPS = 8;

/** The most groups in one of the usual layouts below. */
const MAX_USUAL_GROUPS = 7;
/** Group layouts in which people type NPWP, NIK and card numbers with spaces. */
const USUAL_LAYOUTS: ReadonlySet<string> = new Set([
  '2,3,3,1,3,3', // NPWP15 01 234 567 8 901 000
  '1,2,3,3,1,3,3', // NPWP16 0 01 234 567 8 901 000
  '3,3,3,1,3,3', // NPWP16 001 234 567 8 901 000
  '4,4,4,4', // NIK / NPWP16 / card
  '6,6,4', // NIK: region, birth date, serial
  '2,2,2,6,4', // NIK: province, regency, district, birth date, serial
  '4,4,4,4,3', // 19-digit card
  '4,6,5', // 15-digit card layout
  '4,4,4,4,6', // NITKU
  '16,6', // NITKU
]);

/**
 * Finds the secrets in each digit run. A run may hold several numbers typed one after the other
 * ("012345678901000 0812 3456 7890"), so it is cut at its spaced separators into windows; among the
 * ways of cutting it, the one that masks the most digits (then: fewest pieces) wins, where a number
 * that spans a space without one of its usual layouts counts half. Dots and bare dashes never
 * separate two numbers (they bind the groups of one number), which keeps amounts such as
 * "Rp 3.021.500.200" whole.
 */
function detectNumbers(text: string, claims: Claims): void {
  for (const m of text.matchAll(DIGIT_RUN_RE)) {
    const runStart = m.index;
    const runEnd = runStart + m[0].length;
    if (m[0].length < 8) continue; // fewer than 8 digits: never a secret
    let i = runStart;
    let plus = false;
    if (text.charCodeAt(i) === 0x2b /* + */) {
      plus = true;
      i++;
      while (i < runEnd && !isDigitCode(text.charCodeAt(i))) i++;
    }
    // Groups of the run: start/end offsets, where their digits begin in `allDigits`, and the gap after.
    const groupStart: number[] = [];
    const groupEnd: number[] = [];
    const digitOffset: number[] = [0];
    const gapCut: boolean[] = [];
    const gapDot: boolean[] = [];
    /** The separator after each group without its spaces ("." or "-"), or " " for a plain space. */
    const gapKind: string[] = [];
    let allDigits = '';
    while (i < runEnd) {
      const s = i;
      while (i < runEnd && isDigitCode(text.charCodeAt(i))) i++;
      groupStart.push(s);
      groupEnd.push(i);
      allDigits += text.slice(s, i);
      digitOffset.push(allDigits.length);
      if (i < runEnd) {
        let cut = false;
        let dot = false;
        const gapFrom = i;
        while (i < runEnd && !isDigitCode(text.charCodeAt(i))) {
          const c = text.charCodeAt(i);
          if (c === 0x2e) dot = true;
          else if (isHSpace(c)) cut = true;
          i++;
        }
        gapCut.push(cut);
        gapDot.push(dot);
        gapKind.push(text.slice(gapFrom, i).trim() || ' ');
      }
    }
    if (allDigits.length < 8) continue;
    const g = groupStart.length;
    let after62Start = -1;
    if (!plus) {
      const before = text.slice(Math.max(0, runStart - 8), runStart);
      const b = BRACKETED_62_BEFORE.exec(before);
      if (b) after62Start = runStart - before.length + b.index;
    }
    const referenceLabelBefore = REFERENCE_BEFORE.test(text.slice(Math.max(0, runStart - 40), runStart));
    /** Digit counts of groups from..to: "2,3,3,1,3,3". */
    const layoutOf = (from: number, to: number): string => {
      let out = '';
      for (let x = from; x <= to; x++) out += (x > from ? ',' : '') + String((digitOffset[x + 1] ?? 0) - (digitOffset[x] ?? 0));
      return out;
    };
    /** Groups from..to are in a usual layout; 4-digit blocks must also share one kind of separator. */
    const usualLayout = (from: number, to: number): boolean => {
      if (to - from + 1 > MAX_USUAL_GROUPS) return false;
      const layout = layoutOf(from, to);
      if (!USUAL_LAYOUTS.has(layout)) return false;
      if (!layout.startsWith('4,4,4,4')) return true;
      for (let x = from + 1; x < to; x++) if (gapKind[x] !== gapKind[from]) return false;
      return true;
    };

    // For groups k..g-1: the best cut (score, number of pieces) and its first window (k..choiceEnd[k]).
    const covered = new Int32Array(g + 1);
    const pieces = new Int32Array(g + 1);
    const choiceEnd = new Int32Array(g + 1).fill(-1);
    const choiceKind: (SecretKind | null)[] = new Array<SecretKind | null>(g + 1).fill(null);
    for (let k = g - 1; k >= 0; k--) {
      covered[k] = covered[k + 1] ?? 0;
      pieces[k] = pieces[k + 1] ?? 0;
      if (k > 0 && !gapCut[k - 1]) continue; // a window starts at the run start or after a space
      const base = digitOffset[k] ?? 0;
      const c0 = allDigits.charCodeAt(base);
      const c1 = allDigits.charCodeAt(base + 1);
      const c2 = allDigits.charCodeAt(base + 2);
      let dotted = false;
      let spaced = false;
      const lastGroup = Math.min(g - 1, k + MAX_NUMBER_GROUPS - 1);
      for (let j = k; j <= lastGroup; j++) {
        const n = (digitOffset[j + 1] ?? 0) - base;
        if (n > MAX_NUMBER_DIGITS) break;
        if (j > k && gapDot[j - 1]) dotted = true;
        if (j > k && gapCut[j - 1]) spaced = true;
        if (n < 8) continue;
        if (j < g - 1 && !gapCut[j]) continue; // … and ends at the run end or before a space
        const atRunStart = k === 0;
        const shape: NumberShape = { plus: plus && atRunStart, after62: atRunStart && after62Start >= 0, dotted, invoiceSerial: false };
        // Cheap pre-filter on the length and first digits: most windows of a long run of short groups
        // can be nothing, and are rejected without building their digits.
        if (
          n !== 15 &&
          n !== 16 &&
          n !== 22 &&
          !(cardLength(n) && !dotted) &&
          !phoneShaped(n, c0, c1, c2, shape)
        ) {
          continue;
        }
        // A window over a reserved range (a timestamp, a UUID, an e-mail address) is not a number.
        if (!claims.isFree(k === 0 && (plus || after62Start >= 0) ? runStart : (groupStart[k] ?? runStart), groupEnd[j] ?? runEnd)) continue;
        if (n === 16) shape.invoiceSerial = j - k === 3 && layoutOf(k, j) === '3,3,2,8';
        let kind = classifyNumber(allDigits.slice(base, base + n), shape);
        // Only the first window can follow a label such as "kode billing" (others follow digits).
        if (atRunStart && referenceLabelBefore && (kind === 'npwp' || kind === 'nik' || kind === 'card')) kind = null;
        if (!kind) continue;
        // Score: 2 per digit, 1 per digit for a weak guess — an identifier whose spaced groups are not
        // one of its usual layouts is probably two things side by side ("2014 0812-3456-7890").
        let c = 2 * n + (covered[j + 1] ?? 0);
        if (c < (covered[k] ?? 0)) continue;
        if (spaced && kind !== 'phone' && !usualLayout(k, j)) c -= n;
        const p = 1 + (pieces[j + 1] ?? 0);
        if (c > (covered[k] ?? 0) || (c === covered[k] && p < (pieces[k] ?? 0))) {
          covered[k] = c;
          pieces[k] = p;
          choiceEnd[k] = j;
          choiceKind[k] = kind;
        }
      }
    }
    for (let k = 0; k < g; ) {
      const j = choiceEnd[k] ?? -1;
      const kind = choiceKind[k];
      if (j < 0 || !kind) {
        k++;
        continue;
      }
      let start = groupStart[k] ?? runStart;
      if (k === 0 && plus) start = runStart;
      else if (k === 0 && after62Start >= 0) start = after62Start;
      claims.add(start, groupEnd[j] ?? runEnd, kind);
      k = j + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Activation codes and serial numbers
// ---------------------------------------------------------------------------------------------

/**
 * Whether a token has the shape of an activation code / serial number: 8–20 letters and digits
 * (dashes ignored) with at least one of each, and not an e-Faktur error code (ETAX…).
 * `strict` (no keyword before it): upper case only, and not a word followed by a short number
 * (WINDOWS10, ERROR500), a date (13FEB2023) or a reference such as ERR-100234 / ABC-DEF-12345.
 */
function isCodeShaped(token: string, strict: boolean): boolean {
  const joined = token.replace(/-/g, '');
  if (joined.length < 8 || joined.length > 20) return false;
  if (!/[A-Za-z]/.test(joined) || !/\d/.test(joined)) return false;
  if (/^etax/i.test(joined)) return false;
  // The helpdesk's own ticket references (KP-7QX2M4) are meant to be read out and quoted.
  if (/^KP-[2-9A-HJKMNP-Z]{6}$/.test(token)) return false;
  if (strict) {
    if (!/^[A-Z0-9]+$/.test(joined)) return false;
    if (/^[A-Z]{3,}\d{1,3}$/.test(joined)) return false;
    if (/^\d{1,2}[A-Z]{3}\d{2,4}$/.test(joined)) return false;
    if (/^[A-Z]+(?:-[A-Z]+)*(?:-\d+)+$/.test(token)) return false;
  }
  return true;
}

function detectUppercaseCodes(text: string, claims: Claims): void {
  for (const m of text.matchAll(ALNUM_TOKEN_RE)) {
    let token = m[0];
    const start = m.index;
    if (!/\d/.test(token) || !/[A-Z]/.test(token)) continue;
    if (REFERENCE_BEFORE.test(text.slice(Math.max(0, start - 40), start))) continue; // NTPN
    // A token holding a number masked already ("NPWP012345678901000"): only the part before it is
    // looked at — the same token a second pass over the masked text would see.
    let free = start;
    while (free < start + token.length && !claims.ownerAt(free)) free++;
    if (free < start + token.length) {
      while (free > start && text.charAt(free - 1) === '-') free--;
      token = text.slice(start, free);
    }
    if (isCodeShaped(token, true)) {
      claims.add(start, start + token.length, 'activation-code');
      continue;
    }
    if (!token.includes('-')) continue;
    // A longer dashed token (a GUID, "ETAX-2399BDAA"): look at each group on its own.
    let offset = start;
    for (const part of token.split('-')) {
      if (isCodeShaped(part, true)) claims.add(offset, offset + part.length, 'activation-code');
      offset += part.length + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keyword-introduced values (codes after "kode aktivasi", passwords after "password")
// ---------------------------------------------------------------------------------------------

const CODE_KEYWORD_RE =
  /(?<![\p{L}\p{N}_\]])(kode[ \t\u00A0]+aktivasi|activation[ \t\u00A0]+code|serial[ \t\u00A0]+number|nomor[ \t\u00A0]+serial|no[ \t\u00A0]+serial|kode|serial|sn|s\/n)(?:-?nya)?(?![\p{L}\p{N}_])/giu;

function detectKeywordCodes(text: string, claims: Claims): void {
  for (const m of text.matchAll(CODE_KEYWORD_RE)) {
    if (claims.ownerAt(m.index)) continue;
    let pos = m.index + m[0].length;
    for (let step = 0; step < 6; step++) {
      pos = skipSpace(text, pos, false);
      const token = readToken(text, pos);
      if (!token) break;
      if (isSeparatorToken(token.raw)) {
        pos = token.end;
        continue;
      }
      const word = token.word.slice(0, token.word.length - trailingCount(token.word, ':=', 0));
      if (CODE_FILLERS.has(word) && claims.isFree(token.start, token.end)) {
        pos = token.end;
        continue;
      }
      const core = token.core;
      if (/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/.test(core) && isCodeShaped(core, false)) {
        const start = token.maskStart;
        claims.absorb(start, start + core.length, 'activation-code');
      }
      break;
    }
  }
}

const MAX_SKIPPED_WORDS = 5;
const MAX_PASSWORD_WORDS = 8;
/** A passphrase runs to the end of its line or sentence; bounded so the work stays linear. */
const MAX_PASSPHRASE_WORDS = 24;
/** How far "passphrase sertifikat PT Maju Jaya: …" may look for its separator. */
const SEPARATOR_LOOKAHEAD = 6;

/**
 * "passphrase sertifikat PT Maju Jaya: kucing hitam": words the skip lists do not know stand between
 * the keyword and a ":" or "=" on the same line. Returns the position after the separator, or -1 when
 * an ordinary word ("password salah: …"), a sentence end or the end of the line comes first.
 */
function separatorAhead(text: string, pos: number): number {
  for (let n = 0; n < SEPARATOR_LOOKAHEAD; n++) {
    pos = skipSpace(text, pos, false);
    const token = readToken(text, pos);
    if (!token) return -1;
    if (isSeparatorToken(token.raw)) return isExplicitSeparator(token.raw) ? token.end : -1;
    const word = token.word.slice(0, token.word.length - trailingCount(token.word, ':=', 0));
    if (STOP_WORDS.has(word) || STOP_WORDS.has(plainWord(word))) return -1;
    if (token.sepAfter) return token.end;
    if (/[.,;!?]$/.test(token.raw) || token.core === '' || token.core.startsWith('[')) return -1;
    pos = token.end;
  }
  return -1;
}

/** Whether a keyword stands for a passphrase (a value of several plain words). */
function isPassphraseKeyword(hit: KeywordHit): boolean {
  return hit.keyword === 'passphrase';
}

function detectPasswords(text: string, claims: Claims, hits: readonly KeywordHit[]): void {
  for (const hit of hits) {
    if (claims.ownerAt(hit.start)) continue;
    const passphrase = isPassphraseKeyword(hit);
    let explicit = hit.nya;
    let symbolSeparator = false;
    let pos = hit.end;
    let skipped = 0;
    /** The separator was found beyond unknown words ("pin lokasi kantor: Jl. …" is no PIN). */
    let farSeparator = false;
    let candidate: Token | null = null;
    for (;;) {
      pos = skipSpace(text, pos, symbolSeparator);
      if (pos >= text.length) break;
      // An explicit separator glued to the keyword ("pw:abc123") or standing alone ("kata sandi = …").
      const ch = text.charAt(pos);
      if (ch === ':' || ch === '=') {
        explicit = true;
        symbolSeparator = true;
        pos++;
        continue;
      }
      const quoted = quotedValue(text, pos);
      if (quoted) {
        if (claims.isFree(quoted.start, quoted.end)) claims.absorb(quoted.start, quoted.end, 'password');
        candidate = null;
        break;
      }
      const token = readToken(text, pos);
      if (!token) break;
      if (isSeparatorToken(token.raw)) {
        if (isExplicitSeparator(token.raw)) {
          explicit = true;
          symbolSeparator = true;
        }
        pos = token.end;
        continue;
      }
      if (!claims.isFree(token.start, token.end)) {
        // Already masked (or holding a masked part): it is the value or nothing, never a filler word.
        candidate = token;
        break;
      }
      const word = token.word.slice(0, token.word.length - trailingCount(token.word, ':=', 0));
      if (token.sepAfter) {
        // "saya:" / "baru:" / "ya:" — the separator makes the next token the value.
        if (EXPLICIT_WORDS.has(word) || PRONOUNS.has(word) || QUALIFIERS.has(word) || PARTICLES.has(word)) {
          explicit = true;
          symbolSeparator = true;
          pos = token.end;
          if (++skipped > MAX_SKIPPED_WORDS) break;
          continue;
        }
      }
      if (EXPLICIT_WORDS.has(word)) {
        explicit = true;
        pos = token.end;
        if (++skipped > MAX_SKIPPED_WORDS) break;
        continue;
      }
      if (PRONOUNS.has(word)) {
        // "passphrase nya aku cinta kamu": after an explicit separator a pronoun may start the phrase.
        if (passphrase && explicit) {
          const next = readToken(text, skipSpace(text, token.end, false));
          // … unless what follows is still the lead-in ("passphrasenya … saya adalah: …").
          if (next && next.word !== '' && !STOP_WORDS.has(next.word) && !next.sepAfter && !EXPLICIT_WORDS.has(next.word) && !isSeparatorToken(next.raw)) {
            candidate = token;
            break;
          }
        }
        pos = token.end;
        if (++skipped > MAX_SKIPPED_WORDS) break;
        continue;
      }
      if (!symbolSeparator && (QUALIFIERS.has(plainWord(word)) || PARTICLES.has(word))) {
        pos = token.end;
        if (++skipped > MAX_SKIPPED_WORDS) break;
        continue;
      }
      if (!symbolSeparator && !STOP_WORDS.has(word)) {
        const after = separatorAhead(text, pos);
        if (after >= 0) {
          explicit = true;
          symbolSeparator = true;
          farSeparator = true;
          pos = after;
          continue;
        }
      }
      candidate = token;
      break;
    }
    if (!candidate) continue;
    const core = candidate.core;
    if (core === '' || STOP_WORDS.has(candidate.word) || STOP_WORDS.has(plainWord(candidate.word)) || QUALIFIERS.has(plainWord(candidate.word)) || (!explicit && (core.length < 4 || !looksSecret(core) || isObviouslyPublic(core)))) {
      claimPasswordShapedNear(text, candidate.start, claims);
      continue;
    }
    if (explicit && /^etax/i.test(core)) continue;
    // PINs and one-time codes are numbers: far from their keyword, a value without digits is not one.
    if (farSeparator && hit.keyword !== 'password' && !passphrase && !/\d/.test(core)) continue;
    let end = candidate.maskEnd;
    // After an explicit separator the value may be several words: a passphrase continues to the end
    // of its line or sentence ("passphrase saya: kucing hitam lompat tinggi"); a password continues
    // while the next words look secret too ("sandi: budi 123").
    if (explicit) {
      let last = candidate;
      const limit = passphrase ? MAX_PASSPHRASE_WORDS : MAX_PASSWORD_WORDS;
      const endWords = passphrase ? PASSPHRASE_END_WORDS : CLAUSE_END_WORDS;
      for (let n = 0; n < limit; n++) {
        if (passphrase ? /[.;!?]$/.test(last.raw) : /[.,;!?]$/.test(last.raw)) break;
        const next = readToken(text, skipSpace(text, last.end, false));
        if (!next || next.word === '' || endWords.has(next.word) || endWords.has(next.word.replace(/[,:]+$/, ''))) break;
        if (!passphrase && (STOP_WORDS.has(next.word) || !looksSecret(next.core) || isObviouslyPublic(next.core))) break;
        if (!claims.isFree(next.start, next.end)) break;
        end = next.maskEnd;
        last = next;
      }
    }
    claims.absorb(candidate.maskStart, end, 'password');
  }
}

const LOOSE_WINDOW = 8;

/** Letters and digits mixed with upper case or a symbol, 6+ long: shaped like a chosen password ("PtMaju2022"). */
function passwordShaped(core: string): boolean {
  return core.length >= 6 && /\p{L}/u.test(core) && /\d/.test(core) && (/\p{Lu}/u.test(core.slice(1)) || /[^\p{L}\p{N}]/u.test(core)) && !isObviouslyPublic(core);
}

/**
 * The words after a password keyword did not start with the value ("passphrase nya salah terus, sy ketik
 * PtMaju2022 ditolak"): a password-shaped word a few words further on is still masked.
 */
function claimPasswordShapedNear(text: string, from: number, claims: Claims): void {
  let pos = from;
  for (let n = 0; n < LOOSE_WINDOW; n++) {
    pos = skipSpace(text, pos, false);
    const token = readToken(text, pos);
    if (!token) return;
    if (token.core && passwordShaped(token.core) && claims.isFree(token.start, token.end)) {
      claims.absorb(token.maskStart, token.maskStart + token.core.length, 'password');
      return;
    }
    pos = token.end;
  }
}

// ---------------------------------------------------------------------------------------------
// 5. A one-token answer when a secret is expected
// ---------------------------------------------------------------------------------------------

function maskExpectedSecret(text: string, claims: Claims): void {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return;
  for (let i = start; i < end; i++) if (isSpace(text.charCodeAt(i))) return; // more than one token
  const token = text.slice(start, end);
  const word = token.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  if (word === '' || CONTROL_WORDS.has(word)) return; // emoji, "?", "batal", "lupa"
  const owners = claims.ownersIn(start, end);
  const first = owners[0];
  if (owners.length === 1 && first && first.start === start && first.end === end) return; // already masked as a whole
  claims.force(start, end, 'password');
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Masks the secrets in `text`. Never throws; non-string input is converted with `String()`
 * (`null`/`undefined` become '').
 */
export function maskSecrets(text: string, context?: MaskContext): MaskResult {
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

// ---------------------------------------------------------------------------------------------
// maskDeep
// ---------------------------------------------------------------------------------------------

const SECRET_KEYS_EXACT: ReadonlySet<string> = new Set(['pw', 'pwd', 'pass', 'pin', 'otp', 'efin', 'passcode', 'kodeotp']);
const SECRET_KEY_SUFFIXES = ['password', 'passwd', 'passphrase', 'katasandi', 'sandi', 'secret', 'apikey'];
const CODE_KEYS: ReadonlySet<string> = new Set(['kodeaktivasi', 'activationcode', 'serialnumber']);

/** A property whose name says its value is a secret (`password`, `userPassphrase`, `kodeAktivasi`, …). */
function secretKeyKind(key: PropertyKey | undefined): SecretKind | null {
  if (typeof key !== 'string') return null;
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (CODE_KEYS.has(k)) return 'activation-code';
  if (SECRET_KEYS_EXACT.has(k) || SECRET_KEY_SUFFIXES.some((suffix) => k.endsWith(suffix))) return 'password';
  return null;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as { slice(this: ArrayBufferView): ArrayBufferView };

function deepMask(value: unknown, seen: WeakMap<object, unknown>, key: PropertyKey | undefined): unknown {
  if (typeof value === 'string') {
    const kind = secretKeyKind(key);
    if (kind && value.trim() !== '' && !PLACEHOLDER_RE_WHOLE.test(value)) return PLACEHOLDERS[kind];
    // Ids and timestamps (`at`, `createdAt`, `conversationId`, a whole-string ISO date, UUID or KP-…
    // reference) are written by the system, not typed by the user: never masked (issue 18, item 9).
    if (isMetadataEntry(key, value) || isMetadataValue(value)) return value;
    return mask(value);
  }
  if (value === null || typeof value !== 'object') return value; // numbers, booleans, functions, …
  const cached = seen.get(value);
  if (cached !== undefined) return cached;

  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = deepMask(value[i], seen, undefined);
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value) out.set(k, deepMask(v, seen, typeof k === 'string' ? k : undefined));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    seen.set(value, out);
    for (const v of value) out.add(deepMask(v, seen, undefined));
    return out;
  }
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    return TypedArrayPrototype.slice.call(value);
  }

  // Plain objects, class instances and errors: same prototype, own properties copied (including the
  // non-enumerable `message` and `stack` of an Error), with the same enumerability.
  const out: object = Object.create(Object.getPrototypeOf(value) as object | null) as object;
  seen.set(value, out);
  for (const k of Reflect.ownKeys(value)) {
    const desc = Object.getOwnPropertyDescriptor(value, k);
    if (!desc) continue;
    let v: unknown;
    if ('value' in desc) v = desc.value;
    else {
      try {
        v = Reflect.get(value, k);
      } catch {
        continue;
      }
    }
    Object.defineProperty(out, k, {
      value: deepMask(v, seen, k),
      enumerable: desc.enumerable ?? true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A deep copy of `value` in which every string is masked (objects, arrays, Maps, Sets; cycles are
 * preserved). Besides the text rules, a non-empty string stored under a key that names a secret
 * (`password`, `passphrase`, `pin`, `otp`, `efin`, `*Password`, `kodeAktivasi`, …) is replaced as a
 * whole. Metadata is kept exactly: a one-token string under an id/timestamp key (`at`, `*At`, `id`,
 * `*Id`, `ref`, `eTag`, `timestamp`, …; see metadata.ts) and any string that is as a whole an ISO
 * timestamp, a UUID or a KP-… ticket reference. Keys themselves are not changed. Numbers are left
 * alone (mask them as strings if needed).
 */
export function maskDeep<T>(value: T): T {
  return deepMask(value, new WeakMap<object, unknown>(), undefined) as T;
}
