/**
 * Activation codes written without a keyword, in any case (issue 18, item 3): see
 * `isLooseActivationCode`. The upper-case rule of codes.ts (`detectUppercaseCodes`) catches
 * "2399BDAA"; this one the 16-character codes users paste in lower or mixed case.
 */
import type { Claims } from './claims.js';
import { ALNUM_TOKEN_RE, REFERENCE_BEFORE, isDigitCode } from './tokens.js';

/**
 * An e-Faktur activation code without a keyword in any case ("ini a1b2c3d4e5f6g7h8 gimana"): users
 * copy it from the DJP e-mail as it is, often in lower case, so the upper-case rule alone let it
 * through. The codes are 16 letters and digits, so exactly that: 16 letters and digits (optionally in
 * four dashed groups of four) with at least two of each, changing between letters and digits at least
 * twice: a word followed by a number ("pembayaran202412", one change) is not random like a code.
 * A 16-character hex id typed by the user is masked too (harmless); the bot's own ids and
 * timestamps never get here (maskDeep leaves metadata fields alone; UUIDs in text are reserved).
 */
export function isLooseActivationCode(token: string): boolean {
  const joined = token.replace(/-/g, '');
  if (joined.length !== 16 || !/^[A-Za-z0-9]+$/.test(joined)) return false;
  if (token.includes('-') && !/^[A-Za-z0-9]{4}(?:-[A-Za-z0-9]{4}){3}$/.test(token)) return false;
  if (/^etax/i.test(joined)) return false;
  let digits = 0;
  let changes = 0;
  for (let i = 0; i < joined.length; i++) {
    const digit = isDigitCode(joined.charCodeAt(i));
    if (digit) digits++;
    if (i > 0 && digit !== isDigitCode(joined.charCodeAt(i - 1))) changes++;
  }
  return digits >= 2 && joined.length - digits >= 2 && changes >= 2;
}

/**
 * Runs before the digit pass: the digits inside a code ("a026853097672d35") would otherwise be read
 * as a phone number or a card and the code masked in pieces, half of it readable.
 */
export function detectLooseActivationCodes(text: string, claims: Claims): void {
  for (const m of text.matchAll(ALNUM_TOKEN_RE)) {
    const token = m[0];
    const start = m.index;
    if (token.length < 16 || token.length > 19 || !isLooseActivationCode(token)) continue;
    if (REFERENCE_BEFORE.test(text.slice(Math.max(0, start - 40), start))) continue; // NTPN
    claims.add(start, start + token.length, 'activation-code');
  }
}
