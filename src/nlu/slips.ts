/**
 * Keyboard slips, generated deterministically: a swapped pair of letters, a dropped vowel or a
 * doubled letter in one or two words of a line. Used to augment training (one variant per example)
 * and by the evaluation (`npm run eval`) to measure robustness on lines nobody here wrote.
 */

type Rand = () => number;

const VOWELS = /[aiueo]/g;

function slipWord(w: string, rand: Rand): string {
  const kind = Math.floor(rand() * 3);
  if (kind === 0 && w.length >= 4) {
    const i = 1 + Math.floor(rand() * (w.length - 2));
    return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  }
  if (kind === 1) {
    const positions = [...w.matchAll(VOWELS)].map((m) => m.index).filter((i) => i > 0);
    if (positions.length) {
      const i = positions[Math.floor(rand() * positions.length)]!;
      return w.slice(0, i) + w.slice(i + 1);
    }
  }
  const i = Math.floor(rand() * w.length);
  return w.slice(0, i + 1) + w[i] + w.slice(i + 1);
}

/** The line with `count` of its longer words (4+ letters, not codes) slipped. */
export function slip(line: string, rand: Rand, count = 1): string {
  const parts = line.split(/(\s+)/);
  const candidates = parts.map((p, i) => (/^\p{L}{4,}$/u.test(p) ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < count && candidates.length; k++) {
    const at = candidates.splice(Math.floor(rand() * candidates.length), 1)[0]!;
    parts[at] = slipWord(parts[at]!, rand);
  }
  return parts.join('');
}

/** The example itself and one slipped variant (when it has a word long enough to slip). */
export function withSlips(example: string, rand: Rand): string[] {
  const v = slip(example, rand);
  return v === example ? [example] : [example, v];
}
