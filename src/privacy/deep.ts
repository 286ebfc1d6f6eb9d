/**
 * `maskDeep`: a masked deep copy of a value (tickets, transcripts, events), with the values of
 * secret-named properties replaced as a whole and metadata kept exactly (metadata.ts).
 */
import { mask } from './mask.js';
import { isMetadataEntry, isMetadataValue } from './metadata.js';
import { PLACEHOLDERS, isPlaceholder } from './placeholders.js';
import type { SecretKind } from './types.js';

/**
 * Property names that say their value is a secret. Code identifiers, not words users type, so they
 * stay here rather than in intents/_privacy.yaml.
 */
const SECRET_KEYS_EXACT: ReadonlySet<string> = new Set(['pw', 'pwd', 'pass', 'pin', 'otp', 'efin', 'passcode', 'kodeotp']);
const SECRET_KEY_SUFFIXES = ['password', 'passwd', 'passphrase', 'katasandi', 'sandi', 'secret', 'apikey'];
const CODE_KEYS: ReadonlySet<string> = new Set(['kodeaktivasi', 'activationcode', 'serialnumber']);

/** A property whose name says its value is a secret (`password`, `userPassphrase`, `kodeAktivasi`, …). */
function secretKeyKind(key: PropertyKey | undefined): SecretKind | null {
  if (typeof key !== 'string') return null;
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (CODE_KEYS.has(k)) return 'activation-code';
  if (SECRET_KEYS_EXACT.has(k) || SECRET_KEY_SUFFIXES.some((suffix) => k.endsWith(suffix))) return 'password';
  return null;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as { slice(this: ArrayBufferView): ArrayBufferView };

function deepMask(value: unknown, seen: WeakMap<object, unknown>, key: PropertyKey | undefined): unknown {
  if (typeof value === 'string') {
    const kind = secretKeyKind(key);
    if (kind && value.trim() !== '' && !isPlaceholder(value)) return PLACEHOLDERS[kind];
    // Ids and timestamps (`at`, `createdAt`, `conversationId`, a whole-string ISO date, UUID or KP-…
    // reference) are written by the system, not typed by the user: never masked (issue 18, item 9).
    if (isMetadataEntry(key, value) || isMetadataValue(value)) return value;
    return mask(value);
  }
  if (value === null || typeof value !== 'object') return value; // numbers, booleans, functions, …
  const cached = seen.get(value);
  if (cached !== undefined) return cached;

  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = deepMask(value[i], seen, undefined);
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value) out.set(k, deepMask(v, seen, typeof k === 'string' ? k : undefined));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    seen.set(value, out);
    for (const v of value) out.add(deepMask(v, seen, undefined));
    return out;
  }
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    return TypedArrayPrototype.slice.call(value);
  }

  // Plain objects, class instances and errors: same prototype, own properties copied (including the
  // non-enumerable `message` and `stack` of an Error), with the same enumerability.
  const out: object = Object.create(Object.getPrototypeOf(value) as object | null) as object;
  seen.set(value, out);
  for (const k of Reflect.ownKeys(value)) {
    const desc = Object.getOwnPropertyDescriptor(value, k);
    if (!desc) continue;
    let v: unknown;
    if ('value' in desc) v = desc.value;
    else {
      try {
        v = Reflect.get(value, k);
      } catch {
        continue;
      }
    }
    Object.defineProperty(out, k, {
      value: deepMask(v, seen, k),
      enumerable: desc.enumerable ?? true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A deep copy of `value` in which every string is masked (objects, arrays, Maps, Sets; cycles are
 * preserved). Besides the text rules, a non-empty string stored under a key that names a secret
 * (`password`, `passphrase`, `pin`, `otp`, `efin`, `*Password`, `kodeAktivasi`, …) is replaced as a
 * whole. Metadata is kept exactly: a one-token string under an id/timestamp key (`at`, `*At`, `id`,
 * `*Id`, `ref`, `eTag`, `timestamp`, …; see metadata.ts) and any string that is as a whole an ISO
 * timestamp, a UUID or a KP-… ticket reference. Keys themselves are not changed. Numbers are left
 * alone (mask them as strings if needed).
 */
export function maskDeep<T>(value: T): T {
  return deepMask(value, new WeakMap<object, unknown>(), undefined) as T;
}
