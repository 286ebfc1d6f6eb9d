/**
 * Reading a content file (YAML written by helpdesk editors) the same way everywhere: YAML errors by
 * line, schema problems as "file: path: what is wrong", one line per problem. The catalog's files go
 * through here, and so do the word lists other modules read on their own (intents/_privacy.yaml,
 * intents/_reading.yaml): those are read when their module is first imported, before any catalog.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';

export function formatPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';
}

export function zodProblems(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${formatPath(i.path)}: ${i.message}`);
}

/** The YAML as plain data, or undefined with its syntax errors added to `problems`. */
export function parseYaml(file: string, text: string, problems: string[]): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push(`${file}: line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS();
}

/** Parses and validates a content file's text; `fail` turns the problems into the caller's error. */
export function parseContentFile<T>(text: string, file: string, schema: z.ZodType<T>, fail: (problems: string[]) => Error): T {
  const problems: string[] = [];
  const raw = parseYaml(file, text, problems);
  if (problems.length) throw fail(problems);
  const r = schema.safeParse(raw);
  if (!r.success) throw fail(zodProblems(file, r.error));
  return r.data;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where a word-list file is looked for, in order: the configured content folder (`INTENTS_DIR`, read
 * directly because these modules load before the configuration), then the project's intents/ seen from
 * here (tsx: src/catalog; the build: dist/src/catalog), then the working directory's. A deployment with
 * its own content folder may bring its own lists; one without them (a test's fixture catalog) uses the
 * project's.
 */
export function contentFileCandidates(name: string, env: Record<string, string | undefined> = process.env): string[] {
  const configured = env['INTENTS_DIR']?.trim();
  return [
    ...(configured ? [path.resolve(configured, name)] : []),
    path.resolve(here, '../../intents', name),
    path.resolve(here, '../../../intents', name),
    path.resolve('intents', name),
  ];
}

/** Reads and validates the first candidate that exists; a missing file is a problem too. */
export function loadContentFile<T>(name: string, candidates: string[], schema: z.ZodType<T>, fail: (problems: string[]) => Error): T {
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw fail([`${name}: missing: looked in ${candidates.join(', ')}`]);
  return parseContentFile(readFileSync(file, 'utf8'), path.join(path.basename(path.dirname(file)), path.basename(file)), schema, fail);
}
