/** What the storage tests share: temporary folders removed after the file, and the eTag-conflict expectation. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { isStoreConflict } from '../../src/storage/index.js';

/** Returns a maker of temporary folders; every folder it made is removed after the tests of the file. */
export function useTempDirs(prefix = 'bot-storage-test-'): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Expects `promise` to reject with an eTag conflict. */
export async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the write should have been rejected').toBeInstanceOf(Error);
  expect(isStoreConflict(err), `not a conflict: ${String(err)}`).toBe(true);
}
