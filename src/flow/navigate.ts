/**
 * Following targets through the catalog's conversation graphs: a node reached says its text, asks its
 * question (pre-filled when the user already said which option applies), gives its answer with the
 * check, or hands off; plus the topic menu and the offer of a person, which every path can end in.
 */
import type { Catalog } from '../catalog/load.js';
import type { Intent } from '../catalog/schema.js';
import { parseTarget, qualifyTarget } from '../catalog/targets.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import { normalisePhrase, resolveOption, scoreOptions, type Option } from './options.js';
import { MAX_CHOICES, topicOf, type HandoffTrigger } from './state.js';
import type { Turn } from './turn.js';

/** A short question counts as asked when one of its phrases is written in full (see shortQuestionsAsked). */
const ALSO_ASKED = 1.2;

export class Navigator {
  constructor(
    private readonly catalog: Catalog,
    private readonly matcher: IntentClassifier,
  ) {}

  private get m() {
    return this.catalog.bot.messages;
  }

  private get roles() {
    return this.catalog.bot.roles;
  }

  /** Ask before handing off (indirect triggers); "no" continues at `otherwise` or closes politely. */
  offerPerson(t: Turn, trigger: HandoffTrigger, text?: string, otherwise?: string): void {
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
  showMenu(t: Turn, text?: string): void {
    t.state.intent = undefined;
    t.state.prompt = undefined;
    if (this.catalog.intents.get(this.roles.menu)?.start) {
      this.goto(t, this.roles.menu, `intent:${this.roles.menu}`);
      const last = t.replies[t.replies.length - 1];
      // After the welcome, the menu needs no second greeting: keep the options, use the short prompt.
      if (text && last?.kind === 'choices') last.text = text;
      return;
    }
    const options: Option[] = this.catalog.menu.slice(0, 9).map((i) => ({ label: i.title, goto: `intent:${i.id}` }));
    options.push({ label: this.m.agentLabel, goto: '@handoff' });
    t.ask({ kind: 'fallback', options }, this.m.menuPrompt);
  }

  /**
   * Before a question is asked: the option the user already named, in this message or (while they were
   * still explaining, before any topic was reached) the one before. Undefined when none is clear.
   */
  private prefill(t: Turn, intentId: string, nodeId: string, text: string, all: Option[]): Option | undefined {
    const questionTokens = new Set(normalisePhrase(this.matcher.normaliser, text).tokens);
    // Never a hand-over the user has not seen offered: "bukan 40005 tp kode lain" in a first message is
    // not the "Kode lain / tidak ada di daftar" button, which asks whether to connect a person.
    const options = all.filter((o) => o.goto !== '@escalate' && o.goto !== '@handoff');
    for (const said of t.said) {
      if (!said) continue;
      // A factual question ("kode aktivasi dapat dari mana?") is read as an answer would be.
      const mode = intentId === this.roles.aside ? 'answer' : t.saidAnswers ? 'written' : 'prefill';
      const ctx = { normaliser: this.matcher.normaliser, mode, questionTokens } as const;
      // A story ends with what is asked: an option its last sentence names wins over one named on the way
      // ("… kemarin ganti komputer … reset biasa gagal. Saya mau reset lewat e-Nofa, caranya?").
      const sentences = said.split(/(?<=[.!?])\s+|\n+/).filter((x) => x.trim());
      const r = (sentences.length > 1 ? resolveOption(sentences.at(-1)!, options, ctx) : undefined) ?? resolveOption(said, options, ctx);
      if (r && (!t.verbatimPrefillOnly || r.verbatim)) {
        t.events.push({ type: 'prefilled', intent: intentId, node: nodeId, choice: options[r.index]!.label });
        return options[r.index];
      }
    }
    return undefined;
  }

  /**
   * The short factual answers a message asks for when it asks for two or more, each named by a whole
   * phrase as written (scored at least ALSO_ASKED) and each an answer that ends there (no check, nothing
   * after it); best first. Fewer than two: none (the pre-fill decides as for any question).
   */
  private shortQuestionsAsked(text: string, intentId: string, options: Option[]): Option[] {
    const nodes = this.catalog.intents.get(intentId)!.nodes;
    const endsThere = (o: Option) => {
      const to = parseTarget(o.goto);
      const node = to.kind === 'intent' && to.intent === intentId && to.node ? nodes[to.node] : undefined;
      return node?.type === 'answer' && !node.check && !node.next;
    };
    const asked = scoreOptions(text, options, { normaliser: this.matcher.normaliser, mode: 'answer' })
      .filter((r) => r.score >= ALSO_ASKED && endsThere(options[r.index]!))
      .map((r) => options[r.index]!);
    return asked.length >= 2 ? asked : [];
  }

  handoff(t: Turn, trigger: HandoffTrigger, text?: string): void {
    t.state.prompt = undefined;
    t.state.intent = undefined;
    t.state.fallbacks = 0;
    t.events.push({ type: 'handoff', trigger, intent: topicOf(t.state, this.roles) });
    t.replies.push({ kind: 'handoff', trigger, text });
  }

  /** Follows a target; `from` is the intent the target is relative to. */
  goto(t: Turn, from: string, target: string, trigger: HandoffTrigger = 'user-request', depth = 0): void {
    if (depth > 12) {
      // Content validation prevents this; if it ever happens, end politely instead of looping.
      this.showMenu(t);
      return;
    }
    const to = parseTarget(target);
    if (to.kind === 'special') {
      switch (to.name) {
        case 'end':
          t.state.intent = undefined;
          t.state.prompt = undefined;
          t.say(this.m.solved);
          return;
        case 'menu':
          return this.showMenu(t);
        case 'escalate':
          return this.offerPerson(t, trigger);
        case 'handoff':
          return this.handoff(t, 'user-request');
        case 'declined':
          t.state.intent = undefined;
          t.say(this.m.escalateDeclined);
          return;
        case 'fallback':
          t.state.intent = undefined;
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
          return;
      }
    }
    const intentId = to.kind === 'intent' ? to.intent : from;
    const nodeId = to.kind === 'intent' ? (to.node ?? this.catalog.intents.get(intentId)?.start) : to.node;
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
        const options: Option[] = node.choices.map((c) => ({
          label: c.label,
          synonyms: c.synonyms,
          goto: qualifyTarget(intentId, c.goto),
          understood: c.understood,
        }));
        if (intentId === this.roles.menu) {
          t.ask({ kind: 'menu', intent: intentId, node: nodeId, options }, node.text);
          return;
        }
        // Two short questions in one message ("letak menu Profile User sama arti Serial Number itu apa ya?"):
        // both answered, however close their scores (which leaves the pre-fill undecided).
        const asked = intentId === this.roles.aside && depth < 6 ? this.shortQuestionsAsked(t.said[0] ?? '', intentId, options) : [];
        const known = asked[0] ?? (depth < 6 ? this.prefill(t, intentId, nodeId, node.text, options) : undefined);
        if (known) {
          t.state.choices = [...t.state.choices, known.label].slice(-MAX_CHOICES);
          // A factual follow-up or the contacts are answered by their own title; a procedure says what was understood.
          if (intentId !== this.roles.aside && intentId !== this.roles.person) t.say((known.understood ?? this.m.understood).replace('{choice}', known.label));
          t.said = []; // one message answers one question (or the short ones it asks)
          this.goto(t, intentId, known.goto, trigger, depth + 1);
          for (const o of asked.slice(1)) this.goto(t, intentId, o.goto, trigger, depth + 1);
          return;
        }
        t.ask({ kind: 'question', intent: intentId, node: nodeId, options }, node.text);
        return;
      }
      case 'handoff':
        if (node.text) t.say(node.text);
        return this.handoff(t, trigger === 'procedure-failed' ? 'procedure-failed' : 'user-request');
      case 'answer': {
        if (typeof node.coretax === 'string') {
          t.state.coretaxShown = true;
          t.say(node.coretax);
        } else if (node.coretax && !t.state.coretaxShown) {
          t.state.coretaxShown = true;
          t.say(this.catalog.bot.coretaxNote);
        }
        t.replies.push({ kind: 'answer', intent: intentId, nodeId, node });
        t.state.lastAnswer = { intent: intentId, node: nodeId, age: 0 };
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
              { label: this.m.checkSolvedLabel, goto: qualifyTarget(intentId, node.onSolved), role: 'yes' },
              { label: this.m.checkUnsolvedLabel, goto: qualifyTarget(intentId, node.onUnsolved), role: 'no' },
            ],
          },
          this.m.checkQuestion,
        );
        return;
      }
    }
  }
}
