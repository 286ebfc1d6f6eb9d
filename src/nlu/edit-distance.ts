/** Edit distances for typo repair. */

/** Every string with one letter of `w` left out (the deletions index of typo repair). */
export function deletionsOf(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Two reusable rows for editDistance (it runs for every candidate of every typo). */
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/**
 * Levenshtein distance (a swap of two letters counts 2), bounded: any result above `max` is given as
 * `max + 1`. Only the diagonal band of width 2·max+1 can hold values within the bound, so only it is
 * computed: a few cells per letter, which makes scanning the vocabulary for a typo's candidates cheap.
 */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  const over = max + 1;
  if (Math.abs(la - lb) > max) return over;
  if (lb + 2 > rowA.length) {
    rowA = new Int32Array(lb + 2);
    rowB = new Int32Array(lb + 2);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : over;
  prev[lb + 1] = over;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    cur[lo - 1] = lo === 1 && i <= max ? i : over; // the cell left of the band
    let rowMin = cur[lo - 1]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (prev[j]! + 1 < v) v = prev[j]! + 1;
      if (cur[j - 1]! + 1 < v) v = cur[j - 1]! + 1;
      if (v > over) v = over;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    cur[hi + 1] = over; // the cell right of the band, read by the next row
    if (rowMin > max) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[lb]!, over);
}

/** Whether `b` is `a` with two neighbouring letters swapped ("dekstop" / "desktop"): one slip, though Levenshtein counts 2. */
export function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
