/**
 * Phone-number rules shared by the digit pass of mask.ts (`classifyNumber`) and the landline detector
 * (moved out of mask.ts, which grew too long).
 *
 * Why the landline detector exists (issue 18, item 3): "(021) 5551234" was stored in clear — the
 * bracket splits the number and the 7 digits after it alone are never read as a secret (they might be
 * a date, an amount, Kring Pajak 1500200).
 */
import type { Claims } from './claims.js';

/** Public numbers that must stay readable (Kring Pajak, DJP head office). */
export const PUBLIC_NUMBERS: ReadonlySet<string> = new Set([
  '1500200', '0211500200', '62211500200', '211500200', '0215250208', '62215250208', '215250208',
]);

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

/** Whether a digit sequence has the shape of an Indonesian phone number (see `classifyNumber`). */
export function isPhoneNumber(d: string, s: NumberShape): boolean {
  return phoneShaped(d.length, d.charCodeAt(0), d.charCodeAt(1), d.charCodeAt(2), s) && !PUBLIC_NUMBERS.has(d);
}

/** The phone rules on the length and the first three digits (char codes) only. */
export function phoneShaped(n: number, c0: number, c1: number, c2: number, s: Pick<NumberShape, 'plus' | 'after62' | 'dotted'>): boolean {
  if (s.plus) return n >= 8 && n <= 15;
  if (s.after62) return c0 >= 0x32 && c0 <= 0x39 && n >= 8 && n <= 12; // (+62) 812-…, (+62) 21-…
  if (c0 === 0x30) {
    if (c1 === 0x38) return n >= 9 && n <= 13; // mobile: 08xx-xxxx-xxxx
    if (c1 >= 0x32 && c1 <= 0x37) return n >= 9 && n <= 12; // landline with area code: 021-…, 0274-…
    return false;
  }
  // "62.500.000.000" is an amount: only numbers starting with 0 may use dots.
  if (c0 === 0x36 && c1 === 0x32 && !s.dotted && c2 !== 0x30) return n >= 10 && n <= 14; // 62 8xx… without "+"
  return false;
}

/**
 * "(021) 5551234", "(0274) 123-456", "(021)555 1234": a landline written with its area code in
 * brackets. Why a pass of its own: the digits after the bracket are only 6–8 long, which the digit-run
 * pass never reads as a secret (dates, amounts, Kring Pajak 1500200), and the bracket splits the run.
 * The number is read with its area code and must then have the shape of a phone number (and not be
 * one of the public numbers: "(021) 1500200" stays).
 */
const BRACKETED_AREA_RE = /(?<![\p{L}\p{N}])\((0\d{2,3})\)[ \u00A0]?(?:-[ \u00A0]?)?(\d+(?:(?:[ \u00A0]?-[ \u00A0]?|[. \u00A0])\d+){0,3})/gu;
const NO_SHAPE: NumberShape = { plus: false, after62: false, dotted: false, invoiceSerial: false };

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
      if (isPhoneNumber(digits, NO_SHAPE)) bestEnd = restStart + g.index + g[0].length;
    }
    if (bestEnd > 0) claims.add(m.index, bestEnd, 'phone');
  }
}
