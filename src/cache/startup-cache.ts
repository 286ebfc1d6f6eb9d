/**
 * The start-up cache: files derived from the content (the checked catalog, the trained model) kept in one
 * folder (`CACHE_DIR`) under a key that hashes everything they were derived from, so a stale entry is
 * never read: changed content simply gives a key with no file yet.
 *
 * Written by hand rather than with a cache library: entries are read synchronously while the core
 * loads (before the server listens), written once with a rename so a reader never sees half a file,
 * and any problem (missing, unreadable, read-only or full disk) only means "derive it again".
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Entries kept per kind: a few, not one, because a development machine alternates between the built
 * and the source entry and the tests' fixture catalogs (each its own key); older ones are removed.
 */
const KEEP = 6;

/** A short hex key over the given parts (strings or bytes, order matters). */
export function cacheKey(...parts: Array<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}

const fingerprints = new Map<string, string | undefined>();

/**
 * A hash of the source files beside the module at `moduleUrl` (its `import.meta.url`; .ts under tsx, .js
 * when built, the bundle keeps each module's own URL): part of a key, so that entries derived by older
 * code (another schema, another feature extraction) are never read. Undefined when the folder cannot be
 * read (a deployment without it): then there is no cache, never a failed start.
 */
export function codeFingerprint(moduleUrl: string): string | undefined {
  const dir = path.dirname(fileURLToPath(moduleUrl));
  if (fingerprints.has(dir)) return fingerprints.get(dir);
  let f: string | undefined;
  try {
    const h = createHash('sha256');
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/\.(ts|js)$/.test(name) || name.endsWith('.d.ts')) continue;
      h.update(name)
        .update('\0')
        .update(fs.readFileSync(path.join(dir, name)))
        .update('\0');
    }
    f = h.digest('hex');
  } catch {
    f = undefined;
  }
  fingerprints.set(dir, f);
  return f;
}

const fileOf = (dir: string, kind: string, key: string, ext: string) => path.join(dir, `${kind}-${key}.${ext}`);

/** The entry's bytes, or undefined when there is none (or it cannot be read). */
export function readEntry(dir: string, kind: string, key: string, ext: string): Buffer | undefined {
  try {
    return fs.readFileSync(fileOf(dir, kind, key, ext));
  } catch {
    return undefined;
  }
}

/** Writes the entry atomically and prunes old ones of its kind; false when the folder is not writable. */
export function writeEntry(dir: string, kind: string, key: string, ext: string, body: Buffer | string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = fileOf(dir, kind, key, ext);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
    prune(dir, kind, ext, file);
    return true;
  } catch {
    return false;
  }
}

function prune(dir: string, kind: string, ext: string, keep: string): void {
  const pattern = new RegExp(`^${kind}-[0-9a-f]+\\.${ext}$`);
  const others = fs
    .readdirSync(dir)
    .filter((f) => pattern.test(f))
    .map((f) => path.join(dir, f))
    .filter((p) => p !== keep)
    .map((p) => ({ p, t: fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.t - a.t);
  for (const { p } of others.slice(KEEP - 1)) fs.rmSync(p, { force: true });
}
