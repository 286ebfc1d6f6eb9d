/** Loading the content for command-line tools: a bad catalog prints its problems (no stack) and exits 1. */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CatalogError } from '../catalog/load.js';
import { loadCore, type Core } from '../core.js';

export function loadCoreForCli(dir = process.env.INTENTS_DIR ?? 'intents'): Core {
  try {
    return loadCore(path.resolve(dir));
  } catch (err) {
    if (err instanceof CatalogError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** `node:util` `parseArgs` for the command-line tools: a wrong flag prints one line and exits 2 (no stack). */
export function cliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
