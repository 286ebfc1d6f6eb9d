/**
 * Expectations read from the content instead of written as literals: the label of the choice that
 * leads to a node, the bubbles an answer node is sent as. A test that says "the user clicked the choice
 * that leads to the reset procedure and was shown that procedure" keeps passing when an editor rewords
 * the label or the steps, and fails when the flow goes elsewhere.
 */
import { answerBubbles } from '../../src/answers/index.js';
import { loadCatalog, type Catalog } from '../../src/catalog/load.js';
import type { FlowNode } from '../../src/catalog/schema.js';

let live: Catalog | undefined;
/** The live catalog in intents/ (loaded once per test file). */
export function liveCatalog(): Catalog {
  return (live ??= loadCatalog('intents'));
}

/** The node at `intent/node`; throws naming it when the content has no such node. */
export function nodeAt(at: string, catalog = liveCatalog()): FlowNode {
  const [intent, node] = at.split('/') as [string, string];
  const found = catalog.intents.get(intent)?.nodes[node];
  if (!found) throw new Error(`the catalog has no node ${at}`);
  return found;
}

/**
 * The label of the choice at question `at` that leads to `goto` (a node of the same intent, or
 * `intent:<id>[#node]`, as written in the content).
 */
export function labelTo(at: string, goto: string, catalog = liveCatalog()): string {
  const node = nodeAt(at, catalog);
  if (node.type !== 'question') throw new Error(`${at} is not a question`);
  const choice = node.choices.find((c) => c.goto === goto);
  if (!choice) throw new Error(`no choice of ${at} leads to ${goto} (choices: ${node.choices.map((c) => c.goto).join(', ')})`);
  return choice.label;
}

/** The labels of the choices of question `at`, in order. */
export function labelsOf(at: string, catalog = liveCatalog()): string[] {
  const node = nodeAt(at, catalog);
  if (node.type !== 'question') throw new Error(`${at} is not a question`);
  return node.choices.map((c) => c.label);
}

/** Whether `text` (the replies of a turn) contains every bubble of answer `at`, as the bot renders it. */
export function showsAnswer(text: string, at: string, catalog = liveCatalog()): boolean {
  const node = nodeAt(at, catalog);
  if (node.type !== 'answer') throw new Error(`${at} is not an answer`);
  return answerBubbles(node).every((b) => text.includes(b));
}
