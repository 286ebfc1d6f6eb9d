/**
 * A password typed on the line after a line about one (issue 18, item 3): see
 * `detectPasswordOnNextLine`.
 */
import type { Claims } from './claims.js';
import type { KeywordHit } from './keywords.js';
import { countTokens, isLineBreak, isObviouslyPublic, lineEndOf, lineStartOf, plainWord, readToken, skipSpace } from './tokens.js';
import { CONTROL_WORDS, NEXT_LINE_ORDINARY, PARTICLES, STOP_WORDS } from './words.js';

/** At most this many tokens on a line that names a password for its next line to be read as the value. */
const NEXT_LINE_KEYWORD_TOKENS = 8;

/**
 * "lupa password\nRahasia123!" / "ini password saya\nKucingHitam": a short line that names a password
 * (keyword anywhere in it) and no value on that line, then the value alone on the next non-empty line.
 * Why: people press Enter after the keyword, and the keyword rules stop at the line break on purpose
 * (the next line is usually a new sentence). Read as a value:
 *   - a next line of one token: unless it is an ordinary word (word lists), too short, or public;
 *   - a longer next line: only its first token, and only when it has letters and digits (6+ long).
 */
export function detectPasswordOnNextLine(text: string, claims: Claims, hits: readonly KeywordHit[]): void {
  let doneLine = -1;
  for (const hit of hits) {
    if (hit.start < doneLine || claims.ownerAt(hit.start)) continue; // (a keyword inside an e-mail address)
    const lineStart = lineStartOf(text, hit.start);
    const lineEnd = lineEndOf(text, hit.end);
    doneLine = lineEnd;
    if (countTokens(text, lineStart, lineEnd, NEXT_LINE_KEYWORD_TOKENS + 1) > NEXT_LINE_KEYWORD_TOKENS) continue;
    // A value found on the keyword's own line: the next line is a new sentence.
    if (claims.ownersIn(hit.end, lineEnd).some((sp) => sp.kind === 'password')) continue;
    // The next non-empty line (a blank line or two may sit between).
    let pos = lineEnd;
    for (let blank = 0; blank < 3 && pos < text.length; blank++) {
      pos = skipSpace(text, pos, true);
      if (pos < text.length && !isLineBreak(text.charCodeAt(pos))) break;
    }
    if (pos >= text.length) continue;
    const nextEnd = lineEndOf(text, pos);
    const first = readToken(text, pos);
    if (!first || !claims.isFree(first.start, first.end)) continue;
    const core = first.core;
    const word = plainWord(first.word);
    if (core.length < 4 || !/[\p{L}\p{N}]/u.test(core) || isObviouslyPublic(core)) continue;
    const single = countTokens(text, pos, nextEnd, 2) === 1;
    if (single) {
      if (STOP_WORDS.has(word) || CONTROL_WORDS.has(word) || NEXT_LINE_ORDINARY.has(word) || PARTICLES.has(word)) continue;
    } else if (!(core.length >= 6 && /\p{L}/u.test(core) && /\d/.test(core))) {
      continue;
    }
    claims.absorb(first.maskStart, first.maskEnd, 'password');
  }
}
