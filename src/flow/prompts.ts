/**
 * What the catalog says about prompts and the bot's own answers, read for the flow engine: the words a
 * prompt is asked with, the open question's own words, the follow-up topic's options, where a request
 * for a person goes, and the out-of-scope pointer a message names. Plain functions over the catalog.
 */
import type { Catalog } from '../catalog/load.js';
import type { Normaliser } from '../nlu/normalise.js';
import { normalisePhrase, type Option } from './options.js';
import type { Prompt } from './state.js';

/** Tokens of the open question's own text (they tell no option apart). */
export function questionTokens(catalog: Catalog, normaliser: Normaliser, prompt: Prompt | undefined): Set<string> | undefined {
  if (prompt?.kind !== 'question' || !prompt.intent || !prompt.node) return undefined;
  const node = catalog.intents.get(prompt.intent)?.nodes[prompt.node];
  return node?.type === 'question' ? new Set(normalisePhrase(normaliser, node.text).tokens) : undefined;
}

/** The options of the follow-up topic's first question (see decide.ts, step 7). */
export function asideOptions(catalog: Catalog, asideIntent: string): Option[] {
  const intent = catalog.intents.get(asideIntent);
  const node = intent?.start ? intent.nodes[intent.start] : undefined;
  return node?.type === 'question' ? node.choices.map((ch) => ({ label: ch.label, synonyms: ch.synonyms, goto: ch.goto })) : [];
}

/**
 * At a check, the options of the checked topic's first question that lead elsewhere than the answer just
 * given (a question naming one asks about another part of the same topic: decide.ts, step 7).
 */
export function topicOptions(catalog: Catalog, prompt: Prompt | undefined): Option[] {
  if (prompt?.kind !== 'check' || !prompt.intent) return [];
  const intent = catalog.intents.get(prompt.intent);
  const node = intent?.start ? intent.nodes[intent.start] : undefined;
  if (node?.type !== 'question') return [];
  return (
    node.choices
      // Its own nodes only: another topic's or a hand-off is not "another part of the same topic".
      .filter((ch) => !ch.goto.startsWith('intent:') && !ch.goto.startsWith('@') && ch.goto !== prompt.node)
      .map((ch) => ({ label: ch.label, synonyms: ch.synonyms, goto: ch.goto }))
  );
}

/** The out-of-scope pointer a message names, else the general one when it looks like a tax question. */
export function pointerFor(
  catalog: Catalog,
  normaliser: Normaliser,
  text: string,
): { text: string; general?: boolean; goto?: undefined } | { goto: string; text?: undefined; general?: undefined } | undefined {
  const said = ` ${normaliser.normalise(text).text} `;
  const o = catalog.bot.outOfScope;
  const p = o.pointers.find((x) => x.says.some((s) => said.includes(` ${normalisePhrase(normaliser, s).text} `)));
  if (p?.goto) return { goto: p.goto };
  if (p?.text) return { text: p.text };
  return /\b(pajak|ppn|pph|spt|npwp|coretax|djp|faktur)\b/.test(said) ? { text: o.general, general: true } : undefined;
}

/** Where an explicit request for a person goes: the person topic's hand-off node (its first one). */
export function personTarget(catalog: Catalog, personIntent: string): string {
  const intent = catalog.intents.get(personIntent);
  const node = intent && Object.entries(intent.nodes).find(([, n]) => n.type === 'handoff')?.[0];
  return node ? `intent:${personIntent}#${node}` : '@handoff';
}

/** The words a prompt is asked with. */
export function promptText(catalog: Catalog, prompt: Prompt): string {
  const m = catalog.bot.messages;
  if ((prompt.kind === 'question' || prompt.kind === 'menu') && prompt.intent && prompt.node) {
    const node = catalog.intents.get(prompt.intent)?.nodes[prompt.node];
    if (node?.type === 'question') return node.text;
  }
  if (prompt.kind === 'check') return m.checkQuestion;
  if (prompt.kind === 'confirm') return m.escalateConfirm;
  if (prompt.kind === 'did-you-mean') return prompt.options.length === 2 ? m.didYouMeanOne : m.didYouMean;
  return prompt.kind === 'fallback' ? m.fallback : m.menuPrompt;
}
