/**
 * The masker's word lists as data (intents/_privacy.yaml, issue 20):
 *   - every keyword, phrase and code keyword of the real file masks the value after it, so the file is
 *     what the masker reads (and an editor's addition works);
 *   - a bad file gives one line per problem: file, path, what is wrong;
 *   - a server process started with a content folder whose _privacy.yaml adds a keyword masks with it,
 *     and one whose file is broken does not start and says why.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { mask, maskSecrets } from '../src/privacy/index.js';
import { PrivacyWordsError, loadPrivacyWords, parsePrivacyWords, privacyWordsCandidates, type PrivacyWords } from '../src/privacy/words-file.js';

const REAL_FILE = path.resolve('intents/_privacy.yaml');
const realText = readFileSync(REAL_FILE, 'utf8');
const real = parsePrivacyWords(realText, 'intents/_privacy.yaml');
const VALUE = 'Zq81kx7Wm';

/** The problems `parsePrivacyWords` reports for a changed copy of the real file. */
function problemsOf(change: (doc: Record<string, unknown> & PrivacyWords) => void): string[] {
  const doc = YAML.parse(realText) as Record<string, unknown> & PrivacyWords;
  change(doc);
  try {
    parsePrivacyWords(YAML.stringify(doc), 'intents/_privacy.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PrivacyWordsError);
    return (err as PrivacyWordsError).problems;
  }
  return [];
}

describe('the real file', () => {
  it('is valid and is the one the masker finds', () => {
    expect(Object.keys(real.secretKeywords).sort()).toEqual(['efin', 'otp', 'passphrase', 'password', 'pin', 'verification-code']);
    expect(loadPrivacyWords(privacyWordsCandidates({}))).toEqual(real);
  });

  it('every keyword word masks the value after it', () => {
    for (const [kind, s] of Object.entries(real.secretKeywords)) {
      for (const w of s?.words ?? []) {
        const value = kind === 'pin' || kind === 'otp' || kind === 'efin' ? '908172' : VALUE;
        for (const input of [`${w}: ${value}`, `${w} saya ${value}`, `${w}nya ${value}`]) expect(mask(input), input).not.toContain(value);
      }
    }
  });

  it('every two-word keyword masks the value after it, with any spacing', () => {
    for (const s of Object.values(real.secretKeywords)) {
      for (const p of s?.phrases ?? []) {
        for (const input of [`${p}: ${VALUE}`, `${p.replace(' ', '  ')} ${VALUE}`, `${p.toUpperCase()}nya ${VALUE}`])
          expect(mask(input), input).not.toContain(VALUE);
      }
    }
  });

  it('every slip keyword is still read with one slip, and every glued keyword glued', () => {
    for (const s of Object.values(real.secretKeywords)) {
      for (const w of s?.slips ?? []) {
        const slipped = w.slice(0, 2) + w.slice(3); // one letter dropped
        expect(mask(`${slipped}: ${VALUE}`), slipped).not.toContain(VALUE);
      }
      for (const w of s?.glued ?? []) expect(mask(`${w}saya ${VALUE}`), w).not.toContain(VALUE);
    }
  });

  it('every code keyword masks a lower-case code after it', () => {
    for (const k of real.codeKeywords) {
      expect(maskSecrets(`${k} 2399bdaa77`).found, k).toEqual(['activation-code']);
    }
  });

  it('public numbers stay readable, ordinary words after a keyword stay readable', () => {
    for (const n of real.publicNumbers.filter((x) => x.startsWith('0'))) expect(mask(`telp ${n}`)).toBe(`telp ${n}`);
    for (const w of ['salah', 'lupa', 'terus']) expect(real.words.stop).toContain(w);
    expect(mask('password salah terus')).toBe('password salah terus');
  });
});

describe('a bad file', () => {
  it('names the file, the path and what is wrong, one line per problem', () => {
    const problems = problemsOf((d) => {
      d.words.stop.push('Lupa', 'salah');
      d.secretKeywords.pin!.slips = ['pin'];
      d.secretKeywords.password!.glued.push('pass');
      d.secretKeywords.otp!.words.push('pw');
      d.secretKeywords.password!.phrases.push('katasandi');
      d.publicNumbers.push('+62 21 1500200');
      (d as Record<string, unknown>)['notKeywords'] = 'passed';
      delete (d.words as Partial<PrivacyWords['words']>).control;
      (d.words as Record<string, unknown>)['stopp'] = ['x'];
      (d.secretKeywords as Record<string, unknown>)['paspor'] = { words: ['paspor'] };
    });
    const n = (list: string[]) => list.length;
    const stop = n(YAML.parse(realText).words.stop);
    const glued = n(real.secretKeywords.password!.glued);
    const otpWords = n(real.secretKeywords.otp!.words);
    const phrases = n(real.secretKeywords.password!.phrases);
    const numbers = n(real.publicNumbers);
    expect(problems.sort()).toEqual(
      [
        `intents/_privacy.yaml: words.stop[${stop}]: must be one lower-case word (letters, digits, inner dashes)`,
        `intents/_privacy.yaml: words.stop[${stop + 1}]: "salah" is listed twice`,
        'intents/_privacy.yaml: secretKeywords.pin.slips[0]: must have 6 letters or more: one slip from a shorter word is an ordinary word',
        `intents/_privacy.yaml: secretKeywords.password.glued[${glued}]: must have 8 letters or more: a shorter one is found inside ordinary words`,
        `intents/_privacy.yaml: secretKeywords.otp.words[${otpWords}]: "pw" is already a keyword of password`,
        `intents/_privacy.yaml: secretKeywords.password.phrases[${phrases}]: must be two or more lower-case words of letters, one space apart`,
        `intents/_privacy.yaml: publicNumbers[${numbers}]: must be 7 to 15 digits, without spaces or "+"`,
        'intents/_privacy.yaml: words.control: missing: the list is required (an empty one is [])',
        'intents/_privacy.yaml: words: Unrecognized key: "stopp"',
        'intents/_privacy.yaml: notKeywords: must be a list: [word, word, …]',
        'intents/_privacy.yaml: secretKeywords: Unrecognized key: "paspor"',
      ].sort(),
    );
  });

  it('reports a YAML syntax error with its line, and a missing file with where it looked', () => {
    expect(() => parsePrivacyWords('words:\n  stop: [lupa\n', 'intents/_privacy.yaml')).toThrow(/intents\/_privacy\.yaml: line \d+: /);
    expect(() => loadPrivacyWords(['/nowhere/_privacy.yaml'])).toThrow(/_privacy\.yaml: missing: looked in \/nowhere\/_privacy\.yaml/);
  });
});

describe('a content folder with its own lists (a real process)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const run = promisify(execFile);
  /** Masks `input` in a fresh Node process whose INTENTS_DIR holds the given _privacy.yaml. */
  const maskIn = async (privacyYaml: string, input: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'privacy-words-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, '_privacy.yaml'), privacyYaml);
    copyFileSync('intents/_lexicon.yaml', path.join(dir, '_lexicon.yaml'));
    const script = `import { mask } from ${JSON.stringify(path.resolve('src/privacy/index.ts'))}; console.log(mask(${JSON.stringify(input)}));`;
    return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, INTENTS_DIR: dir } });
  };

  it('masks with a keyword added to the file, and refuses to start with a broken one', async () => {
    const input = `paspor: ${VALUE}`;
    expect(mask(input)).toBe(input); // "paspor" is no keyword in the project's file
    const doc = YAML.parse(realText) as PrivacyWords;
    doc.secretKeywords.password!.words.push('paspor');
    const added = await maskIn(YAML.stringify(doc), input);
    expect(added.stdout.trim()).toBe('paspor: [RAHASIA]');

    doc.words.stop.push('Paspor');
    const broken = await maskIn(YAML.stringify(doc), input).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(broken).toMatch(
      /The masking word lists are invalid \(1 problem\):\n {2}- privacy-words-\w+\/_privacy\.yaml: words\.stop\[\d+\]: must be one lower-case word/,
    );
  }, 60_000);
});
