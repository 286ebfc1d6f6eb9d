/** The turn decision's word lists are content (intents/_reading.yaml): validated, one message per problem. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReading, ReadingWordsError } from '../src/flow/reading.js';
import { readYesNo } from '../src/flow/yes-no.js';
import { expectStartupRefused, intentsWith } from './helpers/startup.js';

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
    const dir = intentsWith('_reading.yaml', live.replace('  contrast: [', '  contrast: [Tapi, '));
    expectStartupRefused({ INTENTS_DIR: dir }, '_reading.yaml: yesNo.contrast[0]: must be one lower-case word');
  });
});
