/** The web pages' wording is content (intents/_pages.yaml): validated, one message per problem, put into the pages. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PageWordsError, fillPage, loadPageWords } from '../src/web/page-words.js';
import { expectStartupRefused, intentsWith } from './helpers/startup.js';

const live = readFileSync('intents/_pages.yaml', 'utf8');

const withFile = (text: string) => intentsWith('_pages.yaml', text);

describe('page words', () => {
  it('the live file is valid: every word the pages read is there', () => {
    const words = loadPageWords([path.resolve('intents/_pages.yaml')]);
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
      loadPageWords([path.join(dir, '_pages.yaml')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PageWordsError);
    const problems = (err as PageWordsError).problems.sort();
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/_pages\.yaml: agent\.claim: must not be empty/);
    expect(problems.join('\n')).toMatch(/_pages\.yaml: agent\.release: /);
    expect(problems.join('\n')).toMatch(/_pages\.yaml: insights: .*extraWord/);
  });

  it('a bad file stops start-up with its message and exit code 1, no stack trace', () => {
    expectStartupRefused({ INTENTS_DIR: withFile(live.replace(/^ {2}claim: .*$/m, '  claim: ""')) }, '_pages.yaml: agent.claim: must not be empty');
  });

  it('fills the chat page: every placeholder from the file, HTML-escaped, the script words as safe JSON', () => {
    const words = loadPageWords([path.resolve('intents/_pages.yaml')]).chat;
    const page = fillPage(readFileSync('src/web/public/index.html', 'utf8'), words, 'index.html', 'chat');
    expect(page).not.toMatch(/\{\{/);
    expect(page).toContain(`<title>${words.pageTitle}</title>`);
    const hostile = { ...words, title: '<img src=x onerror=alert(1)>', connecting: '</script><script>alert(1)</script>' };
    const filled = fillPage('<h1>{{title}}</h1><script id="page-words" type="application/json">{{json}}</script>', hostile, 'x.html', 'chat');
    expect(filled).toContain('<h1>&#60;img src=x onerror=alert(1)&#62;</h1>');
    expect(filled.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(filled.slice(filled.indexOf('>', filled.indexOf('<script')) + 1, filled.lastIndexOf('</script>'))).connecting).toBe(hostile.connecting);
    expect(() => fillPage('<p>{{nope}}</p>', words, 'x.html', 'chat')).toThrow(/\{\{nope\}\}: no such word/);
  });
});
