/**
 * Where a choice, a check's answer, a follow-up or a pointer leads. The content writes targets as short
 * strings (schema.ts, `targetSchema`); code reads them only through `parseTarget`, never by slicing.
 *  - a node id of the same intent: `reset-enofa`
 *  - another intent, at its start or at a node: `intent:etax-40005`, `intent:etax-40005#kode-terpakai`
 *  - a special step: `@escalate`, `@handoff`, `@end`, `@menu`; the engine also uses `@declined` and
 *    `@fallback` in the prompts it builds itself.
 */
import { LRUCache } from 'lru-cache';
export type SpecialTarget = 'escalate' | 'handoff' | 'end' | 'menu' | 'declined' | 'fallback';

export type Target = { kind: 'special'; name: SpecialTarget } | { kind: 'intent'; intent: string; node?: string } | { kind: 'node'; node: string };

const SPECIAL = new Set<string>(['escalate', 'handoff', 'end', 'menu', 'declined', 'fallback']);
/** Targets repeat (every prompt's options); each string is parsed once (bounded: stored prompts may hold old ones). */
const parsed = new LRUCache<string, Target>({ max: 10_000 });

export function parseTarget(s: string): Target {
  const hit = parsed.get(s);
  if (hit) return hit;
  let t: Target;
  if (s.startsWith('@') && SPECIAL.has(s.slice(1))) t = { kind: 'special', name: s.slice(1) as SpecialTarget };
  else if (s.startsWith('intent:')) {
    const [intent, node] = s.slice('intent:'.length).split('#') as [string, string | undefined];
    t = node ? { kind: 'intent', intent, node } : { kind: 'intent', intent };
  } else t = { kind: 'node', node: s };
  parsed.set(s, t);
  return t;
}

export function formatTarget(t: Target): string {
  if (t.kind === 'special') return `@${t.name}`;
  if (t.kind === 'intent') return t.node ? `intent:${t.intent}#${t.node}` : `intent:${t.intent}`;
  return t.node;
}

/** A node target made absolute (`intent:<from>#<node>`), so it survives being stored in a prompt. */
export function qualifyTarget(from: string, s: string): string {
  const t = parseTarget(s);
  return t.kind === 'node' ? formatTarget({ kind: 'intent', intent: from, node: t.node }) : s;
}

/** The intent a target leads to, when it names one. */
export function targetIntent(s: string): string | undefined {
  const t = parseTarget(s);
  return t.kind === 'intent' ? t.intent : undefined;
}

/** Stays inside the intent it is written in (a node id). */
export const isLocalTarget = (s: string): boolean => parseTarget(s).kind === 'node';
