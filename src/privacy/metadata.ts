/**
 * Metadata that is never a secret and must come out of masking exactly as it went in.
 *
 * Why it exists (issue 18, item 9): the masker read the transcript timestamp "2026-12-01T20:21:42Z"
 * as an upper-case activation code ("2026-12-01T20" has letters and digits) and stored
 * "[KODE-AKTIVASI]:21:42Z"; a UUID lost its last group to the NPWP rule. Two defences:
 *   - inside any text, ISO 8601 dates/date-times, UUIDs and the helpdesk's ticket references
 *     (KP-7QX2M4) are reserved before the detectors run, so no detector claims a part of them;
 *   - `maskDeep` leaves the values of metadata properties (`at`, `createdAt`, `id`, `conversationId`,
 *     `ref`, `eTag`, `timestamp`, …) alone: they are written by the system, not typed by the user.
 */

/**
 * ISO 8601 as the bot and the channels write it: "2026-12-01", "2026-12-01T20:21:42Z",
 * "2026-12-01T20:21:42.123+07:00", "2026-12-01 20:21". Year 19xx/20xx, month 01–12, day 01–31:
 * enough to tell a timestamp from a code or a number typed with dashes.
 */
const ISO_DATE_TIME = String.raw`(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?`;
const UUID = String.raw`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`;
/** The helpdesk's ticket reference (see `REFERENCE_RE` in src/handoff/tickets.ts). */
const TICKET_REF = String.raw`KP-[2-9A-HJKMNP-Z]{6}`;

/**
 * Metadata inside a text. The look-arounds keep it whole: not inside a longer word or number
 * ("X2026-12-01", "3171-12-01-9000-0001" is a NIK typed with dashes, not a date).
 */
const METADATA_IN_TEXT_RE = new RegExp(String.raw`(?<![\p{L}\p{N}_.\/-])(?:${UUID}|${TICKET_REF}|${ISO_DATE_TIME})(?![\p{L}\p{N}_]|[-.\/:]\d)`, 'gu');
const METADATA_WHOLE_RE = new RegExp(String.raw`^(?:${UUID}|${TICKET_REF}|${ISO_DATE_TIME})$`, 'u');

/** Ranges of `text` holding metadata, in order. */
export function metadataRanges(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(METADATA_IN_TEXT_RE)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** The whole string is a timestamp, a UUID or a ticket reference. */
export function isMetadataValue(value: string): boolean {
  return value.length <= 64 && METADATA_WHOLE_RE.test(value.trim());
}

/** Property names that hold ids and timestamps: exact (lower-cased, without `_`/`-`). */
const METADATA_KEYS: ReadonlySet<string> = new Set([
  'at',
  'id',
  'ref',
  'ts',
  'etag',
  'timestamp',
  'localtimestamp',
  'time',
  'date',
  'uuid',
  'guid',
  'created',
  'updated',
  'since',
  'replytoid',
  'serviceurl',
  'channelid',
  'locale',
]);

/**
 * camelCase suffixes of metadata property names: `createdAt`, `lastActivityAt`, `conversationId`,
 * `waitingSince`, `ticketRef`, `created_at`.
 */
const METADATA_SUFFIX_RE = /(?:[a-z0-9](?:At|Id|ID|Since|Ref|Timestamp)|_(?:at|id|ref|ts))$/;

/**
 * Whether the value under `key` is metadata kept as is by `maskDeep`. Only a single token is: a
 * sentence stored under such a key is user text after all and is masked like any other string.
 */
export function isMetadataEntry(key: PropertyKey | undefined, value: string): boolean {
  if (typeof key !== 'string' || value.length > 256 || /\s/.test(value.trim())) return false;
  const k = key.toLowerCase().replace(/[_-]/g, '');
  return METADATA_KEYS.has(k) || METADATA_SUFFIX_RE.test(key);
}
