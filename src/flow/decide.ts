/**
 * The turn decision: what one user message means, given the prompt on screen, the classifier's view,
 * the commands and the conversation's context. One function, one documented precedence (README,
 * "How a turn is read"); the flow engine then carries the decision out.
 *
 *  1. empty message                                  -> empty
 *  2. a command as the whole message (menu, batal)   -> menu / cancel
 *  3. an explicit pick on the open prompt (click, number, ordinal, exact label) -> option; the previous
 *     message or click sent again (a double click, a channel retry)  -> repeat (the prompt is shown again)
 *  4. a request for a person anywhere in the message -> person   (at a "hubungkan?" prompt: its yes)
 *  5. at a check, the answer's own follow-ups (`followUps:` in the content: error codes, phrases) -> follow-up;
 *     also right after an answer when no prompt is open
 *  6. at a check, a question the bot does not answer (confidently out of scope) -> outside (the pointer; the
 *     check stays); the scope question (Coretax) -> switch (answered, the check stays); a short factual
 *     question (the `pertanyaan-lanjutan` topic) -> aside (answer it, keep the check)
 *  7. at a check, a question about something else   -> switch (start that topic; the check is left)
 *  8. at a yes/no prompt, the reply read as a whole  -> option yes / no; an error code with no follow-up
 *     is a "no" that also opens the code's own topic -> switch (unsolved)
 *  9. a confident classification of another topic    -> switch (even while a question is open)
 * 10. at a question, an option the reply describes   -> option  (scored, with a margin)
 * 11. at a question, a confidently out-of-scope question -> outside; anything else unclear -> reask
 *     (short hint, then a person is offered)
 * 12. no prompt (or the topic menu, which never holds free text): route -> switch, unsure -> did-you-mean,
 *     else fallback; with a prompt open: reask
 */
import type { Classification } from '../nlu/classifier.js';
import type { Normalised, Normaliser } from '../nlu/normalise.js';
import { explicitPick, normalisePhrase, resolveOption, type Option } from './options.js';
import { readYesNo } from './yes-no.js';
import { atCheckMessage, atYesNoPrompt } from './decide-at-prompt.js';
import { NONE_INTENT } from '../catalog/load.js';
import { parseTarget, targetIntent } from '../catalog/targets.js';
import { TURN_WORDS } from './reading.js';
import {
  ACCEPTS_PERSON,
  CONTACT_WORDS,
  PERSON_REQUEST,
  QUESTION_WORDS,
  AGAIN,
  FILLER,
  GREETINGS,
  NO_SUBJECT,
  PRODUCT_NAMES,
  announcesTopic,
  clausesOf,
  contentCount,
  correctionOf,
  endsWithThanks,
  isQuestion,
  meantByCorrection,
  namesSomething,
  stillFailsOnly,
  thanksAlone,
  thanksOnly,
  wantsPerson,
} from './reply-reading.js';

export type PromptKind = 'question' | 'check' | 'confirm' | 'did-you-mean' | 'fallback' | 'menu';

export interface OpenPrompt {
  kind: PromptKind;
  intent?: string;
  node?: string;
  options: Option[];
}

export interface FollowUp {
  codes?: string[];
  says?: string[];
  goto: string;
}

export type TurnDecision =
  | { kind: 'empty' }
  | { kind: 'menu' }
  | { kind: 'cancel' }
  | { kind: 'person' }
  | { kind: 'option'; index: number; via: 'pick' | 'yes-no' | 'described' }
  | { kind: 'follow-up'; goto: string }
  | { kind: 'aside'; intent: string }
  | { kind: 'outside' }
  | { kind: 'switch'; intent: string; unsolved?: boolean }
  | { kind: 'did-you-mean' }
  | { kind: 'reask' }
  | { kind: 'repeat' }
  | { kind: 'later' }
  | { kind: 'tried' }
  | { kind: 'reopen' }
  | { kind: 'fallback' };

export interface TurnContext {
  text: string;
  norm: Normalised;
  prompt?: OpenPrompt;
  /** The classifier's view of the message (computed lazily: clicks need none). */
  classify: () => Classification;
  /** The classifier's view of part of the message (what a correction says is meant). */
  classifyText: (text: string) => Classification;
  normaliser: Normaliser;
  /** Follow-ups of the answer just shown (at its check, or right after it). */
  followUps: FollowUp[];
  /** Intents reached through the open question's options (a reply naming one is an answer, not a switch). */
  optionIntents: Set<string>;
  /** This message equals the user's previous message or click (a double submit sends it again). */
  sameAsPrevious?: boolean;
  previousWasClick?: boolean;
  /** Tokens of the open question's own text. */
  questionTokens?: Set<string>;
  /** The follow-up topic's own options (what a question at a check may be asking for). */
  asideOptions: Option[];
  /** Words of the polite frames around a question ("selamat pagi, saya ingin bertanya", "mohon bantuannya"). */
  frameWords: ReadonlySet<string>;
  /** The previous message answered a check "solved" (and nothing is open now). */
  solvedJustNow?: boolean;
  /** At a check, the checked topic's own first-question options leading elsewhere (prompts.ts). */
  topicOptions: Option[];
  commands: { menu: Set<string>; cancel: Set<string> };
  /** Intent ids with a special role. */
  roles: { person: string; aside: string; menu: string; thanks: string };
  /** Probability above which a message about another topic switches even while a prompt is open. */
  switchAt: number;
  /** Topics that answer with a statement of scope (the Coretax question): asked in passing, they are answered. */
  scopeIntents: ReadonlySet<string>;
}

/** An out-of-scope question this sure, asked while a prompt is open, is answered with a pointer (see `outside`). */
const OUTSIDE_SURE = 0.9;

/** Prompts that offer buttons but never hold free text: it goes to the classifier as if none were open. */
const FREE = new Set<PromptKind>(['menu', 'fallback']);
const WORKS = TURN_WORDS.works;
const NOW = TURN_WORDS.now;
const NOT_YET = TURN_WORDS.notYet;

/** "udah bisa", "ternyata jalan lagi", "ok it works now, thanks": the problem is solved. */
function reportsSolved(norm: Normalised, c: TurnContext): boolean {
  if (norm.tokens.some((t) => NOT_YET.has(t))) return false;
  if (norm.tokens.some((t) => WORKS.has(t)) && norm.tokens.some((t) => NOW.has(t))) return true;
  const cls = c.classify();
  return cls.intent === c.roles.thanks && cls.decision === 'route' && norm.tokens.some((t) => WORKS.has(t));
}

function codeFollowUp(norm: Normalised, followUps: FollowUp[], normaliser: Normaliser): FollowUp | undefined {
  if (!norm.codes.length) return undefined;
  return followUps.find((f) => f.codes?.some((c) => normalisePhrase(normaliser, c).codes.some((x) => norm.codes.includes(x))));
}

function phraseFollowUp(norm: Normalised, followUps: FollowUp[], normaliser: Normaliser): FollowUp | undefined {
  const text = ` ${norm.text} `;
  return followUps.find((f) => f.says?.some((s) => text.includes(` ${normalisePhrase(normaliser, s).text} `)));
}

export function decideTurn(c: TurnContext): TurnDecision {
  const { text, norm, prompt } = c;
  const lower = text.trim().toLowerCase();
  // The reply read as a yes or a no, computed once (several steps ask).
  let clauses: string[][] | undefined;
  const clausesOnce = () => (clauses ??= clausesOf(text, c.normaliser));
  let read: { v: ReturnType<typeof readYesNo> } | undefined;
  const yesNo = () => (read ??= { v: readYesNo(clausesOnce()) }).v;
  // 1-2.
  if (!text.trim()) return { kind: 'empty' };
  if (c.commands.cancel.has(norm.text) || c.commands.cancel.has(lower)) return { kind: 'cancel' };
  if (c.commands.menu.has(norm.text) || c.commands.menu.has(lower)) return { kind: 'menu' };
  // 3.
  if (prompt) {
    const pick = explicitPick(text, prompt.options, c.normaliser);
    if (pick !== undefined) return { kind: 'option', index: pick, via: 'pick' };
    // A short answer may rightly come twice ("belum", "belum"); a click label or a sentence sent twice is a double submit.
    if (c.sameAsPrevious && (norm.tokens.length >= 4 || c.previousWasClick)) return { kind: 'repeat' };
  }
  const yesNoPrompt = prompt && prompt.options.some((o) => o.role === 'yes') && prompt.options.some((o) => o.role === 'no');
  // 4. ("ga usah, besok saya ke KPP langsung" at a "hubungkan?" prompt is its no, not a request.)
  // At "connect you with a person?", a short yes first answers the offer; what follows tells why
  // ("boleh, dari tadi ga beres2"), and its "no" is about the problem.
  const acceptsFirst = () => {
    const first = clausesOnce()[0];
    // An accepting word ("boleh", "iya", "tolong"), not just "ok": "ok, ga usah deh" is a no.
    return !!first && first.filter((t) => !FILLER.has(t)).length <= 2 && first.some((t) => ACCEPTS_PERSON.has(t)) && readYesNo([first]) === 'yes';
  };
  // "nanti saja, saya telepon Kring Pajak sendiri": a no first, then what the user will do instead.
  const declinesFirst = () => {
    const first = clausesOnce()[0];
    return !!first && clausesOnce().length > 1 && readYesNo([first]) === 'no' && !announcesTopic(norm);
  };
  if (prompt?.kind === 'confirm' && (yesNo() === 'no' || declinesFirst()) && !norm.tokens.includes('petugas') && !acceptsFirst()) {
    // "belum bisa juga", "masih error": the problem the offer was made for, so the offer is taken.
    if (stillFailsOnly(norm)) return { kind: 'option', index: prompt.options.findIndex((o) => o.role === 'yes'), via: 'yes-no' };
    return { kind: 'option', index: prompt.options.findIndex((o) => o.role === 'no'), via: 'yes-no' };
  }
  // At "shall I connect you?", news that it works now ("ok udah bisa, makasih") declines the offer, and so
  // does a thank-you that accepts nothing ("jadi wajib lewat Coretax ya. ok makasih").
  if (prompt?.kind === 'confirm' && !norm.tokens.includes('petugas') && (reportsSolved(norm, c) || thanksOnly(norm))) {
    return { kind: 'option', index: prompt.options.findIndex((o) => o.role === 'no'), via: 'yes-no' };
  }
  // The classifier's "hubungi petugas" alone does not hand off a reply that says no ("ga usah, saya ke KPP").
  const byWords = wantsPerson(norm, undefined, c.roles.person, text);
  if (byWords || (wantsPerson(norm, c.classify(), c.roles.person) && yesNo() !== 'no')) {
    if (prompt?.kind === 'confirm') {
      const yes = prompt.options.findIndex((o) => o.role === 'yes');
      if (yes >= 0) return { kind: 'option', index: yes, via: 'yes-no' };
    }
    // Only the model says so ("mau menyampaikan pengaduan"): the person topic's own question decides
    // (contacts or a person), pre-filled from the message.
    if (!byWords && (!prompt || FREE.has(prompt.kind))) return { kind: 'switch', intent: c.roles.person };
    return { kind: 'person' };
  }
  const atCheck = prompt?.kind === 'check';
  // "masih sama", "still the same" right after a check was answered "sudah": it is not solved after all.
  // A new error code or another topic named in words is that, not a second answer to the check.
  if (!prompt && c.solvedJustNow && !norm.codes.length && yesNo() === 'no') {
    const cls = c.classify();
    if (cls.decision !== 'route' || contentCount(norm) < 2 || cls.intent === c.roles.thanks) return { kind: 'reopen' };
  }
  // 5.
  if (atCheck || !prompt) {
    const f = codeFollowUp(norm, c.followUps, c.normaliser) ?? phraseFollowUp(norm, c.followUps, c.normaliser);
    if (f) return { kind: 'follow-up', goto: f.goto };
  }
  const cls = c.classify();
  const inScope = cls.decision !== 'fallback' && cls.intent !== c.roles.menu;
  const yn = yesNoPrompt ? yesNo() : undefined;
  // 5b. An error code that belongs to another topic names that topic (exact error texts are the
  // answers' `followUps`, where the context says what they mean).
  if (prompt && prompt.kind !== 'confirm' && !FREE.has(prompt.kind)) {
    const named = cls.codeIntents.find((i) => i !== prompt.intent);
    const optionNamesIt =
      prompt.kind === 'question' && resolveOption(text, prompt.options, { normaliser: c.normaliser, mode: 'answer', questionTokens: c.questionTokens });
    if (named && !optionNamesIt) return { kind: 'switch', intent: named, unsolved: atCheck };
  }
  // 6-7.
  const question = isQuestion(text, norm);
  /** The model is sure the message is about something this bot does not cover, and it names that thing. */
  const surelyNone = cls.intent === NONE_INTENT && cls.score >= OUTSIDE_SURE && namesSomething(norm);
  // A question the bot does not answer (Coretax itself, SPT), asked at a check: the pointer, and the check
  // stays. So for a matter announced as another ("btw login coretax sy kok gagal terus ya", "sekalian,
  // e-Bupot … kok ga bisa kebuat ya?"), "?" or not: its "ga bisa" is no "belum" for the check.
  if (atCheck && surelyNone && ((question && !yesNo()) || (announcesTopic(norm) && !correctionOf(norm)))) return { kind: 'outside' };
  if (atCheck) {
    const asked = atCheckMessage(c, { cls, yn, question, inScope });
    if (asked) return asked;
  }
  // At "Apakah ini yang Anda maksud?", a reply the model reads as the offered topic takes it, whatever
  // "tidak" or "belum" it carries ("belum bisa juga, masih belum registrasi").
  if (prompt?.kind === 'did-you-mean' && cls.decision !== 'fallback') {
    const offered = prompt.options.findIndex((o) => o.role !== 'no' && targetIntent(o.goto) === cls.intent);
    if (offered >= 0) return { kind: 'option', index: offered, via: 'described' };
  }
  // 8.
  const confident = cls.decision === 'route' && cls.score >= c.switchAt && cls.intent !== c.roles.menu;
  if (yesNoPrompt) return atYesNoPrompt(c, { cls, yn, question, confident, acceptsFirst });
  // 9.
  if (
    prompt &&
    !FREE.has(prompt.kind) &&
    cls.intent !== prompt.intent &&
    !c.optionIntents.has(cls.intent) &&
    cls.decision === 'route' &&
    cls.intent !== c.roles.menu
  ) {
    // A correction says what is meant after its marker: an option named there is the answer.
    const corrected = correctionOf(norm);
    const tailOption = corrected
      ? resolveOption(corrected, prompt.options, { normaliser: c.normaliser, mode: 'prefill', questionTokens: c.questionTokens })
      : undefined;
    if (tailOption) return { kind: 'option', index: tailOption.index, via: 'described' };
    // "eh bentar, yang urgent sebenarnya …": an announced new topic wins over an option it happens to name.
    if (announcesTopic(norm)) return { kind: 'switch', intent: cls.intent };
    // "ga ada kode error": it says what is not there; the model hears the topic it names.
    const t0 = norm.tokens;
    if (t0[0] === 'tidak' && t0[1] === 'ada') return { kind: 'reask' };
    // "udah tp gabisa", "ya itu td": answer words or words that name nothing, however sure the model is
    // about a topic for them. The follow-up topic needs one of its own phrases: "maksudnya yang mana ya?
    // saya cuma lihat angka itu di layar" asks about this question, not about the Profile User menu.
    const asideNamed =
      cls.intent !== c.roles.aside || (c.asideOptions.length > 0 && !!resolveOption(text, c.asideOptions, { normaliser: c.normaliser, mode: 'prefill' }));
    if (
      confident &&
      asideNamed &&
      contentCount(norm) > 0 &&
      namesSomething(norm) &&
      !resolveOption(text, prompt.options, { normaliser: c.normaliser, mode: 'answer', questionTokens: c.questionTokens })
    )
      return { kind: 'switch', intent: cls.intent };
  }
  // "eh ga jadi, sebenarnya muncul Tidak Dapat Menghubungi ETaxInvoice Server": an announced topic that
  // one of the options leads to is that option, whatever other option words the message carries.
  if (prompt && !FREE.has(prompt.kind) && announcesTopic(norm) && cls.decision === 'route' && c.optionIntents.has(cls.intent)) {
    const viaIntent = prompt.options.findIndex((o) => targetIntent(o.goto) === cls.intent);
    if (viaIntent >= 0) return { kind: 'option', index: viaIntent, via: 'described' };
  }
  // "eh salah kak, maksudnya bukan kode error, statusnya belum registrasi": the words a correction says are
  // meant, when the model is sure of them, name the topic, though the whole message leaves it unsure and
  // one of the open question's options shares a word with them ("registrasi"). An option of this question's
  // own topic that they name is still the answer ("bukan, maksudnya passphrase sertel").
  if (prompt && !FREE.has(prompt.kind) && prompt.kind !== 'confirm') {
    const meant = correctionOf(norm) ? meantByCorrection(text) : undefined;
    const tc = meant ? c.classifyText(meant) : undefined;
    if (
      tc &&
      tc.decision === 'route' &&
      tc.score >= c.switchAt &&
      tc.intent !== prompt.intent &&
      ![c.roles.menu, c.roles.thanks, c.roles.aside].includes(tc.intent)
    ) {
      const own = resolveOption(meant!, prompt.options, { normaliser: c.normaliser, mode: 'prefill', questionTokens: c.questionTokens });
      const target = own && prompt.options[own.index]!.goto;
      if (own && target && (parseTarget(target).kind === 'node' || targetIntent(target) === prompt.intent || targetIntent(target) === tc.intent))
        return { kind: 'option', index: own.index, via: 'described' };
      return { kind: 'switch', intent: tc.intent, unsolved: atCheck || undefined };
    }
  }
  // 10-11.
  if (prompt && !FREE.has(prompt.kind)) {
    const described = resolveOption(text, prompt.options, { normaliser: c.normaliser, mode: 'answer', questionTokens: c.questionTokens });
    // A question surely about something else takes an option only by a whole phrase of its own, the
    // question's words included: "SPT Masa … lapornya lewat mana?" shares "masa" with "masa berlaku" (whose
    // "berlaku" the question itself says) and is no expired certificate.
    const surelyOutside = prompt.kind === 'question' && question && surelyNone;
    const wholePhrase = () => (resolveOption(text, prompt.options, { normaliser: c.normaliser, mode: 'answer' })?.score ?? 0) >= 1;
    if (described && (!surelyOutside || wholePhrase())) return { kind: 'option', index: described.index, via: 'described' };
    // A reply that names a topic reached through an option is that option (another topic: the prompt's own
    // options are qualified with its intent too, and "ya itu tadi, tulisannya Belum Registrasi" at the
    // reset question named no option at all).
    if (cls.decision !== 'fallback' && cls.intent !== prompt.intent) {
      const viaIntent = prompt.options.findIndex((o) => targetIntent(o.goto) === cls.intent);
      if (viaIntent >= 0) return { kind: 'option', index: viaIntent, via: 'described' };
    }
    if (surelyOutside) return { kind: 'outside' };
    // "thx", "ok makasih" at a question: the user is done; a closing, not an unclear reply (the second of
    // which would offer a person).
    if (prompt.kind === 'question' && thanksAlone(norm.tokens)) return { kind: 'switch', intent: c.roles.thanks };
    return { kind: 'reask' };
  }
  // 12.
  // "Jadi faktur wajib lewat Coretax ya. Baik, terima kasih.": what was understood, then thanks — a
  // closing, not a question the bot does not cover.
  if (cls.decision !== 'route' && !text.includes('?') && endsWithThanks(text, c.normaliser)) return { kind: 'switch', intent: c.roles.thanks };
  if (cls.decision === 'route' && cls.intent !== c.roles.menu) return { kind: 'switch', intent: cls.intent };
  // The menu holds no free text, but a reply no topic claims may still describe one of its own buttons
  // ("yg lain dong" is "Topik lainnya"), and so may one the model reads as the menu itself ("topik yg lain
  // dong"). Buttons that open a topic are the classifier's to choose: a rejected "login coretax gagal"
  // must not become "Tidak bisa login web e-Faktur".
  if (prompt && FREE.has(prompt.kind) && (cls.decision === 'fallback' || cls.intent === c.roles.menu)) {
    const ownNode = (goto: string) => {
      const t = parseTarget(goto);
      return t.kind === 'node' || (t.kind === 'intent' && t.intent === prompt.intent && !!t.node);
    };
    const own = prompt.options.map((o, index) => ({ o, index })).filter(({ o }) => ownNode(o.goto));
    const described = resolveOption(
      text,
      own.map(({ o }) => o),
      { normaliser: c.normaliser, mode: 'answer', questionTokens: c.questionTokens },
    );
    if (described) return { kind: 'option', index: own[described.index]!.index, via: 'described' };
  }
  if (cls.decision === 'route') return { kind: 'switch', intent: cls.intent };
  // "Did you mean the greeting and menu?" asks what the menu itself asks, and so does a product named with
  // no problem ("ETaxInvoice", "efaktur desktop") or a polite frame with no question in it ("Selamat pagi,
  // saya ingin bertanya. Mohon bantuannya."): the menu is shown.
  if (cls.decision === 'did-you-mean' && cls.intent === c.roles.menu && !cls.alternatives.length) return { kind: 'menu' };
  const named = norm.tokens.filter((t) => !FILLER.has(t) && !NO_SUBJECT.has(t) && !AGAIN.has(t));
  if ((!prompt || FREE.has(prompt.kind)) && named.length > 0 && named.every((t) => PRODUCT_NAMES.has(t) || GREETINGS.has(t) || c.frameWords.has(t)))
    return { kind: 'menu' };
  // "kontak", "minta kontaknya aja": only words that ask for the contacts (the model, with one word to go on,
  // is unsure): the person topic, whose question the words pre-fill with its contacts.
  if (
    (!prompt || FREE.has(prompt.kind)) &&
    named.some((t) => CONTACT_WORDS.has(t)) &&
    named.every((t) => CONTACT_WORDS.has(t) || PERSON_REQUEST.has(t) || QUESTION_WORDS.has(t))
  )
    return { kind: 'switch', intent: c.roles.person };
  if (cls.decision === 'did-you-mean') return { kind: 'did-you-mean' };
  return { kind: 'fallback' };
}
