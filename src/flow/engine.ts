/**
 * The flow engine: one generic state machine over the catalog's conversation graphs.
 *
 *   turn(state, input) -> { replies, state, events }
 *
 * Pure TypeScript and JSON-serialisable state: no botbuilder import. The Bot Framework layer keeps
 * the state in conversation state and renders the replies (text, suggested actions, cards).
 */
import type { Catalog } from '../catalog/load.js';
import { NONE_INTENT } from '../catalog/load.js';
import type { AnswerNode, Intent } from '../catalog/schema.js';
import type { Classification, Matcher } from '../nlu/matcher.js';
import { containsSecret, mask } from '../privacy/index.js';
import { matchOption, type Option } from './choices.js';

export const STATE_VERSION = 1;
const MAX_PATH = 40;
const MAX_CHOICES = 40;
/** Messages longer than this get a gentle note (we still try to answer). */
export const MAX_TEXT_CHARS = 4000;

export type HandoffTrigger = 'user-request' | 'procedure-failed' | 'fallbacks' | 'unhelpful';

export interface Prompt {
  kind: 'question' | 'check' | 'confirm' | 'did-you-mean' | 'fallback';
  intent?: string;
  node?: string;
  options: Option[];
  /** For confirm prompts: why a person is offered. */
  trigger?: HandoffTrigger;
}

export interface FlowState {
  v: number;
  intent?: string;
  prompt?: Prompt;
  /** "intent/node" visited, oldest first (bounded). */
  path: string[];
  /** Labels of the choices the user made (bounded). */
  choices: string[];
  /** Error codes mentioned in the conversation. */
  codes: string[];
  /** Consecutive messages the bot did not understand. */
  fallbacks: number;
  /** "Belum teratasi" answers in this conversation. */
  unsolved: number;
  coretaxShown: boolean;
  secretWarned: boolean;
  /** The user's last real question (masked). */
  lastQuestion?: string;
}

export type Reply =
  | { kind: 'text'; text: string }
  | { kind: 'answer'; intent: string; nodeId: string; node: AnswerNode }
  | { kind: 'choices'; text: string; options: Array<{ label: string }> }
  | { kind: 'handoff'; trigger: HandoffTrigger; text?: string };

export type FlowEvent =
  | { type: 'classified'; classification: Classification }
  | { type: 'fallback'; text: string; candidates: Array<{ intent: string; score: number }> }
  | { type: 'did-you-mean'; text: string; offered: string[]; picked: string | null }
  | { type: 'outcome'; intent: string; node: string; code: string; solved: boolean }
  | { type: 'handoff'; trigger: HandoffTrigger; intent?: string };

export interface TurnInput {
  text?: string;
}

export interface TurnResult {
  replies: Reply[];
  state: FlowState;
  events: FlowEvent[];
  /** The matcher's view of this message, when it was consulted. */
  classification?: Classification;
}

export function newFlowState(): FlowState {
  return { v: STATE_VERSION, path: [], choices: [], codes: [], fallbacks: 0, unsolved: 0, coretaxShown: false, secretWarned: false };
}

/** Accepts whatever the store returned and gives back a usable state (old or foreign shapes start fresh). */
export function reviveFlowState(raw: unknown): FlowState {
  const s = raw as Partial<FlowState> | undefined;
  if (!s || typeof s !== 'object' || s.v !== STATE_VERSION || !Array.isArray(s.path)) return newFlowState();
  return { ...newFlowState(), ...s } as FlowState;
}

/** The topic the user was working on: the last intent visited other than the menu and "talk to a person". */
export function topicOf(state: FlowState): string | undefined {
  for (let i = state.path.length - 1; i >= 0; i--) {
    const intent = state.path[i]!.split('/')[0];
    if (intent && intent !== 'hubungi-petugas' && intent !== 'sapaan' && intent !== 'terima-kasih') return intent;
  }
  return undefined;
}

const META_INTENTS = new Set(['hubungi-petugas', 'sapaan', 'terima-kasih']);
const CANCEL = new Set(['batal', 'cancel', 'stop', 'berhenti', 'keluar', 'sudahi', 'reset percakapan', 'mulai ulang', 'ulang']);
const MENU = new Set(['menu', 'bantuan', 'help', 'mulai', 'start', 'kembali', 'kembali ke menu', 'menu utama', 'daftar topik', 'topik']);

class Turn {
  replies: Reply[] = [];
  events: FlowEvent[] = [];
  classification?: Classification;
  constructor(
    readonly engine: FlowEngine,
    public state: FlowState,
  ) {}

  say(text: string): void {
    this.replies.push({ kind: 'text', text });
  }

  ask(prompt: Prompt, text: string): void {
    this.state.prompt = prompt;
    this.replies.push({ kind: 'choices', text, options: prompt.options.map((o) => ({ label: o.label })) });
  }

  visit(intent: string, node: string): void {
    this.state.path = [...this.state.path, `${intent}/${node}`].slice(-MAX_PATH);
  }
}

export class FlowEngine {
  constructor(
    readonly catalog: Catalog,
    readonly matcher: Matcher,
  ) {}

  private get m() {
    return this.catalog.bot.messages;
  }

  /** The greeting for a new conversation: welcome text and the topic menu. */
  welcome(state: FlowState = newFlowState()): TurnResult {
    const t = new Turn(this, { ...state, prompt: undefined, intent: undefined });
    t.say(this.m.welcome);
    this.showMenu(t, this.m.menuPrompt);
    return { replies: t.replies, state: t.state, events: t.events };
  }

  turn(state: FlowState, input: TurnInput): TurnResult {
    const t = new Turn(this, { ...state });
    const text = (input.text ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
    if (!text) {
      t.say(this.m.emptyMessage);
      this.showMenu(t, this.m.menuPrompt);
      return this.done(t);
    }
    if (text.length > MAX_TEXT_CHARS) t.say(this.m.tooLong);
    if (!t.state.secretWarned && containsSecret(text)) {
      t.state.secretWarned = true;
      t.say(this.m.secretWarning);
    }

    const norm = this.matcher.normaliser.normalise(text);
    if (norm.codes.length) t.state.codes = [...new Set([...t.state.codes, ...norm.codes])].slice(0, 20);

    // Commands that work at any point.
    if (CANCEL.has(norm.text) || CANCEL.has(text.toLowerCase())) {
      t.state.prompt = undefined;
      t.state.intent = undefined;
      t.state.fallbacks = 0;
      t.say(this.m.cancelled);
      this.showMenu(t, this.m.menuPrompt);
      return this.done(t);
    }
    if (MENU.has(norm.text) || MENU.has(text.toLowerCase())) {
      t.state.fallbacks = 0;
      this.showMenu(t);
      return this.done(t);
    }

    const prompt = t.state.prompt;
    let cls: Classification | undefined;
    if (prompt) {
      const match = matchOption(text, prompt.options, this.matcher.normaliser);
      if (match && match.score < 1 && prompt.kind === 'question') {
        // A fuzzy match that is really the topic's own question again ("efaktur belum registrasi"
        // sent twice): ask the question again instead of guessing a branch.
        cls = this.matcher.classify(text);
        if (cls.decision === 'route' && cls.intent === prompt.intent && cls.score >= match.score) {
          t.events.push({ type: 'classified', classification: cls });
          t.classification = cls;
          this.ask(t, prompt);
          return this.done(t);
        }
      }
      if (match) {
        this.answerPrompt(t, prompt, match.index);
        return this.done(t);
      }
      // The button just clicked, clicked again (double click, channel retry): show where we are
      // instead of treating the label as a new question.
      const lastChoice = t.state.choices.at(-1);
      if (lastChoice && lastChoice.trim().toLowerCase() === text.toLowerCase()) {
        this.ask(t, prompt);
        return this.done(t);
      }
    }

    cls ??= this.matcher.classify(text);
    t.classification = cls;
    t.events.push({ type: 'classified', classification: cls });

    if (prompt && cls.decision !== 'route') {
      // Not one of the options and not a clear new question: ask again, without losing the place.
      t.state.fallbacks += 1;
      if (prompt.kind === 'did-you-mean') t.events.push({ type: 'did-you-mean', text: mask(text), offered: prompt.options.filter((o) => o.goto.startsWith('intent:')).map((o) => o.goto.slice(7)), picked: null });
      if (t.state.fallbacks >= 2 && prompt.kind !== 'confirm') {
        this.offerPerson(t, 'fallbacks', this.m.fallbackRepeated);
        return this.done(t);
      }
      t.say(this.m.choiceNotUnderstood);
      this.ask(t, prompt);
      return this.done(t);
    }

    // The question an agent needs is the user's problem, not "talk to a person" or "thanks".
    if (!META_INTENTS.has(cls.intent)) t.state.lastQuestion = mask(text).slice(0, 500);
    if (cls.decision === 'route') {
      t.state.fallbacks = 0;
      this.startIntent(t, cls.intent);
      return this.done(t);
    }
    if (cls.decision === 'did-you-mean') {
      t.state.fallbacks = 0;
      const offered = [cls.intent, ...cls.alternatives.map((a) => a.intent)].filter((id) => id !== NONE_INTENT && this.catalog.intents.get(id)?.start);
      const options: Option[] = offered.map((id) => ({ label: this.catalog.intents.get(id)!.title, goto: `intent:${id}` }));
      options.push({ label: this.m.noneOfThese, goto: '@fallback', role: 'no' });
      this.ask(t, { kind: 'did-you-mean', options });
      t.replies[t.replies.length - 1] = { kind: 'choices', text: this.m.didYouMean, options: options.map((o) => ({ label: o.label })) };
      return this.done(t);
    }
    this.fallback(t, text, cls);
    return this.done(t);
  }

  private done(t: Turn): TurnResult {
    return { replies: t.replies, state: t.state, events: t.events, classification: t.classification };
  }

  private ask(t: Turn, prompt: Prompt): void {
    const text =
      prompt.kind === 'question' && prompt.intent && prompt.node
        ? (this.catalog.intents.get(prompt.intent)?.nodes[prompt.node] as { text?: string } | undefined)?.text ?? this.m.menuPrompt
        : prompt.kind === 'check'
          ? this.m.checkQuestion
          : prompt.kind === 'confirm'
            ? this.m.escalateConfirm
            : prompt.kind === 'did-you-mean'
              ? this.m.didYouMean
              : this.m.menuPrompt;
    t.ask(prompt, text);
  }

  private fallback(t: Turn, text: string, cls: Classification): void {
    t.state.fallbacks += 1;
    t.state.prompt = undefined;
    t.state.intent = undefined;
    t.events.push({ type: 'fallback', text: mask(text), candidates: cls.ranked.slice(0, 3) });
    if (t.state.fallbacks >= 2) {
      this.offerPerson(t, 'fallbacks', this.m.fallbackRepeated);
      return;
    }
    t.ask(
      {
        kind: 'fallback',
        options: [
          { label: this.m.menuLabel, goto: '@menu' },
          { label: this.m.agentLabel, goto: '@handoff' },
        ],
      },
      this.m.fallback,
    );
  }

  /** Ask before handing off (indirect triggers); "no" continues at `otherwise` or closes politely. */
  private offerPerson(t: Turn, trigger: HandoffTrigger, text?: string, otherwise?: string): void {
    t.ask(
      {
        kind: 'confirm',
        trigger,
        options: [
          { label: this.m.escalateYesLabel, goto: '@handoff', role: 'yes' },
          { label: this.m.escalateNoLabel, goto: otherwise ?? '@declined', role: 'no' },
        ],
      },
      text ?? this.m.escalateConfirm,
    );
  }

  /** The topic menu: the `sapaan` intent's first question when it has one, else the catalog's menu intents. */
  private showMenu(t: Turn, text?: string): void {
    t.state.intent = undefined;
    t.state.prompt = undefined;
    if (this.catalog.intents.get('sapaan')?.start) {
      this.goto(t, 'sapaan', 'intent:sapaan');
      const last = t.replies[t.replies.length - 1];
      // After the welcome, the menu needs no second greeting: keep the options, use the short prompt.
      if (text && last?.kind === 'choices') last.text = text;
      return;
    }
    const options: Option[] = this.catalog.menu.slice(0, 9).map((i) => ({ label: i.title, goto: `intent:${i.id}` }));
    options.push({ label: this.m.agentLabel, goto: '@handoff' });
    t.ask({ kind: 'fallback', options }, this.m.menuPrompt);
  }

  private answerPrompt(t: Turn, prompt: Prompt, idx: number): void {
    const option = prompt.options[idx]!;
    t.state.prompt = undefined;
    t.state.fallbacks = 0;
    t.state.choices = [...t.state.choices, option.label].slice(-MAX_CHOICES);
    const intentId = prompt.intent ?? t.state.intent ?? 'sapaan';
    if (prompt.kind === 'did-you-mean') {
      t.events.push({
        type: 'did-you-mean',
        text: t.state.lastQuestion ?? '',
        offered: prompt.options.filter((o) => o.goto.startsWith('intent:')).map((o) => o.goto.slice(7)),
        picked: option.goto.startsWith('intent:') ? option.goto.slice(7) : null,
      });
    }
    if (prompt.kind === 'check' && prompt.intent && prompt.node) {
      const node = this.catalog.intents.get(prompt.intent)?.nodes[prompt.node];
      const solved = option.role === 'yes';
      t.events.push({ type: 'outcome', intent: prompt.intent, node: prompt.node, code: node?.type === 'answer' ? node.code : prompt.node, solved });
      if (!solved) {
        t.state.unsolved += 1;
        // Two "belum teratasi" in one conversation: offer a person before the next remedy.
        if (t.state.unsolved >= 2 && option.goto !== '@escalate' && option.goto !== '@handoff' && option.goto !== '@end') {
          this.offerPerson(t, 'unhelpful', undefined, this.qualify(prompt.intent, option.goto));
          return;
        }
      }
    }
    if (prompt.kind === 'confirm' && option.goto === '@handoff') {
      this.handoff(t, prompt.trigger ?? 'user-request');
      return;
    }
    this.goto(t, intentId, option.goto, prompt.kind === 'check' ? 'procedure-failed' : 'user-request');
  }

  /** Makes a node target absolute ("intent:x#node") so it survives being stored in a prompt. */
  private qualify(intentId: string, target: string): string {
    return target.startsWith('@') || target.startsWith('intent:') ? target : `node:${intentId}#${target}`;
  }

  private startIntent(t: Turn, intentId: string): void {
    this.goto(t, intentId, `intent:${intentId}`);
  }

  private handoff(t: Turn, trigger: HandoffTrigger, text?: string): void {
    t.state.prompt = undefined;
    t.state.intent = undefined;
    t.state.fallbacks = 0;
    t.events.push({ type: 'handoff', trigger, intent: topicOf(t.state) });
    t.replies.push({ kind: 'handoff', trigger, text });
  }

  /** Follows a target; `from` is the intent the target is relative to. */
  goto(t: Turn, from: string, target: string, trigger: HandoffTrigger = 'user-request', depth = 0): void {
    if (depth > 12) {
      // Content validation prevents this; if it ever happens, end politely instead of looping.
      this.showMenu(t);
      return;
    }
    switch (target) {
      case '@end':
        t.state.intent = undefined;
        t.state.prompt = undefined;
        t.say(this.m.solved);
        return;
      case '@menu':
        return this.showMenu(t);
      case '@escalate':
        return this.offerPerson(t, trigger);
      case '@handoff':
        return this.handoff(t, 'user-request');
      case '@declined':
        t.state.intent = undefined;
        t.say(this.m.escalateDeclined);
        return;
      case '@fallback':
        t.state.intent = undefined;
        t.ask(
          { kind: 'fallback', options: [{ label: this.m.menuLabel, goto: '@menu' }, { label: this.m.agentLabel, goto: '@handoff' }] },
          this.m.fallback,
        );
        return;
    }
    let intentId = from;
    let nodeId: string | undefined;
    if (target.startsWith('intent:')) {
      intentId = target.slice(7);
      nodeId = this.catalog.intents.get(intentId)?.start;
    } else if (target.startsWith('node:')) {
      const [i, n] = target.slice(5).split('#');
      intentId = i!;
      nodeId = n;
    } else {
      nodeId = target;
    }
    const intent: Intent | undefined = this.catalog.intents.get(intentId);
    const node = nodeId ? intent?.nodes[nodeId] : undefined;
    if (!intent || !node || !nodeId) {
      // The content changed since this conversation's state was stored: start over gracefully.
      this.showMenu(t);
      return;
    }
    t.state.intent = intentId;
    t.visit(intentId, nodeId);
    switch (node.type) {
      case 'question': {
        const options = node.choices.map((c) => ({ label: c.label, synonyms: c.synonyms, goto: this.qualify(intentId, c.goto) }));
        t.ask({ kind: 'question', intent: intentId, node: nodeId, options }, node.text);
        return;
      }
      case 'handoff':
        if (node.text) t.say(node.text);
        return this.handoff(t, trigger === 'procedure-failed' ? 'procedure-failed' : 'user-request');
      case 'answer': {
        if (node.coretax && !t.state.coretaxShown) {
          t.state.coretaxShown = true;
          t.say(this.catalog.bot.coretaxNote);
        }
        t.replies.push({ kind: 'answer', intent: intentId, nodeId, node });
        if (node.next) return this.goto(t, intentId, node.next, trigger, depth + 1);
        if (!node.check) {
          t.state.intent = undefined;
          t.state.prompt = undefined;
          return;
        }
        t.ask(
          {
            kind: 'check',
            intent: intentId,
            node: nodeId,
            options: [
              { label: this.m.checkSolvedLabel, goto: this.qualify(intentId, node.onSolved), role: 'yes' },
              { label: this.m.checkUnsolvedLabel, goto: this.qualify(intentId, node.onUnsolved), role: 'no' },
            ],
          },
          this.m.checkQuestion,
        );
        return;
      }
    }
  }
}
