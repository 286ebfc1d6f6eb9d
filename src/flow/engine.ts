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
import { parseTarget, qualifyTarget, targetIntent } from '../catalog/targets.js';
import type { Classification, IntentClassifier } from '../nlu/classifier.js';
import type { Normalised } from '../nlu/normalise.js';
import { mask, maskSecrets } from '../privacy/index.js';
import { decideTurn, type FollowUp } from './decide.js';
import { contrastTail, isQuestion, namesSomething, saysMore } from './reply-reading.js';
import type { Option } from './options.js';
import { asideOptions, personTarget, pointerFor, promptText, questionTokens, topicOptions } from './prompts.js';
import { Navigator } from './navigate.js';
import { Turn } from './turn.js';
import { MAX_CHOICES, MAX_TEXT_CHARS, newFlowState, type FlowState, type Prompt, type TurnInput, type TurnResult } from './state.js';

export * from './state.js';

/** How many user messages the pre-fill looks back over, and how long an answer's follow-ups stay in force. */
const RECENT = 3;
const FOLLOW_UP_TURNS = 2;
/** A classification this sure of another topic switches even while one of our questions is open. */
const SWITCH_AT = 0.7;
const EXPLAINING = new Set(['fallback', 'did-you-mean', 'menu']);

export class FlowEngine {
  /** The follow-up topic's options, read once (the catalog does not change while the engine lives). */
  private readonly asideOptions: Option[];
  /** The words of the polite frames (`_lexicon.yaml: frames`): a message of only these is a greeting. */
  private readonly frameWords: Set<string>;
  /** Intent ids with a role in the turn decision (`_bot.yaml: roles`). */
  private readonly roles: Catalog['bot']['roles'];
  /** Topics about the conversation itself (a person, the menu, thanks): never "the user's question". */
  private readonly metaIntents: Set<string>;
  /** Command words (`_bot.yaml: commands`), normalised like user text by the turn decision. */
  private readonly commands: { menu: Set<string>; cancel: Set<string> };

  private readonly nav: Navigator;

  constructor(
    readonly catalog: Catalog,
    readonly matcher: IntentClassifier,
  ) {
    this.nav = new Navigator(catalog, matcher);
    this.roles = catalog.bot.roles;
    this.metaIntents = new Set([this.roles.person, this.roles.menu, this.roles.thanks]);
    this.commands = { menu: new Set(catalog.bot.commands.menu), cancel: new Set(catalog.bot.commands.cancel) };
    this.asideOptions = asideOptions(catalog, this.roles.aside);
    const frames = catalog.lexicon.frames;
    this.frameWords = new Set([...frames.openings, ...frames.closings].flatMap((f) => matcher.normaliser.normalise(f).tokens));
  }

  private get m() {
    return this.catalog.bot.messages;
  }

  /** The greeting for a new conversation: welcome text and the topic menu. */
  welcome(state: FlowState = newFlowState()): TurnResult {
    const t = new Turn({ ...state, prompt: undefined, intent: undefined });
    t.say(this.m.welcome);
    this.nav.showMenu(t, this.m.menuPrompt);
    return this.done(t);
  }

  turn(state: FlowState, input: TurnInput): TurnResult {
    const t = new Turn({ ...state });
    const text = (input.text ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
    if (text.length > MAX_TEXT_CHARS) t.say(this.m.tooLong);
    // The warning names what was pasted: a password or a code must be changed, an NPWP only need not be shared.
    const found = text ? maskSecrets(text).found : [];
    if (!t.state.secretWarned && found.some((k) => k === 'password' || k === 'activation-code')) {
      t.state.secretWarned = true;
      t.say(this.m.secretWarning);
    } else if (!t.state.identityWarned && !t.state.secretWarned && found.some((k) => k === 'npwp' || k === 'nik')) {
      t.state.identityWarned = true;
      t.say(this.m.identityWarning);
    }
    const norm = this.matcher.normaliser.normalise(text);
    if (norm.codes.length) t.state.codes = [...new Set([...t.state.codes, ...norm.codes])].slice(0, 20);
    const prompt = t.state.prompt;
    const followUps = this.activeFollowUps(t.state);
    // Kept masked like everything stored (a secret typed twice is still recognised as a double submit).
    const previous = t.state.previous;
    t.state.previous = mask(text).slice(0, 300);
    // Earlier messages count only while the user was still explaining (no topic reached yet).
    t.said = EXPLAINING.has(t.state.lastKind ?? '') ? [text, ...t.state.recent] : [text];
    t.state.recent = [mask(text).slice(0, 300), ...t.state.recent].slice(0, RECENT);
    if (t.state.lastAnswer) t.state.lastAnswer = { ...t.state.lastAnswer, age: t.state.lastAnswer.age + 1 };
    const solvedCheck = t.state.solvedCheck;
    t.state.solvedCheck = undefined;

    const classify = (): Classification => {
      if (!t.classification) {
        t.classification = this.matcher.classify(text);
        t.events.push({ type: 'classified', classification: t.classification });
      }
      return t.classification;
    };
    const decision = decideTurn({
      text,
      norm,
      prompt,
      classify,
      classifyText: (part) => this.matcher.classify(part),
      normaliser: this.matcher.normaliser,
      followUps,
      sameAsPrevious: !!previous && previous.trim().toLowerCase() === t.state.previous.trim().toLowerCase(),
      previousWasClick: !!previous && t.state.choices.at(-1)?.trim().toLowerCase() === previous.trim().toLowerCase(),
      asideOptions: this.asideOptions,
      frameWords: this.frameWords,
      solvedJustNow: !!solvedCheck,
      topicOptions: topicOptions(this.catalog, prompt),
      questionTokens: questionTokens(this.catalog, this.matcher.normaliser, prompt),
      optionIntents: new Set((prompt?.options ?? []).flatMap((o) => targetIntent(o.goto) ?? [])),
      commands: this.commands,
      roles: this.roles,
      switchAt: SWITCH_AT,
      scopeIntents: this.matcher.scopeIntents,
    });
    t.events.push({ type: 'decision', decision: decision.kind });
    const cls = t.classification;
    // What a hand-off summary quotes as the user's question: a message that opened or named a topic, not
    // a reply to one of the bot's questions ("belum bisa").
    const opensTopic = decision.kind === 'switch' || decision.kind === 'did-you-mean' || decision.kind === 'fallback';
    if (cls && !this.metaIntents.has(cls.intent) && cls.intent !== this.roles.aside && opensTopic) t.state.lastQuestion = mask(text).slice(0, 500);

    switch (decision.kind) {
      case 'empty':
        t.say(this.m.emptyMessage);
        this.nav.showMenu(t, this.m.menuPrompt);
        break;
      case 'cancel':
        t.state.fallbacks = 0;
        t.say(this.m.cancelled);
        this.nav.showMenu(t, this.m.menuPrompt);
        break;
      case 'menu':
        t.state.fallbacks = 0;
        this.nav.showMenu(t);
        break;
      case 'option': {
        // A click or a bare "belum" carries no description: the next question is asked, not pre-filled.
        // An answer speaks for itself only (older messages pre-fill only a topic they opened). After a
        // check, what the user says is what they tried, not a choice for the next question — except the
        // words after "tapi" in a "no", which say what happens now ("udah tp skrg statusnya belum
        // registrasi", "udah buka webnya tapi npwp ga muncul"): they may name the next question's option.
        t.said = [text];
        // A pick by part of a label ("ETAX-40001" of "Error ETAX-40005 / ETAX-40001") was typed, not clicked
        // (a click sends the whole label): it still names the option of the next question it is ("… Server").
        const typedPart =
          decision.via === 'pick' &&
          !!prompt &&
          text.trim().toLowerCase() !== prompt.options[decision.index]?.label.trim().toLowerCase() &&
          norm.codes.length > 0;
        if ((decision.via === 'pick' && !typedPart) || (decision.via === 'yes-no' && (prompt?.kind === 'check' || !saysMore(norm)))) t.said = [];
        if (decision.via === 'yes-no' && prompt?.kind === 'check' && prompt.options[decision.index]?.role === 'no') {
          // It names the next question's option when it writes one out in full ("npwp ga muncul" is "NPWP
          // tidak muncul", whose one content word would not pre-fill it).
          const now = contrastTail(text, this.matcher.normaliser);
          if (now) [t.said, t.saidAnswers] = [[now], true];
        }
        // An answer that leads into another topic chose that topic; it answers the topic's first question
        // too only when it names an option there verbatim (an error code, the error text): "sertifikatnya
        // belum kepasang di browser" opens the certificate question, "… muncul Tidak Dapat Menghubungi
        // ETaxInvoice Server" goes on to that answer.
        t.verbatimPrefillOnly = prompt?.kind === 'question' && parseTarget(prompt.options[decision.index]!.goto).kind === 'intent';
        this.answerPrompt(t, prompt!, decision.index);
        break;
      }
      case 'person':
        t.state.fallbacks = 0;
        if (prompt?.kind === 'check') this.recordOutcome(t, prompt, false);
        this.nav.goto(t, this.roles.person, personTarget(this.catalog, this.roles.person));
        break;
      case 'follow-up':
        t.state.fallbacks = 0;
        // Not solved (the review report counts it), but the map names what comes next ("abis update jadi
        // Belum Registrasi"): the user is not going round in circles, so it does not count towards offering
        // a person after the second "belum".
        if (prompt?.kind === 'check') this.recordOutcome(t, prompt, false, { towardsPerson: false });
        t.state.prompt = undefined;
        this.nav.goto(t, prompt?.intent ?? t.state.intent ?? this.roles.menu, decision.goto, 'procedure-failed');
        break;
      case 'aside':
        t.state.fallbacks = 0;
        t.state.prompt = undefined;
        this.nav.goto(t, decision.intent, `intent:${decision.intent}`);
        // The question is answered; the check it interrupted is still the open question.
        if (prompt && !t.state.prompt && !t.replies.some((r) => r.kind === 'handoff')) t.ask(prompt, this.m.checkAgain);
        break;
      case 'switch':
        t.state.fallbacks = 0;
        if (decision.unsolved && prompt?.kind === 'check') this.recordOutcome(t, prompt, false);
        t.state.prompt = undefined;
        this.nav.goto(t, decision.intent, `intent:${decision.intent}`);
        // A statement of scope (the Coretax question) answers a side question: the open question stays open.
        if (
          (prompt?.kind === 'check' || prompt?.kind === 'question') &&
          !decision.unsolved &&
          !t.state.prompt &&
          this.catalog.intents.get(decision.intent)?.scope
        ) {
          t.ask(prompt, prompt.kind === 'check' ? this.m.checkAgain : promptText(this.catalog, prompt));
        }
        break;
      case 'did-you-mean':
        t.state.fallbacks = 0;
        this.didYouMean(t, cls!);
        break;
      case 'reask':
        this.reask(t, prompt!, text, norm);
        break;
      case 'reopen': {
        // "masih sama" right after "sudah": the check is answered again, as not solved.
        const check = solvedCheck!;
        t.said = [];
        this.answerPrompt(
          t,
          check,
          check.options.findIndex((o) => o.role === 'no'),
        );
        break;
      }
      case 'tried':
        // Asked again (an unclear answer to the check, counted as one), in words that fit what was said.
        this.reask(t, prompt!, text, norm, this.m.triedAsk);
        break;
      case 'later':
        t.ask(prompt!, this.m.willTry);
        break;
      case 'repeat':
        t.ask(prompt!, promptText(this.catalog, prompt!));
        break;
      case 'fallback':
        this.fallback(t, text, cls!);
        break;
      case 'outside':
        this.outside(t, text, cls!, prompt!);
        break;
    }
    return this.done(t);
  }

  /** The follow-ups of the answer the user is looking at: at its check, or for a turn or two after it. */
  private activeFollowUps(state: FlowState): FollowUp[] {
    const ref =
      state.prompt?.kind === 'check'
        ? { intent: state.prompt.intent, node: state.prompt.node }
        : state.lastAnswer && state.lastAnswer.age < FOLLOW_UP_TURNS
          ? state.lastAnswer
          : undefined;
    if (!ref?.intent || !ref.node) return [];
    const node = this.catalog.intents.get(ref.intent)?.nodes[ref.node];
    // Targets made absolute: the answer's intent is no longer the open one a turn later.
    return node?.type === 'answer' ? node.followUps.map((f) => ({ ...f, goto: qualifyTarget(ref.intent!, f.goto) })) : [];
  }

  private didYouMean(t: Turn, cls: Classification): void {
    const offered = [cls.intent, ...cls.alternatives.map((a) => a.intent)].filter((id) => id !== NONE_INTENT && this.catalog.intents.get(id)?.start);
    // One topic offered: a yes/no question ("ya" takes it, "bukan" does not); several: a choice.
    const one = offered.length === 1;
    const options: Option[] = offered.map((id) => ({
      label: this.catalog.intents.get(id)!.title,
      goto: `intent:${id}`,
      ...(one ? { role: 'yes' as const } : {}),
    }));
    options.push({ label: one ? this.m.notThisOne : this.m.noneOfThese, goto: '@fallback', role: 'no' });
    t.ask({ kind: 'did-you-mean', options }, one ? this.m.didYouMeanOne : this.m.didYouMean);
  }

  /** An unclear reply to an open prompt: a short hint and the same options once, then a person is offered. */
  /** The open prompt asked again (`message`: what to say instead of the usual hint). */
  private reask(t: Turn, prompt: Prompt, text: string, norm: Normalised, message?: string): void {
    t.state.fallbacks += 1;
    t.reasked = true;
    if (prompt.kind === 'did-you-mean')
      t.events.push({ type: 'did-you-mean', text: mask(text), offered: prompt.options.flatMap((o) => targetIntent(o.goto) ?? []), picked: null });
    if (t.state.fallbacks >= 2 && prompt.kind !== 'confirm') {
      this.nav.offerPerson(t, 'fallbacks', this.m.fallbackRepeated);
      return;
    }
    // A question at the check that nothing here answers ("keychain itu apa?") is no unclear yes or no: say
    // so, and how to go on.
    if (prompt.kind === 'check' && isQuestion(text, norm) && namesSomething(norm)) return t.ask(prompt, this.m.unansweredAtCheck);
    t.ask(prompt, message ?? (prompt.kind === 'check' || prompt.kind === 'confirm' ? this.m.reaskYesNo : this.m.reaskHint));
  }

  private done(t: Turn): TurnResult {
    const outcome = t.outcome(this.catalog, this.roles);
    t.state.lastKind = outcome.kind;
    return { replies: t.replies, state: t.state, events: t.events, classification: t.classification, outcome };
  }

  /**
   * A question the bot does not answer, asked while one of its own questions is open: where to go
   * instead, and the open question again (it counts as a fallback: two in a row offer a person).
   */
  private outside(t: Turn, text: string, cls: Classification, prompt: Prompt): void {
    const pointer = pointerFor(this.catalog, this.matcher.normaliser, text);
    if (pointer?.goto) {
      t.state.prompt = undefined;
      return this.nav.goto(t, this.roles.menu, pointer.goto);
    }
    if (this.countFallback(t, text, cls)) return;
    t.outside = true;
    t.say(pointer?.text ?? this.catalog.bot.outOfScope.general);
    t.ask(prompt, prompt.kind === 'check' ? this.m.checkAgain : promptText(this.catalog, prompt));
  }

  /** Counts a message the bot could not place (for the review report too); the second in a row offers a person. */
  private countFallback(t: Turn, text: string, cls: Classification): boolean {
    t.state.fallbacks += 1;
    t.events.push({ type: 'fallback', text: mask(text), candidates: cls.ranked.slice(0, 3) });
    if (t.state.fallbacks < 2) return false;
    this.nav.offerPerson(t, 'fallbacks', this.m.fallbackRepeated);
    return true;
  }

  private fallback(t: Turn, text: string, cls: Classification): void {
    t.state.prompt = undefined;
    t.state.intent = undefined;
    // Out of scope but recognisable (SPT Tahunan, Coretax, EFIN…): say where to go instead.
    const pointer = pointerFor(this.catalog, this.matcher.normaliser, text);
    // Words of a topic this bot answers, which the model was unsure of: that topic, not a fallback.
    if (pointer?.goto) return this.nav.goto(t, this.roles.menu, pointer.goto);
    if (pointer?.text) t.say(pointer.text);
    // A question recognised as another service's ("EFIN saya hilang") is finished, not half-explained: its
    // words do not carry into the next message ("hilang" would pre-fill the next topic's "surat hilang").
    if (pointer?.text && !pointer.general) t.state.recent = [];
    if (this.countFallback(t, text, cls)) return;
    // After a pointer the same choices follow, with a shorter line (the pointer said where to go).
    const options = [
      { label: this.m.menuLabel, goto: '@menu' },
      { label: this.m.agentLabel, goto: '@handoff' },
    ];
    t.ask({ kind: 'fallback', options }, pointer ? this.m.afterPointer : this.m.fallback);
  }

  private answerPrompt(t: Turn, prompt: Prompt, idx: number): void {
    const option = prompt.options[idx]!;
    t.state.prompt = undefined;
    t.state.fallbacks = 0;
    t.state.choices = [...t.state.choices, option.label].slice(-MAX_CHOICES);
    const intentId = prompt.intent ?? t.state.intent ?? this.roles.menu;
    if (prompt.kind === 'did-you-mean') {
      t.events.push({
        type: 'did-you-mean',
        text: t.state.lastQuestion ?? '',
        offered: prompt.options.flatMap((o) => targetIntent(o.goto) ?? []),
        picked: targetIntent(option.goto) ?? null,
      });
    }
    if (prompt.kind === 'check' && prompt.intent && prompt.node) {
      const solved = option.role === 'yes';
      this.recordOutcome(t, prompt, solved);
      if (solved) t.state.solvedCheck = prompt;
      if (!solved) {
        // Two "belum teratasi" in one conversation: offer a person before the next remedy.
        if (t.state.unsolved >= 2 && option.goto !== '@escalate' && option.goto !== '@handoff' && option.goto !== '@end') {
          this.nav.offerPerson(t, 'unhelpful');
          return;
        }
      }
    }
    if (prompt.kind === 'confirm' && option.goto === '@handoff') {
      this.nav.handoff(t, prompt.trigger ?? 'user-request');
      return;
    }
    this.nav.goto(t, intentId, option.goto, prompt.kind === 'check' ? 'procedure-failed' : 'user-request');
  }

  /** A check answered (or left by a failure signal such as an error code or a request for a person). */
  private recordOutcome(t: Turn, prompt: Prompt, solved: boolean, opts: { towardsPerson?: boolean } = {}): void {
    if (!prompt.intent || !prompt.node) return;
    const node = this.catalog.intents.get(prompt.intent)?.nodes[prompt.node];
    t.events.push({ type: 'outcome', intent: prompt.intent, node: prompt.node, code: node?.type === 'answer' ? node.code : prompt.node, solved });
    if (!solved && opts.towardsPerson !== false) t.state.unsolved += 1;
  }
}
