/** What the canned-answer tests share: the live core's answer index, its answer nodes, and card readers. */
import path from 'node:path';
import type { AnswerHit, CannedAnswer } from '../../src/answers/index.js';
import type { AnswerNode } from '../../src/catalog/schema.js';
import { loadCore, type Core } from '../../src/core.js';

export const INTENTS = path.resolve('intents');
export const core: Core = loadCore(INTENTS);
export const index = core.answers;

/** Every answer node of the catalog, with its expected id. */
export const answerNodes: Array<{ id: string; intent: string; node: AnswerNode }> = [];
for (const intent of core.catalog.intents.values()) {
  for (const [nodeId, node] of Object.entries(intent.nodes)) {
    if (node.type === 'answer') answerNodes.push({ id: `${intent.id}/${nodeId}`, intent: intent.id, node });
  }
}

export function mustGet(idOrCode: string): CannedAnswer {
  const a = index.get(idOrCode);
  if (!a) throw new Error(`no canned answer "${idOrCode}"`);
  return a;
}

export const codes = (hits: AnswerHit[]) => hits.map((h) => h.answer.code);

/** Every element of an Adaptive Card body, containers included. */
export function cardElements(elements: unknown[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const e of elements) {
    const el = e as Record<string, unknown>;
    out.push(el);
    if (Array.isArray(el.columns)) out.push(...cardElements(el.columns as unknown[]));
    if (Array.isArray(el.items)) out.push(...cardElements(el.items as unknown[]));
  }
  return out;
}

/** The texts of a card's TextBlocks in document order. */
export function cardTexts(card: Record<string, unknown>): string[] {
  return cardElements(card.body as unknown[])
    .filter((e) => e.type === 'TextBlock')
    .map((e) => String(e.text));
}
