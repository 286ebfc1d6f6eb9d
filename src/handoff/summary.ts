/**
 * The one-paragraph summary an agent reads first, and the copy-ready text the user can paste when
 * calling Kring Pajak. Built from the flow state with the wording of `_bot.yaml: summary`; every piece
 * of user text is masked.
 */
import type { Catalog } from '../catalog/load.js';
import type { FlowState, HandoffTrigger } from '../flow/engine.js';
import { fill } from '../catalog/fill.js';
import { mask } from '../privacy/index.js';

export function formatCode(code: string): string {
  const m = code.match(/^etax(service|api)?(\d{5})$/);
  if (!m) return code.toUpperCase();
  return m[1] ? `ETAX${m[1].toUpperCase()}-${m[2]}` : `ETAX-${m[2]}`;
}

/**
 * Titles of the procedures shown ("Reset aplikasi e-Faktur desktop"), deduplicated, in order. Answers
 * to questions asked in passing (where a menu is, the Coretax rules) were not steps the user tried.
 */
export function stepsTried(catalog: Catalog, path: string[]): string[] {
  const out: string[] = [];
  for (const p of path) {
    const [intentId, nodeId] = p.split('/');
    const intent = catalog.intents.get(intentId ?? '');
    if (!intent || intent.id === catalog.bot.roles.aside || intent.scope) continue;
    const node = intent.nodes[nodeId ?? ''];
    if (node?.type === 'answer' && !out.includes(node.title)) out.push(node.title);
  }
  return out;
}

export function buildSummary(catalog: Catalog, state: FlowState, trigger: HandoffTrigger, topicIntent?: string): string {
  const w = catalog.bot.summary;
  const topic = topicIntent ? catalog.intents.get(topicIntent)?.title : undefined;
  const parts: string[] = [w.triggers[trigger]];
  if (topic) parts.push(fill(w.topic, { topic }));
  const steps = stepsTried(catalog, state.path);
  parts.push(steps.length ? fill(w.stepsGiven, { steps: steps.join('; ') }) : w.noSteps);
  if (state.choices.length) parts.push(fill(w.choices, { choices: state.choices.slice(-6).join('; ') }));
  if (state.codes.length) parts.push(fill(w.codes, { codes: state.codes.map(formatCode).join(', ') }));
  if (state.lastQuestion) parts.push(fill(w.lastQuestion, { question: mask(state.lastQuestion).slice(0, 300) }));
  return parts.join(' ');
}

/** The text the user can copy and paste when contacting Kring Pajak. */
export function copyReadySummary(catalog: Catalog, state: FlowState, ref: string, topicIntent?: string): string {
  const w = catalog.bot.summary.copy;
  const topic = topicIntent ? catalog.intents.get(topicIntent)?.title : undefined;
  const lines = [fill(w.ref, { ref })];
  if (topic) lines.push(fill(w.topic, { topic }));
  if (state.codes.length) lines.push(fill(w.codes, { codes: state.codes.map(formatCode).join(', ') }));
  const steps = stepsTried(catalog, state.path);
  if (steps.length) lines.push(fill(w.tried, { steps: steps.join('; ') }));
  // One line each: what users wrote may hold line breaks (a pasted heading or code fence).
  const oneLine = (s: string) => mask(s).replace(/\s+/g, ' ').trim().slice(0, 300);
  if (state.lastQuestion) lines.push(fill(w.question, { question: oneLine(state.lastQuestion) }));
  // A direct "petugas" request still says something: what the user wrote.
  else if (state.recent?.[0]) lines.push(fill(w.request, { request: oneLine(state.recent[0]) }));
  return lines.join('\n');
}

/**
 * A conversation's path in words, for agents ("Status \"Belum Registrasi\" & reset aplikasi › Reset
 * melalui e-Nofa"): answers by their title, questions by their text; the topic menu is left out.
 */
export function pathInWords(catalog: Catalog, path: string[]): string[] {
  return path.flatMap((p) => {
    const [intentId, nodeId] = p.split('/');
    const intent = catalog.intents.get(intentId ?? '');
    const node = intent?.nodes[nodeId ?? ''];
    if (!intent || !node || intent.id === catalog.bot.roles.menu) return [];
    const what = node.type === 'answer' ? node.title : node.type === 'question' ? node.text.trim() : undefined;
    return [what ? `${intent.title} › ${what}` : intent.title];
  });
}
