/**
 * The text the masking detectors look at, and the way back to the text the user typed.
 *
 * Why it exists: a secret can be typed in characters that look like ASCII but are not, e.g. an NPWP
 * in full-width digits ("０１.２３４.５６７.８-９０１.０００", common with Japanese/Chinese IMEs and
 * some Android keyboards), in Arabic-Indic digits, or split by zero-width characters. The detectors
 * are written for ASCII, so they see a folded copy of the text:
 *   - zero-width and bidi control characters are dropped;
 *   - each other non-ASCII character is replaced by its NFKC form when that form is printable ASCII
 *     (full-width letters, digits and punctuation, mathematical alphanumerics, circled digits,
 *     superscripts, ligatures such as "ﬁ");
 *   - a decimal digit of any other script (Unicode category Nd, e.g. "٣", "३") becomes its ASCII digit.
 * Everything else is kept as it is. Masking then replaces the ORIGINAL characters of each span found,
 * so the rest of the message is returned exactly as typed.
 *
 * The folding is per code point (NFKC of a whole string could merge characters across a boundary and
 * would lose the offsets); ASCII-only messages — nearly all of them — skip it entirely.
 */
import { LRUCache } from 'lru-cache';

/** Zero-width and bidi control characters: ignored by detection (a secret split by them is still found). */
export function isInvisible(c: number): boolean {
  return c === 0xad || c === 0x180e || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff;
}

export interface View {
  /** What the detectors see. */
  text: string;
  /**
   * For each UTF-16 unit of `text`: the offset in the original where the character it came from
   * starts, and where it ends. `null` when `text` is the original unchanged.
   */
  start: Int32Array | null;
  end: Int32Array | null;
}

const NON_ASCII = /[^\x00-\x7F]/;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Folded forms of the non-ASCII code points seen so far (users repeat the same few characters). */
const foldCache = new LRUCache<number, string>({ max: 4096 });

/**
 * The ASCII value of a decimal digit of any script. Every block of digits in Unicode is a run of 10
 * (or several runs of 10 side by side) starting at its zero, so the value is the distance from the
 * start of the run, modulo 10.
 */
function digitValue(cp: number): number {
  let first = cp;
  while (first > 0 && cp - first < 100 && DECIMAL_DIGIT.test(String.fromCodePoint(first - 1))) first--;
  return (cp - first) % 10;
}

/** The folded form of one non-ASCII code point (see the header). */
function fold(cp: number): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const ch = String.fromCodePoint(cp);
  let out = ch;
  const nfkc = ch.normalize('NFKC');
  if (nfkc !== ch && PRINTABLE_ASCII.test(nfkc)) out = nfkc;
  else if (DECIMAL_DIGIT.test(ch)) out = String(digitValue(cp));
  foldCache.set(cp, out);
  return out;
}

export function makeView(original: string): View {
  if (!NON_ASCII.test(original)) return { text: original, start: null, end: null };
  const parts: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let changed = false;
  for (let i = 0; i < original.length;) {
    const cp = original.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      parts.push(original.charAt(i));
      start.push(i);
      end.push(i + 1);
    } else if (isInvisible(cp)) {
      changed = true;
    } else {
      const folded = fold(cp);
      if (folded.length !== width || folded !== original.slice(i, i + width)) changed = true;
      parts.push(folded);
      for (let k = 0; k < folded.length; k++) {
        start.push(i);
        end.push(i + width);
      }
    }
    i += width;
  }
  if (!changed) return { text: original, start: null, end: null };
  return { text: parts.join(''), start: Int32Array.from(start), end: Int32Array.from(end) };
}
