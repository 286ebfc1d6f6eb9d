/**
 * Start-up refusals as `npm start` shows them: the entry point run with the given environment must
 * exit 1 with the given line on stderr and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export function expectStartupRefused(env: Record<string, string>, line: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], { env: { ...process.env, PORT: '0', ...env }, encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(line);
  expect(r.stderr).not.toMatch(/\bat \S+ \(/); // no stack trace
}

/** A copy of intents/ with one file replaced (for INTENTS_DIR). */
export function intentsWith(file: string, text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intents-'));
  cpSync('intents', dir, { recursive: true });
  writeFileSync(path.join(dir, file), text);
  return dir;
}
