/** The consoles' wording is content (intents/_console.yaml): validated, one message per problem, built into the pages. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleWordsError, loadConsoleWords } from '../src/web/console/words-file.js';

const live = readFileSync('intents/_console.yaml', 'utf8');

function withFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'console-words-'));
  cpSync('intents', dir, { recursive: true });
  writeFileSync(path.join(dir, '_console.yaml'), text);
  return dir;
}

describe('console words', () => {
  it('the live file is valid: every word the pages read is there', () => {
    const words = loadConsoleWords([path.resolve('intents/_console.yaml')]);
    expect(words.agent.claim).toBe('Ambil');
    expect(words.insights.title).toBeTruthy();
  });

  it('a bad file is refused with the file, the path and what is wrong, one line per problem', () => {
    const dir = withFile(
      live
        .replace(/^ {2}claim: .*$/m, '  claim: ""')
        .replace(/^ {2}release: .*\n/m, '')
        .replace('insights:\n', 'insights:\n  extraWord: "x"\n'),
    );
    let err: unknown;
    try {
      loadConsoleWords([path.join(dir, '_console.yaml')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConsoleWordsError);
    const problems = (err as ConsoleWordsError).problems.sort();
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/_console\.yaml: agent\.claim: must not be empty/);
    expect(problems.join('\n')).toMatch(/_console\.yaml: agent\.release: /);
    expect(problems.join('\n')).toMatch(/_console\.yaml: insights: .*extraWord/);
  });

  it('a bad file stops start-up with its message and exit code 1, no stack trace', () => {
    const dir = withFile(live.replace(/^ {2}claim: .*$/m, '  claim: ""'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      env: { ...process.env, INTENTS_DIR: dir, PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('_console.yaml: agent.claim: must not be empty');
    expect(r.stderr).not.toMatch(/\bat \S+ \(/);
  });
});
