import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deletionsOf, editDistance, isAdjacentSwap } from '../src/nlu/edit-distance.js';

/** The textbook full-matrix Levenshtein distance, to check the banded one against. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

describe('edit distance (typo repair)', () => {
  it('is the Levenshtein distance up to the bound, and bound + 1 above it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'k', 'e'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(reference(a, b), max + 1));
      }),
      { numRuns: 5000 },
    );
  });

  it('handles words longer than its reusable rows, and the slips users make', () => {
    const long = 'pengadministrasian'.repeat(5);
    expect(editDistance(long, `${long}x`, 1)).toBe(1);
    expect(editDistance('password', 'pasword', 1)).toBe(1);
    expect(editDistance('registrasi', 'registasi', 2)).toBe(1);
    expect(editDistance('efaktur', 'efkatur', 2)).toBe(2); // two letters swapped count 2
    expect(editDistance('efaktur', 'efkatur', 1)).toBe(2);
    expect(deletionsOf('kode')).toEqual(['ode', 'kde', 'koe', 'kod']);
  });

  it('tells two neighbouring letters swapped from other differences', () => {
    expect(isAdjacentSwap('dekstop', 'desktop')).toBe(true);
    expect(isAdjacentSwap('pasword', 'password')).toBe(false);
    expect(isAdjacentSwap('desktop', 'desktop')).toBe(false);
    expect(isAdjacentSwap('dsektop', 'desktop')).toBe(true);
    expect(isAdjacentSwap('dketsop', 'desktop')).toBe(false);
  });
});
