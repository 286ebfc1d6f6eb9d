/**
 * Phone numbers, for the digit pass (numbers.ts) and the landline detector below.
 *
 * Whether digits make a phone number is decided by libphonenumber-js: Google's numbering-plan
 * metadata knows which prefixes and lengths exist, in Indonesia (mobile 08xx, area codes 021,
 * 0274, 09xx, …) and abroad. What stays here is what the library cannot know: how people type a
 * number in this chat, and which numbers are public.
 *   - The forms: "+62 812-…" / "+1 …" (any country), "(+62) 812-…" / "+62 (0)812-…", "0812-…" /
 *     "021-…" (the trunk prefix 0), and "62812…" (the country code without "+"). A "+" says the user
 *     wrote a phone number, so its length fitting the country is enough; the other forms must be
 *     valid numbers.
 *   - Lengths the library would accept but that are dates or money here: at least 9 digits with the
 *     trunk prefix (an 8-digit "05122023" is a date), at least 10 with a bare "62" and no dots (a
 *     9-digit "625000000" and "62.500.000.000" are amounts), nothing after "00" (the international
 *     call prefix, and the "00.000.000.0-000.000" filler NPWP).
 *   - Kring Pajak and the DJP office (intents/_privacy.yaml `publicNumbers`) stay readable.
 * The library reads each candidate on its own (`extract: false`); finding the candidates in the text
 * is numbers.ts's work, because a run of digits may as well be an NPWP, a NIK or a card number, and
 * the library's own text search knows none of those: it misses the phone number in
 * "012345678901000 0812 3456 7890" and reads the amount "Rp 3.021.500.200" as one.
 *
 * Why the landline detector exists (issue 18, item 3): "(021) 5551234" was stored in clear — the
 * bracket splits the number and the 7 digits after it alone are never read as a secret (they might be
 * a date, an amount, Kring Pajak 1500200).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Claims } from './claims.js';
import { PUBLIC_NUMBERS } from './words.js';
import { LRUCache } from 'lru-cache';

/** Options of `classifyNumber`: how the digits were written. */
export interface NumberShape {
  /** Written with a leading "+". */
  plus: boolean;
  /** Directly after "(+62)". */
  after62: boolean;
  /** A dot separates two of the groups (amounts and dates use dots; card numbers never do). */
  dotted: boolean;
  /** The groups are the e-Faktur serial number layout 3-3-2-8 (010.000-23.12345678). */
  invoiceSerial: boolean;
}

const DIGIT_0 = 0x30;
const DIGIT_2 = 0x32;
const DIGIT_6 = 0x36;

/**
 * Whether digits of this length and first three digits (char codes) are written in one of the forms
 * above. Cheap, so the digit pass can skip most windows of a long run before asking the library.
 */
export function phoneShaped(n: number, c0: number, c1: number, c2: number, s: Pick<NumberShape, 'plus' | 'after62' | 'dotted'>): boolean {
  if (s.plus) return n >= 8 && n <= 15; // E.164: at most 15 digits with the country code
  if (s.after62) return n >= 8 && n <= 13;
  if (c0 === DIGIT_0) return c1 !== DIGIT_0 && n >= 9 && n <= 13;
  return c0 === DIGIT_6 && c1 === DIGIT_2 && c2 !== DIGIT_0 && !s.dotted && n >= 10 && n <= 14;
}

/** The digits as the library reads them: international with "+", national with the trunk prefix. */
function asDialled(d: string, s: NumberShape): string {
  if (s.plus) return `+${d}`;
  if (s.after62) return `+62${d}`;
  return d.charCodeAt(0) === DIGIT_0 ? d : `+${d}`;
}

/**
 * The library's answers for the numbers asked about last. The library takes a few microseconds per
 * number and the digit pass may ask about every window of a long run ("081 081 081 …"), which
 * repeats the same few numbers: remembered, a 10,000-character message stays within a few
 * milliseconds. Bounded; emptied when full.
 */
const answers = new LRUCache<string, boolean>({ max: 4096 });

function validNumber(dialled: string, foreignAllowed: boolean): boolean {
  const key = `${foreignAllowed ? '+' : ''}${dialled}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    const number = parsePhoneNumberFromString(dialled, { defaultCountry: 'ID', extract: false });
    // With a "+" the user wrote a phone number: any one its country's plan allows by its length is
    // masked (a slip in a digit must not leave it readable). Without one, the digits might be
    // something else, so the number must be valid, and Indonesian: "0…" and "62…" are.
    if (!number) answer = false;
    else if (foreignAllowed) answer = number.isPossible();
    else answer = number.isValid() && number.countryCallingCode === '62';
    answers.set(key, answer);
  }
  return answer;
}

/** Whether a digit sequence, written as `s` says, is a phone number (see the header). */
export function isPhoneNumber(d: string, s: NumberShape): boolean {
  if (!phoneShaped(d.length, d.charCodeAt(0), d.charCodeAt(1), d.charCodeAt(2), s) || PUBLIC_NUMBERS.has(d)) return false;
  return validNumber(asDialled(d, s), s.plus);
}

/**
 * "(021) 5551234", "(0274) 123-456", "(021)555 1234": a landline written with its area code in
 * brackets. Why a pass of its own: the digits after the bracket are only 6–8 long, which the digit-run
 * pass never reads as a secret (dates, amounts, Kring Pajak 1500200), and the bracket splits the run.
 * The number is read with its area code and must then be a phone number (and not one of the public
 * numbers: "(021) 1500200" stays).
 */
const BRACKETED_AREA_RE = /(?<![\p{L}\p{N}])\((0\d{2,3})\)[ \u00A0]?(?:-[ \u00A0]?)?(\d+(?:(?:[ \u00A0]?-[ \u00A0]?|[. \u00A0])\d+){0,3})/gu;
const NO_SHAPE: NumberShape = { plus: false, after62: false, dotted: false, invoiceSerial: false };
/** A dot or a dash (spaced or not) and a digit: the digits go on as one number. */
const CONTINUES_RE = /^(?:[.-]|[ \u00A0]-)[ \u00A0]?\d/;

export function detectBracketedAreaCodes(text: string, claims: Claims): void {
  for (const m of text.matchAll(BRACKETED_AREA_RE)) {
    const area = m[1] ?? '';
    const rest = m[2] ?? '';
    const restStart = m.index + m[0].length - rest.length;
    // The longest run of groups after the bracket that makes a phone number ("(021) 5551234 0812…"
    // must not take the next number along).
    let digits = area;
    let bestEnd = -1;
    for (const g of rest.matchAll(/\d+/g)) {
      digits += g[0];
      if (digits.length > 13) break;
      const end = restStart + g.index + g[0].length;
      // Never end inside a number that goes on with a dot or a dash: in "(021) 5551234 01.234.567.8-…"
      // the "01" is the start of an NPWP, and masking it with the phone would leave the rest readable.
      if (CONTINUES_RE.test(text.slice(end, end + 3))) continue;
      if (isPhoneNumber(digits, NO_SHAPE)) bestEnd = end;
    }
    if (bestEnd > 0) claims.add(m.index, bestEnd, 'phone');
  }
}
