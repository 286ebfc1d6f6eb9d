/**
 * The placeholders written in place of secrets, and the ranges no detector may claim: placeholders
 * already in the text (so that masking masked text changes nothing) and metadata (metadata.ts).
 */
import type { Claims } from './claims.js';
import { metadataRanges } from './metadata.js';
import type { SecretKind } from './types.js';

/** The placeholder written in place of each kind of secret. */
export const PLACEHOLDERS: Readonly<Record<SecretKind, string>> = Object.freeze({
  npwp: '[NPWP]',
  nik: '[NIK]',
  'activation-code': '[KODE-AKTIVASI]',
  password: '[RAHASIA]',
  email: '[EMAIL]',
  phone: '[TELEPON]',
  card: '[KARTU]',
});

const PLACEHOLDER_RE = /\[(?:NPWP|NIK|KODE-AKTIVASI|RAHASIA|EMAIL|TELEPON|KARTU)\]/g;
const PLACEHOLDER_RE_WHOLE = /^\[(?:NPWP|NIK|KODE-AKTIVASI|RAHASIA|EMAIL|TELEPON|KARTU)\]$/;

/** The whole string is one placeholder. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_RE_WHOLE.test(value);
}

export function reservePlaceholders(text: string, claims: Claims): void {
  for (const m of text.matchAll(PLACEHOLDER_RE)) claims.add(m.index, m.index + m[0].length, null);
  // Timestamps, UUIDs and ticket references are never secrets: no detector may claim a part of them.
  for (const r of metadataRanges(text)) claims.add(r.start, r.end, null);
}
