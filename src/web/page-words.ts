/**
 * intents/_pages.yaml, read and validated like the other word lists (the configured content folder
 * first, else the project's): once at start-up, so that a bad file stops it with one line per problem,
 * and again by the pages' bundler whenever the file changed.
 */
import { contentFileCandidates, loadContentFile } from '../catalog/content-file.js';
import { pageWordsSchema, type PageWords } from '../catalog/page-words.js';

export const PAGE_WORDS_FILE = '_pages.yaml';

export class PageWordsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PageWordsError';
  }
}

/** The file the words are read from (the first candidate that exists). */
export function pageWordsCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return contentFileCandidates(PAGE_WORDS_FILE, env);
}

/** Reads and validates the console's words. Throws PageWordsError. */
export function loadPageWords(candidates = pageWordsCandidates()): PageWords {
  return loadContentFile(PAGE_WORDS_FILE, candidates, pageWordsSchema, (problems) => new PageWordsError(problems));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The chat page's template (src/web/public/index.html) with its words: `{{key}}` is the HTML-escaped
 * word, `{{json}}` all of them as JSON for the page's script (with `<` escaped, so no text can close
 * the script element). A placeholder without a word is an error, so a renamed word cannot leave
 * `{{…}}` on the page.
 */
export function fillChatPage(template: string, words: PageWords['chat']): string {
  const table: Record<string, string> = words;
  const missing = [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).filter((k) => k !== 'json' && table[k] === undefined);
  if (missing.length) throw new PageWordsError(missing.map((k) => `index.html: {{${k}}}: no such word in ${PAGE_WORDS_FILE} (chat)`));
  return template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => (k === 'json' ? JSON.stringify(words).replace(/</g, '\\u003c') : escapeHtml(table[k]!)));
}
