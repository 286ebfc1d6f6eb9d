/** The turn decision's word lists are content (intents/_reading.yaml): validated, one message per problem. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReading, ReadingWordsError } from '../src/flow/reading.js';
import { readYesNo } from '../src/flow/yes-no.js';

const live = readFileSync('intents/_reading.yaml', 'utf8');

describe('reading word lists', () => {
  it('the live file is valid and is what the yes/no reader uses', () => {
    const words = parseReading(live, 'intents/_reading.yaml');
    expect(words.yesNo.yesWords).toContain('sudah');
    expect(words.options.ordinals['kedua']).toBe(2);
    expect(readYesNo([['sudah', 'bisa']])).toBe('yes');
    expect(readYesNo([['belum', 'bisa']])).toBe('no');
  });

  it('a bad file is refused with the file, the path and what is wrong, one line per problem', () => {
    const bad = live.replace('  contrast: [', '  contrast: [Tapi, ').replace('  shortNo: [', '  shortNo: [masih, ');
    let err: unknown;
    try {
      parseReading(bad, 'intents/_reading.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReadingWordsError);
    const problems = (err as ReadingWordsError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^intents\/_reading\.yaml: yesNo\.contrast\[0\]: must be one lower-case word/);
    expect(problems[1]).toMatch(/^intents\/_reading\.yaml: yesNo\.shortNo\[\d+\]: "masih" is listed twice/);
  });

  it('a bad file stops start-up with its message and exit code 1, no stack trace', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reading-'));
    cpSync('intents', dir, { recursive: true });
    writeFileSync(path.join(dir, '_reading.yaml'), live.replace('  contrast: [', '  contrast: [Tapi, '));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      env: { ...process.env, INTENTS_DIR: dir, PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('_reading.yaml: yesNo.contrast[0]: must be one lower-case word');
    expect(r.stderr).not.toMatch(/\bat \S+ \(/);
  });
});
