/**
 * One turn in progress: the replies and events it has produced, the nodes it reached, and what it led
 * to (its outcome). The flow engine fills it; nothing here decides anything.
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import { parseTarget } from '../catalog/targets.js';
import type { Classification } from '../nlu/classifier.js';
import { personTarget } from './prompts.js';
import type { FlowEvent, FlowState, Prompt, Reply, TurnOutcome } from './state.js';

const MAX_PATH = 40;

export class Turn {
  replies: Reply[] = [];
  events: FlowEvent[] = [];
  classification?: Classification;
  /** The last node reached this turn ("intent/node"), for the turn's outcome. */
  reached?: string;
  reasked = false;
  /** An out-of-scope question was answered with a pointer while a prompt stays open. */
  outside = false;
  /** What the user said that a question may already answer (this message first). */
  said: string[] = [];
  /** Pre-fill only an option named verbatim (the message already chose an option leading here). */
  verbatimPrefillOnly = false;
  /** `said` is what a "no" says happens now: it names an option only written out in full (options.ts). */
  saidAnswers = false;
  constructor(public state: FlowState) {}

  say(text: string): void {
    this.replies.push({ kind: 'text', text });
  }

  ask(prompt: Prompt, text: string): void {
    this.state.prompt = prompt;
    this.replies.push({ kind: 'choices', text, options: prompt.options.map((o) => ({ label: o.label })) });
  }

  visit(intent: string, node: string): void {
    this.state.path = [...this.state.path, `${intent}/${node}`].slice(-MAX_PATH);
    this.reached = `${intent}/${node}`;
  }

  /** What the turn led to, from the state it leaves and the nodes it reached. */
  outcome(catalog: Catalog, roles: { person: string; menu: string }): TurnOutcome {
    const decision = (this.events.find((e) => e.type === 'decision') as { decision: string } | undefined)?.decision;
    const [intent, node] = this.reached ? this.reached.split('/') : [];
    const p = this.state.prompt;
    if (this.replies.some((r) => r.kind === 'handoff')) {
      // However the user got there (a yes at "connect you?", a button), a hand-off is where asking for a
      // person leads: the person topic's hand-off node.
      if (intent) return { kind: 'handoff', intent, node, decision };
      const target = parseTarget(personTarget(catalog, roles.person));
      return { kind: 'handoff', intent: roles.person, node: target.kind === 'intent' ? target.node : undefined, decision };
    }
    // Out of scope while a question is open: the pointer, and the same question again (like any unclear reply).
    if (this.outside && p?.kind === 'question') return { kind: 'fallback', intent: p.intent, node: p.node, decision };
    if (this.outside && p?.kind !== 'confirm') return { kind: 'fallback', intent: NONE_INTENT, decision };
    if (this.reasked && p && p.kind !== 'confirm') return { kind: 'fallback', intent: p.intent, node: p.node, decision };
    if (p?.kind === 'menu')
      return { kind: p.node === catalog.intents.get(roles.menu)?.start ? 'menu' : 'question', intent: roles.menu, node: p.node, decision };
    if (p?.kind === 'question') {
      // An answer from another topic given in passing (the Coretax question), with the open question asked again.
      if (intent && intent !== p.intent && catalog.intents.get(intent)?.nodes[node!]?.type === 'answer') return { kind: 'answer', intent, node, decision };
      return { kind: 'question', intent: p.intent, node: p.node, decision };
    }
    if (p?.kind === 'check') {
      // The Coretax question asked at a check: answered, with the check asked again.
      if (intent && intent !== p.intent && catalog.intents.get(intent)?.scope) return { kind: 'answer', intent, node, decision };
      return { kind: 'check', intent: intent ?? p.intent, node: node ?? p.node, decision };
    }
    if (p?.kind === 'confirm' || p?.kind === 'did-you-mean') return { kind: p.kind, intent: intent ?? this.classification?.intent, node, decision };
    if (p?.kind === 'fallback') return { kind: 'fallback', intent: this.classification?.intent ?? NONE_INTENT, decision };
    if (intent && catalog.intents.get(intent)?.nodes[node!]?.type === 'answer') return { kind: 'answer', intent, node, decision };
    return { kind: 'closed', intent, node, decision };
  }
}
