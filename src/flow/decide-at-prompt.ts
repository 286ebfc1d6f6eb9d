/**
 * Steps 7 and 8 of the turn decision (decide.ts): what a message means at a check ("Apakah masalahnya
 * sudah teratasi?") before it is read as a yes or a no, and what it means at a yes/no prompt (a check,
 * "Hubungkan dengan petugas?", a one-topic "Apakah ini yang Anda maksud?").
 */
import type { Classification } from '../nlu/classifier.js';
import { TURN_WORDS } from './reading.js';
import { namesAnOption, resolveOption } from './options.js';
import type { YesNo } from './yes-no.js';
import type { TurnContext, TurnDecision } from './decide.js';
import {
  announcesTopic,
  conditionOnly,
  contentCount,
  contrastTail,
  correctionOf,
  namesMore,
  namesSomething,
  pointsBack,
  reportsDone,
  triedOnly,
  willTry,
} from './reply-reading.js';

/** At a check, a question whose two likeliest topics include the follow-up answers at this probability is one. */
const ASIDE_AT_CHECK = 0.2;

/** What decideTurn has read of the message by then. */
export interface Reading {
  cls: Classification;
  /** The reply read as a yes or a no (at a yes/no prompt). */
  yn: YesNo | undefined;
  question: boolean;
}

/** Step 7: at a check, a question or another part of the topic; undefined when the message is neither. */
export function atCheckMessage(c: TurnContext, r: Reading & { inScope: boolean }): TurnDecision | undefined {
  const { text, norm } = c;
  const prompt = c.prompt!;
  const { cls, yn, question, inScope } = r;
  // "masih bisa dipakai ga web efakturnya? kan udah Coretax": the scope question, though it names a web address;
  // "oh iya, saya lupa password e-Nofa juga": an announced new topic, though it names the e-Nofa site.
  // "oh iya td jalanin dr dalem zip, udah bisa": news that it works, which the check's yes answers.
  const announced = announcesTopic(norm) && cls.intent !== prompt.intent && cls.intent !== c.roles.aside && cls.intent !== c.roles.thanks;
  // The scope question stays a side question when announced ("btw web efakturnya masih bisa dipake kan?
  // udh coretax"): answered, and the check stays open.
  const scopeQuestion = question && cls.score >= c.switchAt && c.scopeIntents.has(cls.intent);
  if (cls.decision === 'route' && (scopeQuestion || announced))
    return { kind: 'switch', intent: cls.intent, unsolved: (announced && !scopeQuestion) || undefined };
  // A short question has to name what it asks about: "yg mana ya" names nothing and is asked again below.
  const asks = namesSomething(norm);
  // The short answers' topic needs one of its answers named: "trs kalo revoke itu dmn?" reads like one of
  // its questions, but none answers it (a question the bot cannot answer at the check, see engine.ts).
  const asideNamed = () => namesAnOption(text, c.asideOptions, { normaliser: c.normaliser, mode: 'answer' });
  if (asks && inScope && cls.intent === c.roles.aside && (question ? cls.score >= 0.4 : cls.score >= 0.6 && !yn) && asideNamed())
    return { kind: 'aside', intent: cls.intent };
  if (question && asks) {
    // Right after a procedure a factual follow-up is the likeliest question: a weaker vote, or one of
    // the follow-up topic's own options ("link", "db lama"), suffices.
    if (cls.ranked.slice(0, 2).some((r) => r.intent === c.roles.aside && r.score >= ASIDE_AT_CHECK) && asideNamed())
      return { kind: 'aside', intent: c.roles.aside };
    // "Got it. Satu lagi, surat kode aktivasi klien saya hilang, gimana?" at the check of what an activation
    // code is: a question about another part of the same topic, by one of its own options, starts it there.
    // It wins over a follow-up answer only by naming more ("Setelah reset aplikasi client, apakah database
    // lama kami masih dapat digunakan?" names the reset and the old database: the follow-up answers it).
    if (cls.decision === 'route' && cls.intent === prompt.intent && cls.score >= c.switchAt && c.topicOptions.length) {
      const own = resolveOption(text, c.topicOptions, { normaliser: c.normaliser, mode: 'prefill' });
      const aside = own && resolveOption(text, c.asideOptions, { normaliser: c.normaliser, mode: 'prefill' });
      // Announced as a new question ("oh iya satu lagi, surat kode aktivasi kami hilang, gimana dapatnya
      // lagi?"), the topic's own option wins too: the rest of the message is about that.
      if (own && (!aside || announcesTopic(norm) || namesMore(text, c.topicOptions[own.index]!, c.asideOptions[aside.index]!, c.normaliser)))
        return { kind: 'switch', intent: cls.intent };
    }
    // Whole phrases only: a partial one made "dapet ETAX-40004" the activation code's origin ("dapat kode
    // aktivasi") and "coba dulu" the old database ("database dulu").
    if (c.asideOptions.length && resolveOption(text, c.asideOptions, { normaliser: c.normaliser, mode: 'prefill' }))
      return { kind: 'aside', intent: c.roles.aside };
    if (cls.decision === 'route' && cls.intent !== c.roles.thanks && cls.intent !== c.roles.aside) return { kind: 'switch', intent: cls.intent };
    if (cls.decision === 'did-you-mean') return { kind: 'did-you-mean' };
  }
  // "terus passphrase nya lupa jg" at the check of an expired certificate: no answer to the check, but
  // another part of the same topic, named by one of its own options, which starts it there.
  if (!question && !yn && cls.decision === 'route' && cls.intent === prompt.intent && cls.score >= c.switchAt && c.topicOptions.length) {
    if (resolveOption(text, c.topicOptions, { normaliser: c.normaliser, mode: 'prefill' })) return { kind: 'switch', intent: cls.intent };
  }
  return undefined;
}

/** Step 8: at a yes/no prompt, the reply read as a whole (or another topic it names). */
export function atYesNoPrompt(c: TurnContext, r: Reading & { confident: boolean; acceptsFirst: () => boolean }): TurnDecision {
  const { text, norm } = c;
  const prompt = c.prompt!;
  const { cls, yn, question, confident, acceptsFirst } = r;
  const atCheck = prompt.kind === 'check';
  const yes = prompt.options.findIndex((o) => o.role === 'yes');
  const no = prompt.options.findIndex((o) => o.role === 'no');
  // "oh iya sekalian, sertel kami udah expired", "sebenernya mau nanya, npwp saya ga nongol": a new
  // topic, whatever yes or no words it carries. Without such a marker a "no" that restates the
  // failure ("salah terus passphrasenya") stays a "no".
  const marked = announcesTopic(norm);
  // With a marker an ordinary routing suffices; without one the classifier must be sure.
  const other =
    (marked ? cls.decision === 'route' : confident) &&
    cls.intent !== prompt.intent &&
    cls.intent !== c.roles.thanks &&
    cls.intent !== c.roles.aside &&
    cls.intent !== c.roles.menu;
  // A "no" that tells what was tried ("ga bisa juga, udah saya set di administrasi sertifikat") stays a no.
  if (other && contentCount(norm) >= 2 && (marked || !yn)) return { kind: 'switch', intent: cls.intent, unsolved: atCheck && yn === 'no' };
  // A question about another topic is not an answer to this one ("nomor Kring Pajak berapa ya?",
  // "emang e-Faktur desktop masih boleh dipakai ya?": their "ya" is a particle). "yg mana ya" names none.
  if (
    question &&
    namesSomething(norm) &&
    !(atCheck && cls.intent === c.roles.aside) &&
    cls.decision === 'route' &&
    cls.score >= c.switchAt &&
    cls.intent !== prompt.intent &&
    cls.intent !== c.roles.menu &&
    cls.intent !== c.roles.thanks
  ) {
    return { kind: 'switch', intent: cls.intent, unsolved: atCheck || undefined };
  }
  // "eh bukan, yang lupa ternyata password e-Nofa": a correction at a check starts the topic again from what it says.
  if (atCheck && correctionOf(norm) && cls.decision === 'route' && cls.intent !== c.roles.menu && cls.intent !== c.roles.thanks)
    return { kind: 'switch', intent: cls.intent, unsolved: true };
  // "Baik, akan kami coba. Terima kasih.", "nanti sy coba dulu": the steps are still to be tried — neither
  // solved nor not; the check stays open.
  if (atCheck && willTry(norm.tokens)) return { kind: 'later' };
  if (prompt.kind === 'confirm' && yn === 'no' && acceptsFirst()) return { kind: 'option', index: yes, via: 'yes-no' };
  if (atCheck && yn === 'yes' && pointsBack(norm)) return { kind: 'reask' };
  if (atCheck && yn === 'yes' && triedOnly(norm)) return { kind: 'tried' };
  if (atCheck && yn === 'yes' && conditionOnly(norm)) return { kind: 'reask' };
  if (yn === 'yes') return { kind: 'option', index: yes, via: 'yes-no' };
  // "tapi saya ga punya sertel di browser" at a check whose "no" would offer a person: what happens now is
  // another topic the model is sure of (read on the words after "tapi" alone), which is tried first.
  if (yn === 'no' && atCheck && prompt.options[no]?.goto === '@escalate') {
    const now = contrastTail(text, c.normaliser);
    // Not when the words after "tapi" only say it still fails ("tapi pas register tetep gagal").
    const restates = !!now && c.normaliser.normalise(now).tokens.some((t) => TURN_WORDS.stillFails.has(t));
    const tail = now && !restates ? c.classifyText(now) : undefined;
    if (tail?.decision === 'route' && tail.score >= c.switchAt && tail.intent !== prompt.intent && !Object.values(c.roles).includes(tail.intent))
      return { kind: 'switch', intent: tail.intent, unsolved: true };
  }
  if (yn === 'no') return { kind: 'option', index: no, via: 'yes-no' };
  if (cls.intent === c.roles.thanks && cls.decision === 'route') return { kind: 'option', index: yes, via: 'yes-no' };
  // "folder db nya udah saya copy": what was done, not how it went — the check is asked again as such.
  if (atCheck && !yn && !question && reportsDone(norm)) return { kind: 'tried' };
  return confident && cls.intent !== prompt.intent && cls.intent !== c.roles.aside ? { kind: 'switch', intent: cls.intent } : { kind: 'reask' };
}
