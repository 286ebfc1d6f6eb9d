/** Characters, tokens and shared patterns of the masking detectors, each of which lives in its own file. */

export function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Horizontal white space (no line breaks). */
export function isHSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || c === 0x3000 || c === 0x202f || (c >= 0x2000 && c <= 0x200a);
}

export function isLineBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x85 || c === 0x2028 || c === 0x2029;
}

export function isSpace(c: number): boolean {
  return isHSpace(c) || isLineBreak(c);
}

/**
 * Labels after which a number is a payment/invoice reference, not a personal identifier: the 15-digit
 * billing code, the NTPN, the e-Faktur serial number.
 */
export const REFERENCE_BEFORE =
  /(?:billing|ntpn|nsfp|no(?:mor|\.)?[ \t]*(?:seri[ \t]+)?faktur(?:[ \t]+pajak)?)(?:nya)?[ \t]*(?:(?:saya|ini|itu|adalah)[ \t]*)?[:=#]?[ \t]*$/i;

/**
 * Letters/digits, optionally in dash-separated groups (2345-BCDE-2345-BCDE). Never starts right after
 * "X-", "]" or "]-" (the middle of a dashed token, or what follows a placeholder), so that masking
 * masked text changes nothing.
 */
export const ALNUM_TOKEN_RE = /(?<![A-Za-z0-9\]])(?<![A-Za-z0-9\]]-)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*/g;

export const OPENING_QUOTES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '`': '`',
  '\u201C': '\u201D',
  '\u2018': '\u2019',
  '\u00AB': '\u00BB',
};

export const LEADING_PUNCT = /^[([{<"'`\u201C\u2018\u00AB]+/;
/** Punctuation ignored at the end of a word when comparing it with the word lists. */
export const TRAILING_PUNCT = '.,;:!?)]}>"\'`\u201D\u2019\u00BB';
/** Trailing characters that stay outside the mask (sentence punctuation that is rarely part of a secret). */
export const TRAILING_OUTSIDE = ',;:)]}>';

/**
 * How many of the last characters of `s` (not before `from`) are in `chars`. A backward scan: a
 * `[…]+$` regular expression would be quadratic on a long run of punctuation followed by a letter.
 */
export function trailingCount(s: string, chars: string, from: number): number {
  let i = s.length;
  while (i > from && chars.includes(s.charAt(i - 1))) i--;
  return s.length - i;
}

export interface Token {
  /** Range of the token in the view. */
  start: number;
  end: number;
  raw: string;
  /** The token without surrounding punctuation, lower-cased: what word lists are compared with. */
  word: string;
  /** The token without surrounding punctuation, as typed. */
  core: string;
  /** The range to mask (leading brackets/quotes and trailing commas etc. left outside). */
  maskStart: number;
  maskEnd: number;
  /** The token ends with ":" or "=" ("saya:"). */
  sepAfter: boolean;
}

export function readToken(text: string, pos: number): Token | null {
  let end = pos;
  while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
  if (end === pos) return null;
  const raw = text.slice(pos, end);
  const lead = LEADING_PUNCT.exec(raw)?.[0].length ?? 0;
  const core = raw.slice(lead, raw.length - trailingCount(raw, TRAILING_PUNCT, lead));
  const outside = trailingCount(raw, TRAILING_OUTSIDE, lead);
  return {
    start: pos,
    end,
    raw,
    core,
    word: core.toLowerCase(),
    maskStart: pos + lead,
    maskEnd: Math.max(pos + lead, end - outside),
    sepAfter: /[:=]$/.test(raw),
  };
}

/** Skips horizontal space (and line breaks when `lines`); returns the next position. */
export function skipSpace(text: string, pos: number, lines: boolean): number {
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (isHSpace(c) || (lines && isLineBreak(c))) pos++;
    else break;
  }
  return pos;
}

export function isSeparatorToken(raw: string): boolean {
  return /^(?:[:=]+|[-\u2013\u2014]+>?|=>|->|\u2192)$/.test(raw);
}

/** A separator that says "the value is": ":", "=", or an arrow ("passphrase -> kucing hitam"); not a bare dash. */
export function isExplicitSeparator(raw: string): boolean {
  return /[:=>\u2192]/.test(raw);
}

/** A value in quotes right at `pos`: returns the range inside the quotes. */
export function quotedValue(text: string, pos: number): { start: number; end: number } | null {
  const close = OPENING_QUOTES[text.charAt(pos)];
  if (!close) return null;
  const limit = Math.min(text.length, pos + 202);
  for (let i = pos + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c)) return null;
    if (text.charAt(i) === close) return i > pos + 1 ? { start: pos + 1, end: i } : null;
  }
  return null;
}

/** Looks like something that is clearly not a secret even though it has digits or symbols. */
export function isObviouslyPublic(core: string): boolean {
  if (core.length > 200) return false;
  return (
    /^etax/i.test(core) ||
    /^(?:per|se|kep|pmk|pp|uu|s|nd)-\d/i.test(core) ||
    /^(?:https?:\/\/|www\.)/i.test(core) ||
    /\.(?:go\.id|co\.id|or\.id|ac\.id|id|com|net|org)(?:\/\S*)?$/i.test(core)
  );
}

/** A word without Markdown emphasis around it ("**e-Nofa**" -> "e-Nofa"): the procedures are Markdown. */
export function plainWord(w: string): string {
  return w.replace(/^[*_~`]+|[*_~`]+$/g, '');
}

/** Contains a digit or a symbol, or upper case after the first letter (rahAsia, QwErty). */
export function looksSecret(raw: string): boolean {
  const core = plainWord(raw);
  if (/\d/.test(core)) return true;
  if (/[^\p{L}\p{M}\p{N}]/u.test(core)) return true;
  return /\p{Ll}/u.test(core) && /\p{Lu}/u.test(core.slice(1));
}

export function lineStartOf(text: string, pos: number): number {
  while (pos > 0 && !isLineBreak(text.charCodeAt(pos - 1))) pos--;
  return pos;
}

export function lineEndOf(text: string, pos: number): number {
  while (pos < text.length && !isLineBreak(text.charCodeAt(pos))) pos++;
  return pos;
}

/** Tokens in [from, to), counting at most `max`. */
export function countTokens(text: string, from: number, to: number, max: number): number {
  let n = 0;
  let inToken = false;
  for (let i = from; i < to && n < max; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inToken) n++;
    inToken = !space;
  }
  return n;
}
