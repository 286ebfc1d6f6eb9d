/**
 * The digit pass: NPWP, NIK, phone and card numbers in runs of digits (identifiers.ts says what a
 * sequence is; this file finds the sequences).
 *
 * A run is digit groups joined by one separator each ("0812-3456-7890", "01.234.567.8-901.000",
 * "3171 2345 6789 0001"). A run may hold several numbers typed one after the other
 * ("012345678901000 0812 3456 7890"), so it is cut at its spaced separators into windows; among the
 * ways of cutting it, the one that masks the most digits (then: fewest pieces) wins, where a number
 * that spans a space without one of its usual layouts counts half. Dots and bare dashes never
 * separate two numbers (they bind the groups of one number), which keeps amounts such as
 * "Rp 3.021.500.200" whole.
 */
import type { Claims } from './claims.js';
import { cardLength, classifyNumber, identifierLength, isInvoiceSerialLayout, isUsualLayout } from './identifiers.js';
import { phoneShaped, type NumberShape } from './phone.js';
import { REFERENCE_BEFORE, isDigitCode, isHSpace } from './tokens.js';
import type { SecretKind } from './types.js';

/**
 * A run of digit groups joined by one separator: a dot, a dash (optionally spaced: " - ") or one
 * space. Every iteration consumes a digit, so there is nothing to backtrack into.
 */
const DIGIT_RUN_RE = /(?<!\d)(?:\+[ \u00A0]?)?\d(?:(?:[ \u00A0]?-[ \u00A0]?|[. \u00A0])?\d)*/g;

/**
 * `(+62) 812-…` / `+62 (0)812-…`: the country code in brackets, or with the trunk 0 in brackets (as
 * business signatures write it), before a number written without its leading 0.
 */
const BRACKETED_62_BEFORE = /(?:\(\+?62\)|\+62[ \u00A0]?\(0\))[ \u00A0-]?$/;

const MIN_SECRET_DIGITS = 8;
const MAX_NUMBER_DIGITS = 22;
/** The most groups one number is typed in ("0 01 234 567 8 901 000" has 7). Bounds the work per run. */
const MAX_NUMBER_GROUPS = 8;

/** One group of digits of a run, and the separator after it (absent for the last group). */
interface Group {
  /** Range in the text. */
  start: number;
  end: number;
  /** Where its digits begin in `Run.digits`. */
  offset: number;
  size: number;
  after?: {
    /** Holds a space: a number may end here and the next one start. */
    spaced: boolean;
    /** Holds a dot (amounts and dates; card numbers never use one). */
    dotted: boolean;
    /** The separator without its spaces ("." or "-"), or " " for a plain space. */
    kind: string;
  };
}

interface Run {
  start: number;
  end: number;
  /** Written with a leading "+" (the first window only is international). */
  plus: boolean;
  /** Where "(+62)" before the run starts, or -1. */
  after62Start: number;
  /** A label such as "kode billing" stands before the run: its first number is a reference. */
  referenceLabel: boolean;
  /** All digits of the run, separators left out. */
  digits: string;
  groups: Group[];
}

/** A number found: groups first..last of the run. */
interface Piece {
  first: number;
  last: number;
  kind: SecretKind;
}

/** The best way to cut the groups from one group to the end of the run. */
interface Cut {
  /** 2 per digit masked, 1 per digit of a weak guess. */
  score: number;
  pieces: number;
  /** The number that starts at this group in that cut, if one does. */
  piece: Piece | null;
}

function readRun(text: string, start: number, end: number): Run {
  let i = start;
  let plus = false;
  if (text.charCodeAt(i) === 0x2b /* + */) {
    plus = true;
    i++;
    while (i < end && !isDigitCode(text.charCodeAt(i))) i++;
  }
  const groups: Group[] = [];
  let digits = '';
  while (i < end) {
    const s = i;
    while (i < end && isDigitCode(text.charCodeAt(i))) i++;
    const group: Group = { start: s, end: i, offset: digits.length, size: i - s };
    digits += text.slice(s, i);
    groups.push(group);
    if (i < end) {
      const gapFrom = i;
      let spaced = false;
      let dotted = false;
      while (i < end && !isDigitCode(text.charCodeAt(i))) {
        const c = text.charCodeAt(i);
        if (c === 0x2e) dotted = true;
        else if (isHSpace(c)) spaced = true;
        i++;
      }
      group.after = { spaced, dotted, kind: text.slice(gapFrom, i).trim() || ' ' };
    }
  }
  let after62Start = -1;
  if (!plus) {
    const before = text.slice(Math.max(0, start - 8), start);
    const b = BRACKETED_62_BEFORE.exec(before);
    if (b) after62Start = start - before.length + b.index;
  }
  const referenceLabel = REFERENCE_BEFORE.test(text.slice(Math.max(0, start - 40), start));
  return { start, end, plus, after62Start, referenceLabel, digits, groups };
}

/** A window may start at the run start or after a space, and end at the run end or before a space. */
const mayStartAt = (run: Run, k: number) => k === 0 || run.groups[k - 1]?.after?.spaced === true;
const mayEndAt = (run: Run, j: number) => j === run.groups.length - 1 || run.groups[j]?.after?.spaced === true;

/** Where a number starting at group k begins in the text: with its "+" or "(+62)" for the first. */
function pieceStart(run: Run, k: number): number {
  if (k === 0 && run.plus) return run.start;
  if (k === 0 && run.after62Start >= 0) return run.after62Start;
  return run.groups[k]?.start ?? run.start;
}

/**
 * The numbers that windows starting at group k could be, each with its score given the best cut of
 * the groups after it (`cuts[j + 1]`). Returns the best cut from k on.
 */
function bestCutFrom(run: Run, k: number, cuts: readonly Cut[], claims: Claims): Cut {
  const { groups, digits } = run;
  const skip = cuts[k + 1] ?? { score: 0, pieces: 0, piece: null };
  let best: Cut = { score: skip.score, pieces: skip.pieces, piece: null };
  if (!mayStartAt(run, k)) return best;
  const base = groups[k]?.offset ?? 0;
  const [c0, c1, c2] = [digits.charCodeAt(base), digits.charCodeAt(base + 1), digits.charCodeAt(base + 2)];
  const atRunStart = k === 0;
  let dotted = false;
  let spaced = false;
  const lastGroup = Math.min(groups.length - 1, k + MAX_NUMBER_GROUPS - 1);
  for (let j = k; j <= lastGroup; j++) {
    const group = groups[j];
    if (!group) break;
    const n = group.offset + group.size - base;
    if (n > MAX_NUMBER_DIGITS) break;
    const gapBefore = j > k ? groups[j - 1]?.after : undefined;
    if (gapBefore?.dotted) dotted = true;
    if (gapBefore?.spaced) spaced = true;
    if (n < MIN_SECRET_DIGITS || !mayEndAt(run, j)) continue;
    const shape: NumberShape = { plus: run.plus && atRunStart, after62: atRunStart && run.after62Start >= 0, dotted, invoiceSerial: false };
    // Cheap pre-filter on the length and first digits: most windows of a long run of short groups
    // can be nothing, and are rejected without building their digits.
    if (!identifierLength(n) && !(cardLength(n) && !dotted) && !phoneShaped(n, c0, c1, c2, shape)) continue;
    // A window over a reserved range (a timestamp, a UUID, an e-mail address) is not a number.
    const checkFrom = atRunStart && (run.plus || run.after62Start >= 0) ? run.start : (groups[k]?.start ?? run.start);
    if (!claims.isFree(checkFrom, group.end)) continue;
    const window = groups.slice(k, j + 1);
    const sizes = window.map((g) => g.size);
    if (n === 16) shape.invoiceSerial = isInvoiceSerialLayout(sizes);
    let kind = classifyNumber(digits.slice(base, base + n), shape);
    // Only the first window can follow a label such as "kode billing" (others follow digits).
    if (atRunStart && run.referenceLabel && (kind === 'npwp' || kind === 'nik' || kind === 'card')) kind = null;
    if (!kind) continue;
    const rest = cuts[j + 1] ?? { score: 0, pieces: 0, piece: null };
    let score = 2 * n + rest.score;
    // A weak guess: an identifier whose spaced groups are not one of its usual layouts is probably
    // two things side by side ("2014 0812-3456-7890").
    if (
      spaced &&
      kind !== 'phone' &&
      !isUsualLayout(
        sizes,
        window.slice(0, -1).map((g) => g.after?.kind ?? ' '),
      )
    )
      score -= n;
    const pieces = 1 + rest.pieces;
    if (score > best.score || (score === best.score && pieces < best.pieces)) best = { score, pieces, piece: { first: k, last: j, kind } };
  }
  return best;
}

/** Finds the secrets in each digit run (see the header). */
export function detectNumbers(text: string, claims: Claims): void {
  for (const m of text.matchAll(DIGIT_RUN_RE)) {
    if (m[0].length < MIN_SECRET_DIGITS) continue; // fewer than 8 characters: never 8 digits
    const run = readRun(text, m.index, m.index + m[0].length);
    if (run.digits.length < MIN_SECRET_DIGITS) continue;
    const g = run.groups.length;
    // Best cuts from each group to the end, computed from the end (cuts[g] is the empty rest).
    const cuts: Cut[] = new Array<Cut>(g + 1);
    cuts[g] = { score: 0, pieces: 0, piece: null };
    for (let k = g - 1; k >= 0; k--) cuts[k] = bestCutFrom(run, k, cuts, claims);
    for (let k = 0; k < g;) {
      const piece = cuts[k]?.piece;
      if (!piece) {
        k++;
        continue;
      }
      claims.add(pieceStart(run, piece.first), run.groups[piece.last]?.end ?? run.end, piece.kind);
      k = piece.last + 1;
    }
  }
}
