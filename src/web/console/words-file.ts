/**
 * intents/_console.yaml, read and validated like the other word lists (the configured content folder
 * first, else the project's): once at start-up, so that a bad file stops it with one line per problem,
 * and again by the pages' bundler whenever the file changed.
 */
import { contentFileCandidates, loadContentFile } from '../../catalog/content-file.js';
import { consoleWordsSchema, type ConsoleWords } from '../../catalog/console-words.js';

export const CONSOLE_WORDS_FILE = '_console.yaml';

export class ConsoleWordsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConsoleWordsError';
  }
}

/** The file the words are read from (the first candidate that exists). */
export function consoleWordsCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return contentFileCandidates(CONSOLE_WORDS_FILE, env);
}

/** Reads and validates the console's words. Throws ConsoleWordsError. */
export function loadConsoleWords(candidates = consoleWordsCandidates()): ConsoleWords {
  return loadContentFile(CONSOLE_WORDS_FILE, candidates, consoleWordsSchema, (problems) => new ConsoleWordsError(problems));
}
