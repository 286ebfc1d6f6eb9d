/**
 * Activation codes and serial numbers: upper-case letter+digit codes anywhere ("2399BDAA"), and codes
 * in any case after a keyword ("kode aktivasi: 2399bdaa", "SN 1A2B3C4D"). The 16-character codes
 * pasted in lower case without a keyword are codes16.ts's.
 *
 * Hand-written on purpose: the shape of an e-Faktur activation code, and what merely looks like one
 * here (ETAX error codes, the helpdesk's ticket references, WINDOWS10, dates such as 13FEB2023), is
 * this helpdesk's knowledge; the keywords are data (intents/_privacy.yaml `codeKeywords`).
 */
import type { Claims } from './claims.js';
import { ALNUM_TOKEN_RE, REFERENCE_BEFORE, isSeparatorToken, readToken, skipSpace, trailingCount } from './tokens.js';
import { CODE_FILLERS, CODE_KEYWORDS } from './words.js';

/**
 * Whether a token has the shape of an activation code / serial number: 8–20 letters and digits
 * (dashes ignored) with at least one of each, and not an e-Faktur error code (ETAX…).
 * `strict` (no keyword before it): upper case only, and not a word followed by a short number
 * (WINDOWS10, ERROR500), a date (13FEB2023) or a reference such as ERR-100234 / ABC-DEF-12345.
 */
export function isCodeShaped(token: string, strict: boolean): boolean {
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

export function detectUppercaseCodes(text: string, claims: Claims): void {
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

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The code keywords, longest first (the first alternative that matches wins), any spacing inside. */
const CODE_KEYWORD_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_\]])(${CODE_KEYWORDS.map((k) =>
    k
      .split(' ')
      .map(escapeRe)
      .join(String.raw`[ \t\u00A0]+`),
  ).join('|')})(?:-?nya)?(?![\p{L}\p{N}_])`,
  'giu',
);

/** How many tokens after a code keyword may be fillers or separators before the code. */
const CODE_LOOKAHEAD = 6;

export function detectKeywordCodes(text: string, claims: Claims): void {
  for (const m of text.matchAll(CODE_KEYWORD_RE)) {
    if (claims.ownerAt(m.index)) continue;
    let pos = m.index + m[0].length;
    for (let step = 0; step < CODE_LOOKAHEAD; step++) {
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
