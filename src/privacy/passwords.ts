/**
 * Passwords, passphrases, PINs, one-time codes and EFINs typed after a keyword (keywords.ts finds
 * the keywords: the words the bot understands as such, typos and -ku/-nya/-mu included), and a
 * one-token answer when the bot has just asked for a secret.
 *
 * Hand-written on purpose: telling "password saya Budi1990" (a value) from "password saya salah
 * terus" (talk about one) takes the Indonesian word lists of intents/_privacy.yaml and the way users
 * lead in to a value ("passwordku ya: …", "pw nya kak: …", "passphrase sertifikat PT Maju: …").
 */
import type { Claims } from './claims.js';
import type { KeywordHit } from './keywords.js';
import {
  isExplicitSeparator,
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
import { CLAUSE_END_WORDS, CONTROL_WORDS, EXPLICIT_WORDS, PARTICLES, PASSPHRASE_END_WORDS, PRONOUNS, QUALIFIERS, STOP_WORDS } from './words.js';

const MAX_SKIPPED_WORDS = 5;
const MAX_PASSWORD_WORDS = 8;
/** A passphrase runs to the end of its line or sentence; bounded so the work stays linear. */
const MAX_PASSPHRASE_WORDS = 24;
/** How far "passphrase sertifikat PT Maju Jaya: …" may look for its separator. */
const SEPARATOR_LOOKAHEAD = 6;
/** How many words after a keyword a password-shaped word is still looked for ("lupa password untuk login aplikasi e-Faktur desktop, kami sudah mencoba Abc12345"). */
const LOOSE_WINDOW = 12;

/** The token's lower-cased word without a trailing ":" or "=" ("saya:" -> "saya"). */
function bareWord(token: Token): string {
  return token.word.slice(0, token.word.length - trailingCount(token.word, ':=', 0));
}

/**
 * "passphrase sertifikat PT Maju Jaya: kucing hitam": words the skip lists do not know stand between
 * the keyword and a ":" or "=" on the same line. Returns the position after the separator, or -1 when
 * an ordinary word ("password salah: …"), a sentence end or the end of the line comes first.
 */
function separatorAhead(text: string, claims: Claims, pos: number): number {
  for (let n = 0; n < SEPARATOR_LOOKAHEAD; n++) {
    pos = skipSpace(text, pos, false);
    const token = readToken(text, pos);
    if (!token) return -1;
    if (isSeparatorToken(token.raw)) return isExplicitSeparator(token.raw) ? token.end : -1;
    const word = bareWord(token);
    if (STOP_WORDS.has(word) || STOP_WORDS.has(plainWord(word))) return -1;
    if (token.sepAfter) return token.end;
    // A placeholder, or what will become one (an e-mail address found earlier), stops the search as
    // the placeholder would: masking masked text again must find what the first pass found.
    if (/[.,;!?]$/.test(token.raw) || token.core === '' || token.core.startsWith('[') || !claims.isFree(token.start, token.end)) return -1;
    pos = token.end;
  }
  return -1;
}

/** What follows a keyword: a quoted value, or the first token that is not a lead-in word. */
type Found = { quoted: { start: number; end: number } } | { token: Token; explicit: boolean; farSeparator: boolean };

/**
 * Reads past the lead-in after a keyword — separators, "adalah", pronouns, qualifiers, particles —
 * to the token that may be the value. Null when the message ends or too many words lead in.
 */
function findValue(text: string, claims: Claims, hit: KeywordHit): Found | null {
  const passphrase = hit.keyword === 'passphrase';
  /** A separator or a word such as "adalah" / "-nya" said that the value follows. */
  let explicit = hit.nya;
  /** That separator was ":", "=" or an arrow: from now on the next word is the value. */
  let symbolSeparator = false;
  /** The separator was found beyond unknown words ("pin lokasi kantor: Jl. …" is no PIN). */
  let farSeparator = false;
  let skipped = 0;
  let pos = hit.end;
  for (;;) {
    pos = skipSpace(text, pos, symbolSeparator);
    if (pos >= text.length) return null;
    // An explicit separator glued to the keyword ("pw:abc123") or standing alone ("kata sandi = …").
    const ch = text.charAt(pos);
    if (ch === ':' || ch === '=') {
      explicit = symbolSeparator = true;
      pos++;
      continue;
    }
    const quoted = quotedValue(text, pos);
    if (quoted) return { quoted };
    const token = readToken(text, pos);
    if (!token) return null;
    if (isSeparatorToken(token.raw)) {
      if (isExplicitSeparator(token.raw)) explicit = symbolSeparator = true;
      pos = token.end;
      continue;
    }
    const value = { token, explicit, farSeparator };
    // Already masked (or holding a masked part): it is the value or nothing, never a filler word.
    if (!claims.isFree(token.start, token.end)) return value;
    const word = bareWord(token);
    let leadIn = false;
    if (token.sepAfter && (EXPLICIT_WORDS.has(word) || PRONOUNS.has(word) || QUALIFIERS.has(word) || PARTICLES.has(word))) {
      // "saya:" / "baru:" / "ya:" — the separator makes the next token the value.
      explicit = symbolSeparator = leadIn = true;
    } else if (EXPLICIT_WORDS.has(word)) {
      explicit = leadIn = true;
    } else if (PRONOUNS.has(word)) {
      // "passphrase nya aku cinta kamu": after an explicit separator a pronoun may start the phrase…
      if (passphrase && explicit) {
        const next = readToken(text, skipSpace(text, token.end, false));
        // … unless what follows is still the lead-in ("passphrasenya … saya adalah: …").
        if (next && next.word !== '' && !STOP_WORDS.has(next.word) && !next.sepAfter && !EXPLICIT_WORDS.has(next.word) && !isSeparatorToken(next.raw))
          return value;
      }
      leadIn = true;
    } else if (!symbolSeparator && (QUALIFIERS.has(plainWord(word)) || PARTICLES.has(word))) {
      leadIn = true;
    } else if (!symbolSeparator && !STOP_WORDS.has(word)) {
      const after = separatorAhead(text, claims, pos);
      if (after >= 0) {
        explicit = symbolSeparator = farSeparator = true;
        pos = after;
        continue;
      }
    }
    if (!leadIn) return value;
    if (++skipped > MAX_SKIPPED_WORDS) return null;
    pos = token.end;
  }
}

/**
 * Where a value that starts with `first` ends. After an explicit separator the value may be several
 * words: a passphrase continues to the end of its line or sentence ("passphrase saya: kucing hitam
 * lompat tinggi"); a password continues while the next words look secret too ("sandi: budi 123").
 */
function valueEnd(text: string, claims: Claims, first: Token, passphrase: boolean): number {
  let end = first.maskEnd;
  let last = first;
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
  return end;
}

/**
 * Letters and digits mixed with upper case or a symbol, 6+ long: shaped like a chosen password
 * ("PtMaju2022", "Pkp12345" — a capital first letter counts: that is how most are chosen).
 */
function passwordShaped(core: string): boolean {
  return core.length >= 6 && /\p{L}/u.test(core) && /\d/.test(core) && (/\p{Lu}/u.test(core) || /[^\p{L}\p{N}]/u.test(core)) && !isObviouslyPublic(core);
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
    // Every one in the window, not just the first: one left behind would be found by masking the
    // masked text again ("password 3.2 Rahasia123! Rahasia123!").
    if (token.core && passwordShaped(token.core) && claims.isFree(token.start, token.end))
      claims.absorb(token.maskStart, token.maskStart + token.core.length, 'password');
    pos = token.end;
  }
}

export function detectPasswords(text: string, claims: Claims, hits: readonly KeywordHit[]): void {
  for (const hit of hits) {
    if (claims.ownerAt(hit.start)) continue;
    const found = findValue(text, claims, hit);
    if (!found) {
      // Too many words led in ("lupa password untuk login aplikasi e-Faktur desktop, kami sudah mencoba
      // Abc12345"): no value follows the keyword directly, but a password-shaped word near it is one.
      claimPasswordShapedNear(text, hit.end, claims);
      continue;
    }
    if ('quoted' in found) {
      const { start, end } = found.quoted;
      if (claims.isFree(start, end)) claims.absorb(start, end, 'password');
      continue;
    }
    const { token, explicit, farSeparator } = found;
    const core = token.core;
    const plain = plainWord(token.word);
    // An ordinary word, or without a separator something that does not look secret: the user talks
    // about the password ("lupa password efaktur").
    if (
      core === '' ||
      STOP_WORDS.has(token.word) ||
      STOP_WORDS.has(plain) ||
      QUALIFIERS.has(plain) ||
      (!explicit && (core.length < 4 || !looksSecret(core) || isObviouslyPublic(core)))
    ) {
      claimPasswordShapedNear(text, token.start, claims);
      continue;
    }
    if (explicit && /^etax/i.test(core)) continue;
    const passphrase = hit.keyword === 'passphrase';
    // PINs and one-time codes are numbers: far from their keyword, a value without digits is not one.
    if (farSeparator && hit.keyword !== 'password' && !passphrase && !/\d/.test(core)) continue;
    const end = explicit ? valueEnd(text, claims, token, passphrase) : token.maskEnd;
    claims.absorb(token.maskStart, end, 'password');
    // Typed twice ("pw: Rahasia123! Rahasia123!"): the same window is searched again after the value.
    claimPasswordShapedNear(text, end, claims);
  }
}

/** With `expectingSecret`: a message of one token is masked as a whole, unless it is a control word. */
export function maskExpectedSecret(text: string, claims: Claims): void {
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
