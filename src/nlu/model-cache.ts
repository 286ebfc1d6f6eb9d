/**
 * A trained intent model kept on disk, keyed by everything that decides it, so that a start-up with
 * unchanged content loads the model (~20 ms) instead of training it (~0.6 s).
 *
 * The key is a SHA-256 over the training inputs (every intent's examples, keywords and choices, the
 * lexicon, the answer words, the options) and over the source of this folder (features, normaliser,
 * training code): a change to the content or to the code gives a new key, so a stale model is never
 * read. The same content always gives the same model anyway (seeded training): a cached model is the
 * one start-up would have trained, weight for weight (tests/start-up-cache.test.ts).
 * Files and keys: src/cache/startup-cache.ts; a missing or corrupt entry just means "train as before".
 */
import { cacheKey, codeFingerprint, readEntry, writeEntry } from '../cache/startup-cache.js';

/** Bumped when the file layout changes. */
const FORMAT = 1;
const MAGIC = 'efaktur-intent-model';

export interface CachedModel {
  intentIds: string[];
  /** The two lists the normaliser's vocabulary was set from (see IntentClassifier). */
  vocabulary: string[];
  unsure: string[];
  /** Feature names in id order. */
  features: string[];
  trainingSize: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * The cache key of a model trained from `inputs` (any JSON-serialisable description of the training);
 * undefined when this folder's code cannot be fingerprinted (no cache then).
 */
export function modelKey(inputs: unknown): string | undefined {
  const code = codeFingerprint(import.meta.url);
  return code ? cacheKey(MAGIC, String(FORMAT), code, JSON.stringify(inputs)) : undefined;
}

const KIND = 'intent-model';

/**
 * Layout: 4 bytes header length (LE), the header as JSON, padding to a multiple of 4, the weights,
 * the bias (Float32, little-endian as every machine this runs on).
 */
export function writeCachedModel(dir: string, key: string, m: CachedModel): boolean {
  try {
    const header = Buffer.from(
      JSON.stringify({
        magic: MAGIC,
        format: FORMAT,
        key,
        intentIds: m.intentIds,
        vocabulary: m.vocabulary,
        unsure: m.unsure,
        features: m.features,
        trainingSize: m.trainingSize,
        weights: m.weights.length,
        bias: m.bias.length,
      }),
      'utf8',
    );
    const pad = (4 - ((4 + header.length) % 4)) % 4;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length + pad);
    const body = Buffer.concat([
      len,
      header,
      Buffer.alloc(pad, 0x20),
      Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength),
      Buffer.from(m.bias.buffer, m.bias.byteOffset, m.bias.byteLength),
    ]);
    return writeEntry(dir, KIND, key, 'bin', body);
  } catch {
    return false;
  }
}

/** The model cached under `key`, or undefined when there is none or it cannot be read as one. */
export function readCachedModel(dir: string, key: string): CachedModel | undefined {
  const buf = readEntry(dir, KIND, key, 'bin');
  if (!buf) return undefined;
  try {
    const hl = buf.readUInt32LE(0);
    const h = JSON.parse(buf.toString('utf8', 4, 4 + hl)) as Omit<CachedModel, 'weights' | 'bias'> & {
      magic: string;
      format: number;
      key: string;
      weights: number;
      bias: number;
    };
    if (h.magic !== MAGIC || h.format !== FORMAT || h.key !== key) return undefined;
    const start = 4 + hl;
    if (buf.length !== start + 4 * (h.weights + h.bias) || h.weights !== h.features.length * h.intentIds.length || h.bias !== h.intentIds.length)
      return undefined;
    // Copied out of the file's buffer: a Float32Array needs an aligned offset, and the buffer may be pooled.
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
    return {
      intentIds: h.intentIds,
      vocabulary: h.vocabulary,
      unsure: h.unsure,
      features: h.features,
      trainingSize: h.trainingSize,
      weights: floats.subarray(0, h.weights),
      bias: floats.subarray(h.weights),
    };
  } catch {
    return undefined;
  }
}
