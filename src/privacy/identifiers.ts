/**
 * What a digit sequence is: NPWP, NIK, card, phone or nothing (for the digit pass, numbers.ts).
 *
 * Hand-written on purpose: NPWP and NIK are Indonesian identifiers no library knows (their lengths,
 * the province codes a NIK starts with, the layouts people type them in), and the exceptions are
 * this helpdesk's own (the e-Faktur serial number, the "no NPWP" filler, billing codes). Phone
 * numbers are the library's (phone.ts); card numbers are told by their Luhn check digit.
 *
 * Classification of 16-digit numbers (always masked; only the label differs):
 *   - starts with `0`                 -> 'npwp' `[NPWP]` (NPWP16 of an entity = "0" + NPWP15);
 *   - starts with a province code     -> 'nik'  `[NIK]`  (11–19, 21, 31–36, 51–53, 61–65, 71–76,
 *                                         81–82, 91–97; since 2024 an individual's NPWP16 *is* the NIK);
 *   - otherwise, Luhn-valid, no dots  -> 'card' `[KARTU]` (e.g. Visa 4xxx…);
 *   - otherwise                       -> 'npwp' `[NPWP]`.
 *   Exception: the e-Faktur serial number layout `010.000-23.12345678` (groups 3-3-2-8) is a tax
 *   invoice number, not a personal identifier, and stays readable.
 */
import { isPhoneNumber, type NumberShape } from './phone.js';
import type { SecretKind } from './types.js';

const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '21',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '51',
  '52',
  '53',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '81',
  '82',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
  '97',
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
export function cardLength(n: number): boolean {
  return n === 13 || n === 14 || n === 18 || n === 19;
}

/** Lengths that are an identifier whatever their first digits: NPWP15, NPWP16/NIK, NITKU. */
export function identifierLength(n: number): boolean {
  return n === 15 || n === 16 || n === 22;
}

/**
 * Decides what a digit sequence is (see the header for 16 digits). Numbers of 7 digits or fewer are
 * never secrets here (1500200 is Kring Pajak), nor are dates, versions or amounts: nothing below
 * accepts them.
 */
export function classifyNumber(d: string, s: NumberShape): SecretKind | null {
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

/** The most groups in one of the usual layouts below. */
const MAX_USUAL_GROUPS = 7;
/** Group layouts (digits per group) in which people type NPWP, NIK and card numbers with spaces. */
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
 * Whether groups of these sizes (and the separators between them, " " / "-" / ".") are one of the
 * usual layouts; 4-digit blocks must also share one kind of separator.
 */
export function isUsualLayout(sizes: readonly number[], separators: readonly string[]): boolean {
  if (sizes.length > MAX_USUAL_GROUPS) return false;
  const layout = sizes.join(',');
  if (!USUAL_LAYOUTS.has(layout)) return false;
  if (!layout.startsWith('4,4,4,4')) return true;
  return separators.every((s) => s === separators[0]);
}

/** The e-Faktur serial number layout, 3-3-2-8 (010.000-23.12345678): an invoice number, readable. */
export function isInvoiceSerialLayout(sizes: readonly number[]): boolean {
  return sizes.join(',') === '3,3,2,8';
}
