/**
 * Claimed character ranges of the text being masked (shared by the detectors).
 *
 * All detectors (see mask.ts) run on the same text and "claim" ranges; a range claimed by an earlier
 * detector is not claimed again, except that a later, wider claim may swallow earlier ones it fully
 * contains. Reserved ranges (kind `null`: placeholders already in the text, timestamps, UUIDs) are
 * never swallowed and are written back unchanged.
 */
import type { SecretKind } from './types.js';

export interface Span {
  start: number;
  end: number;
  /** `null`: a reserved range written back unchanged (an existing placeholder, metadata). */
  kind: SecretKind | null;
  alive: boolean;
}

export class Claims {
  readonly spans: Span[] = [];
  /** For each character of the view: 0 when free, else index + 1 of the span that owns it. */
  private readonly owner: Int32Array;

  constructor(length: number) {
    this.owner = new Int32Array(length);
  }

  ownerAt(pos: number): Span | undefined {
    const id = this.owner[pos] ?? 0;
    return id === 0 ? undefined : this.spans[id - 1];
  }

  isFree(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.owner[i] !== 0) return false;
    return true;
  }

  /** Distinct spans owning characters in [start, end). */
  ownersIn(start: number, end: number): Span[] {
    const out: Span[] = [];
    let last = 0;
    for (let i = start; i < end; i++) {
      const id = this.owner[i] ?? 0;
      if (id !== 0 && id !== last) {
        const span = this.spans[id - 1];
        if (span && !out.includes(span)) out.push(span);
      }
      last = id;
    }
    return out;
  }

  /** Claims a free range. */
  add(start: number, end: number, kind: SecretKind | null): boolean {
    if (end <= start || !this.isFree(start, end)) return false;
    this.set(start, end, kind);
    return true;
  }

  /**
   * Claims a range that may contain earlier claims; they are replaced. Refused when an earlier claim
   * only partly overlaps the range, or when one covers exactly the same range (the earlier, more
   * specific label wins).
   */
  absorb(start: number, end: number, kind: SecretKind): boolean {
    if (end <= start) return false;
    const owners = this.ownersIn(start, end);
    for (const s of owners) {
      if (s.kind === null) return false; // never swallow a placeholder that was already there
      if (s.start < start || s.end > end) return false;
      if (s.start === start && s.end === end) return false;
    }
    for (const s of owners) s.alive = false;
    this.set(start, end, kind);
    return true;
  }

  /** Claims a range unconditionally (expectingSecret); overlapping claims are dropped. */
  force(start: number, end: number, kind: SecretKind): void {
    for (const s of this.ownersIn(start, end)) {
      s.alive = false;
      for (let i = s.start; i < s.end; i++) this.owner[i] = 0;
    }
    this.set(start, end, kind);
  }

  private set(start: number, end: number, kind: SecretKind | null): void {
    this.spans.push({ start, end, kind, alive: true });
    const id = this.spans.length;
    this.owner.fill(id, start, end);
  }
}
