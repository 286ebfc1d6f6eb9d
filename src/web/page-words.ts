/**
 * intents/_pages.yaml, read and validated like the other word lists (the configured content folder
 * first, else the project's): once at start-up, so that a bad file stops it with one line per problem,
 * and again by the pages' bundler whenever the file changed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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

/** Words already read, by file and its modification time (each page's set-up asks for them). */
const read = new Map<string, { mtimeMs: number; words: PageWords }>();

/** Reads and validates the pages' words (once per version of the file). Throws PageWordsError. */
export function loadPageWords(candidates = pageWordsCandidates()): PageWords {
  const file = candidates.find((f) => existsSync(f));
  const mtimeMs = file ? statSync(file).mtimeMs : -1;
  const known = file ? read.get(file) : undefined;
  if (known && known.mtimeMs === mtimeMs) return known.words;
  const words = loadContentFile(PAGE_WORDS_FILE, candidates, pageWordsSchema, (problems) => new PageWordsError(problems));
  if (file) read.set(file, { mtimeMs, words });
  return words;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A page's template (src/web/public/*.html) with its words: `{{key}}` is the HTML-escaped word,
 * `{{json}}` all of them as JSON for the page's script (with `<` escaped, so no text can close the
 * script element). A placeholder without a word is an error, so a renamed word cannot leave `{{…}}`
 * on the page.
 */
export function fillPage(template: string, words: Readonly<Record<string, unknown>>, page: string, section: keyof PageWords): string {
  const word = (k: string) => (typeof words[k] === 'string' ? words[k] : undefined);
  const missing = [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).filter((k) => k !== 'json' && word(k) === undefined);
  if (missing.length) throw new PageWordsError(missing.map((k) => `${page}: {{${k}}}: no such word in ${PAGE_WORDS_FILE} (${section})`));
  return template.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => (k === 'json' ? JSON.stringify(words).replace(/</g, '\\u003c') : escapeHtml(word(k)!)));
}

/**
 * The static-file transform of a page filled with its section's words, checked once now (a bad
 * template stops start-up instead of failing the first request).
 */
export function pageFiller(file: string, section: keyof PageWords): (body: Buffer) => Buffer {
  const words = loadPageWords()[section];
  const page = path.basename(file);
  if (existsSync(file)) fillPage(readFileSync(file, 'utf8'), words, page, section);
  return (body) => Buffer.from(fillPage(body.toString('utf8'), words, page, section));
}
