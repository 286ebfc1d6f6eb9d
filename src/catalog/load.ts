/**
 * Loads and validates the content in `intents/`: every file against its zod schema, then the
 * conversation graphs (unknown targets, unreachable nodes, loops without an exit, duplicate short
 * codes). Any problem stops start-up with one line per problem: file, path, what is wrong.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cacheKey, codeFingerprint, readEntry, writeEntry } from '../cache/startup-cache.js';
import { parseYaml, zodProblems } from './content-file.js';
import { isLocalTarget, parseTarget } from './targets.js';
import { botContentSchema, intentSchema, lexiconSchema, type BotContent, type FlowNode, type Intent, type Lexicon, type Target } from './schema.js';

/** Intent ids other tools rely on; the catalog must define all of them. */
export const REQUIRED_INTENTS = [
  'reset-aplikasi',
  'lupa-password',
  'etax-40005',
  'pindah-kpp',
  'aktivasi-efaktur',
  'kode-aktivasi',
  'update-efaktur',
  'login-web-efaktur',
  'npwp-tidak-muncul',
  'gagal-login-web',
  'sertifikat-elektronik',
  'hubungi-petugas',
  'sapaan',
  'terima-kasih',
  'pertanyaan-lanjutan',
  'none',
] as const;

export const NONE_INTENT = 'none';

export interface Catalog {
  /** Intents by id, in file-name order. */
  intents: Map<string, Intent>;
  bot: BotContent;
  lexicon: Lexicon;
  /** Intents shown in the topic menu, in menu order. */
  menu: Intent[];
  /** The file each intent came from (for editors' tools). */
  files: Map<string, string>;
}

export class CatalogError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The content in intents/ is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/**
 * Targets a node can lead to, with the path of the field that holds each. `followUps` are optional
 * side paths (what a later message may mean): checked as targets, never an answer's way out.
 */
export function nodeTargets(node: FlowNode, withFollowUps = true): Array<{ where: string; target: Target }> {
  switch (node.type) {
    case 'question':
      return node.choices.map((c, i) => ({ where: `choices[${i}].goto`, target: c.goto }));
    case 'answer': {
      const follow = withFollowUps ? node.followUps.map((f, i) => ({ where: `followUps[${i}].goto`, target: f.goto })) : [];
      if (node.next) return [{ where: 'next', target: node.next }, ...follow];
      if (!node.check) return follow;
      return [{ where: 'onSolved', target: node.onSolved }, { where: 'onUnsolved', target: node.onUnsolved }, ...follow];
    }
    case 'handoff':
      return [];
  }
}

function validateGraph(file: string, intent: Intent, all: Map<string, Intent>, problems: string[], invalid: Set<string>): void {
  const nodes = intent.nodes;
  const ids = Object.keys(nodes);
  if (!intent.start) {
    if (ids.length) problems.push(`${file}: start: required when the intent has nodes`);
    return;
  }
  if (!nodes[intent.start]) {
    problems.push(`${file}: start: unknown node "${intent.start}"`);
    return;
  }
  for (const [id, node] of Object.entries(nodes)) {
    for (const { where, target: raw } of nodeTargets(node)) {
      const target = parseTarget(raw);
      if (target.kind === 'special') continue;
      if (target.kind === 'intent') {
        const { intent: otherId, node: otherNode } = target;
        const other = all.get(otherId);
        if (!other && invalid.has(otherId)) continue; // already reported in its own file
        if (!other) problems.push(`${file}: nodes.${id}.${where}: unknown intent "${otherId}"`);
        else if (!other.start) problems.push(`${file}: nodes.${id}.${where}: intent "${other.id}" has no conversation to go to`);
        else if (otherNode && !other.nodes[otherNode]) problems.push(`${file}: nodes.${id}.${where}: intent "${other.id}" has no node "${otherNode}"`);
        continue;
      }
      if (!nodes[target.node]) problems.push(`${file}: nodes.${id}.${where}: unknown node "${target.node}"`);
    }
  }
  // Reachability from the start node.
  const reached = new Set<string>([intent.start]);
  const queue = [intent.start];
  while (queue.length) {
    const node = nodes[queue.shift()!];
    if (!node) continue;
    for (const { target } of nodeTargets(node)) {
      if (isLocalTarget(target) && nodes[target] && !reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  for (const id of ids) if (!reached.has(id)) problems.push(`${file}: nodes.${id}: unreachable from start node "${intent.start}"`);

  // Every node must be able to reach an exit (a terminal, another intent, or an answer that ends the flow).
  const canExit = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, node] of Object.entries(nodes)) {
      if (canExit.has(id)) continue;
      const targets = nodeTargets(node, false);
      const exits = targets.length === 0 || targets.some(({ target }) => !isLocalTarget(target) || canExit.has(target));
      if (exits) {
        canExit.add(id);
        changed = true;
      }
    }
  }
  for (const id of ids)
    if (reached.has(id) && !canExit.has(id))
      problems.push(`${file}: nodes.${id}: part of a loop without an exit (no path to an end, a person or another topic)`);

  // "next" chains run without user input, so a cycle through "next" alone would never stop.
  for (const id of ids) {
    const seen = new Set<string>();
    let cur: string | undefined = id;
    while (cur && nodes[cur]?.type === 'answer') {
      if (seen.has(cur)) {
        problems.push(`${file}: nodes.${id}.next: "next" links form a cycle (${[...seen].join(' -> ')})`);
        break;
      }
      seen.add(cur);
      const n: FlowNode | undefined = nodes[cur];
      const next: string | undefined = n?.type === 'answer' ? n.next : undefined;
      cur = next && isLocalTarget(next) ? next : undefined;
    }
  }
}

export interface LoadOptions {
  /** Skip the fixed-intent check (used by fixtures that test a tiny catalog). */
  requireFixedIntents?: boolean;
  /**
   * The start-up cache folder (src/cache/startup-cache.ts): a catalog that passed every check is kept
   * there under a key over the files' names and text and this folder's code, and read instead of
   * parsing and checking the same files again (~0.2 s). Content that changed by one byte is checked in
   * full, so a bad file still stops start-up with its problems. Absent: always parse.
   */
  cacheDir?: string;
}

/** Loads `dir`; throws CatalogError listing every problem found. */
export function loadCatalog(dir: string, options: LoadOptions = {}): Catalog {
  let files: string[];
  let texts: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/i.test(f))
      .sort();
    texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8'));
  } catch (err) {
    throw new CatalogError([`${dir}: cannot read the folder (${(err as Error).message})`]);
  }
  const code = options.cacheDir ? codeFingerprint(import.meta.url) : undefined;
  const key = code
    ? cacheKey(CACHE_KIND, code, path.basename(dir), String(options.requireFixedIntents !== false), ...files.flatMap((f, i) => [f, texts[i]!]))
    : undefined;
  const cached = key ? readCachedCatalog(options.cacheDir!, key) : undefined;
  if (cached) return cached;
  const catalog = checkCatalog(dir, files, texts, options);
  if (key)
    writeEntry(
      options.cacheDir!,
      CACHE_KIND,
      key,
      'json',
      // The menu is rebuilt from the intents when read (it holds the intents themselves).
      JSON.stringify({ ...catalog, menu: [] }, (_k, v: unknown) => (v instanceof Map ? { $map: [...v] } : v)),
    );
  return catalog;
}

const CACHE_KIND = 'catalog';

const menuOf = (intents: Map<string, Intent>) => [...intents.values()].filter((i) => i.menu && i.start).sort((a, b) => a.menuOrder - b.menuOrder);

/** Maps are kept as { $map: entries } (no content field is named so: the schemas are strict). */
function readCachedCatalog(dir: string, key: string): Catalog | undefined {
  const buf = readEntry(dir, CACHE_KIND, key, 'json');
  if (!buf) return undefined;
  try {
    const c = JSON.parse(buf.toString('utf8'), (_k, v: unknown) =>
      v && typeof v === 'object' && '$map' in v ? new Map((v as { $map: [string, unknown][] }).$map) : v,
    ) as Catalog;
    // The menu holds the intents themselves, not copies.
    return { ...c, menu: menuOf(c.intents) };
  } catch {
    return undefined;
  }
}

/** Parses and checks the files (their names and text, in order). */
function checkCatalog(dir: string, files: string[], texts: string[], options: LoadOptions): Catalog {
  const problems: string[] = [];
  const rel = (f: string) => path.join(path.basename(dir), f);
  const intents = new Map<string, Intent>();
  const fileOf = new Map<string, string>();
  /** Files that exist but failed validation: no extra "missing" line for them. */
  const invalidIds = new Set<string>();
  let bot: BotContent | undefined;
  let lexicon: Lexicon = {
    phrases: {},
    words: {},
    keep: [],
    notThisCode: [],
    notOnly: [],
    errorTexts: {},
    frames: { openings: [], closings: [], share: 0, except: [] },
  };

  for (const [i, f] of files.entries()) {
    const file = rel(f);
    const raw = parseYaml(file, texts[i]!, problems);
    if (raw === undefined) {
      invalidIds.add(f.replace(/\.(ya?ml|json)$/i, ''));
      continue;
    }
    if (f.startsWith('_')) {
      if (/^_bot\.(ya?ml|json)$/.test(f)) {
        const r = botContentSchema.safeParse(raw);
        if (r.success) bot = r.data;
        else problems.push(...zodProblems(file, r.error));
      } else if (/^_lexicon\.(ya?ml|json)$/.test(f)) {
        const r = lexiconSchema.safeParse(raw);
        if (r.success) lexicon = r.data;
        else problems.push(...zodProblems(file, r.error));
      }
      continue;
    }
    const r = intentSchema.safeParse(raw);
    if (!r.success) {
      problems.push(...zodProblems(file, r.error));
      invalidIds.add(f.replace(/\.(ya?ml|json)$/i, ''));
      continue;
    }
    const intent = r.data;
    const expectedId = f.replace(/\.(ya?ml|json)$/i, '');
    if (intent.id !== expectedId) problems.push(`${file}: id: "${intent.id}" must match the file name ("${expectedId}")`);
    if (intents.has(intent.id)) problems.push(`${file}: id: "${intent.id}" is already defined in ${fileOf.get(intent.id)}`);
    intent.patterns.forEach((p, i) => {
      try {
        new RegExp(p, 'u');
      } catch (err) {
        problems.push(`${file}: patterns[${i}]: not a valid regular expression (${(err as Error).message})`);
      }
    });
    intents.set(intent.id, intent);
    fileOf.set(intent.id, file);
  }

  if (!bot) problems.push(`${rel('_bot.yaml')}: missing: the bot's wording and contacts are required`);
  if (options.requireFixedIntents !== false) {
    for (const id of REQUIRED_INTENTS) if (!intents.has(id) && !invalidIds.has(id)) problems.push(`${rel(`${id}.yaml`)}: missing: intent "${id}" is required`);
  }

  // Graphs, short codes and examples across intents.
  const codes = new Map<string, string>();
  const examples = new Map<string, string>();
  for (const intent of intents.values()) {
    const file = fileOf.get(intent.id)!;
    validateGraph(file, intent, intents, problems, invalidIds);
    for (const [nodeId, node] of Object.entries(intent.nodes)) {
      if (node.type !== 'answer') continue;
      const prev = codes.get(node.code);
      if (prev) problems.push(`${file}: nodes.${nodeId}.code: short code "${node.code}" is already used by ${prev}`);
      else codes.set(node.code, `${file} (nodes.${nodeId})`);
    }
    intent.examples.forEach((ex, i) => {
      const key = ex.trim().toLowerCase().replace(/\s+/g, ' ');
      const prev = examples.get(key);
      if (prev && prev !== intent.id) problems.push(`${file}: examples[${i}]: "${ex}" is also an example of "${prev}"`);
      else examples.set(key, intent.id);
    });
  }

  // Every role names an intent of this catalog (fixtures that test a tiny catalog skip it).
  if (bot && options.requireFixedIntents !== false) {
    for (const [role, id] of Object.entries(bot.roles)) {
      if (!intents.has(id) && !invalidIds.has(id)) problems.push(`${rel('_bot.yaml')}: roles.${role}: unknown intent "${id}"`);
    }
  }

  lexicon.frames.except.forEach((id, i) => {
    if (options.requireFixedIntents !== false && !intents.has(id) && !invalidIds.has(id))
      problems.push(`${rel('_lexicon.yaml')}: frames.except[${i}]: unknown intent "${id}"`);
  });

  // A pointer that names a topic of this bot must name one that exists.
  bot?.outOfScope.pointers.forEach((p, i) => {
    if (!p.goto) return;
    const where = `${rel('_bot.yaml')}: outOfScope.pointers[${i}].goto`;
    const m = /^intent:([^#]+)(?:#(.+))?$/.exec(p.goto);
    const other = m ? intents.get(m[1]!) : undefined;
    if (!m) problems.push(`${where}: must name a topic ("intent:<id>" or "intent:<id>#<node>"), not "${p.goto}"`);
    else if (!other) problems.push(`${where}: unknown intent "${m[1]}"`);
    else if (!other.start) problems.push(`${where}: intent "${other.id}" has no conversation to go to`);
    else if (m[2] && !other.nodes[m[2]]) problems.push(`${where}: intent "${other.id}" has no node "${m[2]}"`);
  });

  if (problems.length) throw new CatalogError(problems);
  return { intents, bot: bot!, lexicon, menu: menuOf(intents), files: fileOf };
}
