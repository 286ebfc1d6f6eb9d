/**
 * The shape of the content in `intents/`, as zod schemas.
 *
 * Two kinds of files live there:
 *  - `<intent-id>.yaml`: one intent (examples, keywords, the conversation graph);
 *  - `_bot.yaml`: the bot's own wording (welcome, fallback, prompts), the Coretax note and the
 *    helpdesk contacts. Files whose name starts with `_` are never intents.
 *
 * Everything a helpdesk editor may change is here as data; the engine only interprets it.
 */
import { z } from 'zod';

/** Editors write `40005` or `1` unquoted; YAML reads them as numbers. Text lists accept both. */
const text = z.union([z.string().min(1), z.number().transform(String)], {
  error: 'must be a non-empty text (quote it if it contains ": " or starts with a special character)',
});

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase letters, digits and single dashes (e.g. "reset-aplikasi")');

/**
 * Where a choice or a finished step leads:
 *  - `<node-id>`: a node of the same intent;
 *  - `intent:<id>`: the start of another intent; `intent:<id>#<node>`: one node of it;
 *  - `@escalate`: offer a person (asks for confirmation first);
 *  - `@handoff`: hand off to a person right away (the user asked for it);
 *  - `@end`: close warmly;
 *  - `@menu`: show the topic menu.
 */
export const targetSchema = z
  .string()
  .regex(
    /^(@(escalate|handoff|end|menu)|intent:[a-z0-9]+(-[a-z0-9]+)*(#[a-z0-9]+(-[a-z0-9]+)*)?|[a-z0-9]+(-[a-z0-9]+)*)$/,
    'a target is a node id, "intent:<id>", "intent:<id>#<node>", "@escalate", "@handoff", "@end" or "@menu"',
  );

export const choiceSchema = z.strictObject({
  /** Button text; Indonesian, short (Teams truncates long suggested actions). */
  label: z.string().min(1).max(60),
  /** Other ways users type this choice ("database rusak", "kena virus"). */
  synonyms: z.array(text).default([]),
  goto: targetSchema,
  /**
   * One line said when the user's own words already chose this option and the question is skipped
   * ("Karena database terkena virus, berikut langkahnya:"). Default: `messages.understood`.
   */
  understood: z.string().min(1).max(200).optional(),
});

/**
 * What a message means right after an answer (at its check, or for a turn or two after it):
 * an error code or a phrase that, in this context, points to a specific node.
 */
export const followUpSchema = z
  .strictObject({
    /** Error codes as users type them ("ETAX-40005"); any one of them matches. */
    codes: z.array(text).optional(),
    /** Phrases (normalised like user text) that match anywhere in the message. */
    says: z.array(text).optional(),
    goto: targetSchema,
  })
  .refine((f) => (f.codes?.length ?? 0) + (f.says?.length ?? 0) > 0, { message: 'a follow-up needs "codes" or "says"' });

/** A piece of content the bot says: an explanation, a procedure or both. It is also a canned answer for agents. */
export const answerNodeSchema = z.strictObject({
  type: z.literal('answer'),
  /** Short code agents type (`/reset`); unique across the catalog. */
  code: slug,
  /** Indonesian title of the canned answer (and the procedure card's heading). */
  title: z.string().min(3).max(120),
  /**
   * `false`: the title is not shown above the text, in chat or in the canned answer an agent sends (a short
   * conversational reply such as the closing thanks reads oddly under a heading); agents' lists still show it.
   */
  heading: z.boolean().default(true),
  tags: z.array(text).default([]),
  /** Paragraph(s) before the steps. Markdown (bold, italics) is allowed. */
  text: z.string().min(1).optional(),
  /** Numbered steps of a procedure, in order. */
  steps: z.array(z.string().min(1)).optional(),
  /** Paragraph after the steps. */
  note: z.string().min(1).optional(),
  /** Show the Kring Pajak contacts and hours (from `_bot.yaml`) after this answer. */
  contacts: z.boolean().default(false),
  /**
   * `true`: show the Coretax caveat (from `_bot.yaml`) once per conversation before this node. A text instead:
   * this node's own Coretax note, always shown first (e.g. activation, which PKP registered since 2025 skip).
   */
  coretax: z.union([z.boolean(), z.string().min(1)]).default(false),
  /** Continue at once with another node (no "did it work?" question). */
  next: targetSchema.optional(),
  /** After the answer, ask "Apakah masalahnya sudah teratasi?" (ignored when `next` is set). */
  check: z.boolean().default(true),
  /** Where "sudah teratasi" leads. */
  onSolved: targetSchema.default('@end'),
  /** Where "belum teratasi" leads: the next remedy, or `@escalate` when this was the last one. */
  onUnsolved: targetSchema.default('@escalate'),
  /** What a follow-up message means right after this answer (see followUpSchema). */
  followUps: z.array(followUpSchema).default([]),
});

/** A question with choices; each choice leads somewhere. */
export const questionNodeSchema = z.strictObject({
  type: z.literal('question'),
  text: z.string().min(1),
  choices: z.array(choiceSchema).min(2).max(10),
});

/** Hand the conversation to people (Kring Pajak / helpdesk agents). */
export const handoffNodeSchema = z.strictObject({
  type: z.literal('handoff'),
  /** Optional words before the contacts card. */
  text: z.string().min(1).optional(),
});

export const nodeSchema = z.discriminatedUnion('type', [answerNodeSchema, questionNodeSchema, handoffNodeSchema]);

export const intentSchema = z.strictObject({
  id: slug,
  /** Indonesian; shown in menus and did-you-mean choices. */
  title: z.string().min(3).max(60),
  description: z.string().min(3),
  /** Shown in the topic menu (order = `menuOrder`). */
  menu: z.boolean().default(false),
  menuOrder: z.number().int().default(100),
  /**
   * The topic only states what this bot covers and where to go instead (the Coretax question). A message
   * the evaluation sets label out of scope that lands here counts as rejected: the user is pointed away.
   */
  scope: z.boolean().default(false),
  /** Example utterances, as users really type them. */
  examples: z.array(text).min(1),
  /** Phrases that, when present in a normalised message, strongly suggest this intent. */
  keywords: z.array(text).default([]),
  /** Regular expressions over the normalised text (e.g. error codes). A match is strong evidence. */
  patterns: z.array(z.string().min(1)).default([]),
  /** The first node; omitted only by intents without a conversation (e.g. `none`). */
  start: slug.optional(),
  nodes: z.record(slug, nodeSchema).default({}),
});

const contactSchema = z.strictObject({
  label: z.string().min(1),
  value: z.string().min(1),
  /** Optional link (tel:, mailto:, https:). */
  url: z.string().min(1).optional(),
});

export const botContentSchema = z.strictObject({
  messages: z.strictObject({
    welcome: z.string().min(1),
    /** A source that started too many conversations in a short time (anonymous mode). */
    tooManyConversations: z.string().min(1),
    menuPrompt: z.string().min(1),
    fallback: z.string().min(1),
    fallbackRepeated: z.string().min(1),
    didYouMean: z.string().min(1),
    noneOfThese: z.string().min(1),
    /** The did-you-mean with one topic offered: a yes/no question. */
    didYouMeanOne: z.string().min(1),
    notThisOne: z.string().min(1),
    choiceNotUnderstood: z.string().min(1),
    checkQuestion: z.string().min(1),
    /** After a follow-up question was answered, the check is asked again with this. */
    checkAgain: z.string().min(1),
    /** Said when a question is skipped because the user already named the option; {choice} is its label. */
    understood: z.string().min(1),
    /** An unclear reply to a question: a short hint, then the same options again. */
    reaskHint: z.string().min(1),
    /** An unclear reply to a yes/no question. */
    reaskYesNo: z.string().min(1),
    /** A question at "is the problem solved?" that the bot cannot answer ("keychain itu apa?"): the check follows. */
    unansweredAtCheck: z.string().min(1),
    /** "akan kami coba" at the check: the steps are still to be tried; the check stays open. */
    willTry: z.string().min(1),
    /** At a check, a bare yes with what was done ("iya udah dicoba restart"): the check asked again. */
    triedAsk: z.string().min(1),
    checkSolvedLabel: z.string().min(1),
    checkUnsolvedLabel: z.string().min(1),
    solved: z.string().min(1),
    escalateConfirm: z.string().min(1),
    escalateYesLabel: z.string().min(1),
    escalateNoLabel: z.string().min(1),
    escalateDeclined: z.string().min(1),
    cancelled: z.string().min(1),
    handoff: z.string().min(1),
    handoffSummaryIntro: z.string().min(1),
    secretWarning: z.string().min(1),
    /** Said once when an NPWP or NIK (not a credential) is pasted. */
    identityWarning: z.string().min(1),
    /** The prompt under an out-of-scope pointer. */
    afterPointer: z.string().min(1),
    attachment: z.string().min(1),
    emptyMessage: z.string().min(1),
    tooLong: z.string().min(1),
    rateLimited: z.string().min(1),
    error: z.string().min(1),
    storeDown: z.string().min(1),
    nextStepLabel: z.string().min(1),
    menuLabel: z.string().min(1),
    agentLabel: z.string().min(1),
  }),
  /** Live-agent hand-over wording; placeholders: {ref}, {position}, {agent}, {wait}, {hours}, {days}. */
  live: z.strictObject({
    queued: z.string().min(1),
    stillWaiting: z.string().min(1),
    agentJoined: z.string().min(1),
    /** Above each message an agent writes, so it reads as a person's, not the bot's; {agent} is the name. */
    agentSays: z.string().min(1),
    agentLeft: z.string().min(1),
    released: z.string().min(1),
    timeout: z.string().min(1),
    outsideHours: z.string().min(1),
    waitCancelled: z.string().min(1),
    outcomeThanks: z.string().min(1),
    outcomeSorry: z.string().min(1),
    /** `handoff.status` from a hand-off hub: accepted, failed, completed. */
    hubAccepted: z.string().min(1),
    hubFailed: z.string().min(1),
    hubCompleted: z.string().min(1),
    /** Said in Teams when `/daftar-agen` registered the configured agents' channel. */
    channelRegistered: z.string().min(1),
    /** Said when an agent command comes from anywhere but the configured agents' channel. */
    notAgentsChannel: z.string().min(1),
    /** The agent's name when Teams' roster cannot be read. */
    agentFallbackName: z.string().min(1),
    /** Weekday names from Monday (ISO 1) to Sunday (7), for the agents' service days in `outsideHours` ({days}). */
    dayNames: z.array(z.string().min(1)).length(7),
    /** The wait in `stillWaiting` ({wait}); {minutes}, {hours}. */
    duration: z.strictObject({ underMinute: z.string().min(1), minutes: z.string().min(1), hours: z.string().min(1), hoursMinutes: z.string().min(1) }),
    /** A user's line in a ticket's Teams thread; {text} is what they wrote (masked). */
    userLine: z.string().min(1),
  }),
  /** How the masked transcript that agents read marks what was not typed text. */
  transcript: z.strictObject({
    attachment: z.string().min(1),
    contacts: z.string().min(1),
    /** {title}, {code}: the procedure given. */
    procedure: z.string().min(1),
    /** Names on the transcript sent to a hand-off hub. */
    userName: z.string().min(1),
    botName: z.string().min(1),
  }),
  coretaxNote: z.string().min(1),
  /**
   * What this bot does not cover, and where to go instead. A message classified out of scope that
   * contains one of a pointer's phrases (normalised like user text) gets that pointer's text; others
   * get `general`. Facts only from the knowledge file; never a procedure it does not hold.
   */
  outOfScope: z.strictObject({
    general: z.string().min(1),
    pointers: z
      .array(
        z
          .strictObject({
            topic: slug,
            says: z.array(text).min(1),
            /** What the bot says (a pointer elsewhere)… */
            text: z.string().min(1).optional(),
            /** …or a topic of this bot that answers it (e.g. the Coretax question). */
            goto: targetSchema.optional(),
          })
          .refine((p) => (p.text === undefined) !== (p.goto === undefined), { message: 'a pointer needs exactly one of "text" or "goto"' }),
      )
      .default([]),
  }),
  contacts: z.strictObject({
    title: z.string().min(1),
    channels: z.array(contactSchema).min(1),
    hours: z.string().min(1),
    hoursNote: z.string().min(1),
    /** {hours}: the hours line. */
    hoursLabel: z.string().min(1),
    /** On the contacts card after a hand-off; {ref}: the ticket's reference. */
    referenceLabel: z.string().min(1),
  }),
  /**
   * Intents with a role in the turn decision: a request for a person, a short factual follow-up
   * asked in passing, the greeting/menu, thanks. Each must be an intent of the catalog.
   */
  roles: z.strictObject({ person: slug, aside: slug, menu: slug, thanks: slug }),
  /** Whole messages that are commands (normalised like user text): back to the menu, cancel. */
  commands: z.strictObject({ menu: z.array(text).min(1), cancel: z.array(text).min(1) }),
  /** The hand-off summary agents read and the copy-ready text for Kring Pajak; `{x}` are filled in. */
  summary: z.strictObject({
    triggers: z.strictObject({
      'user-request': z.string().min(1),
      'procedure-failed': z.string().min(1),
      fallbacks: z.string().min(1),
      unhelpful: z.string().min(1),
    }),
    topic: z.string().min(1),
    stepsGiven: z.string().min(1),
    noSteps: z.string().min(1),
    choices: z.string().min(1),
    codes: z.string().min(1),
    lastQuestion: z.string().min(1),
    copy: z.strictObject({
      ref: z.string().min(1),
      topic: z.string().min(1),
      codes: z.string().min(1),
      tried: z.string().min(1),
      question: z.string().min(1),
      request: z.string().min(1),
    }),
  }),
  /** Short codes (`/reset`, `/cari …`) and the Teams search extension. */
  canned: z.strictObject({
    list: z.string().min(1),
    searchResults: z.string().min(1),
    showHint: z.string().min(1),
    noMatch: z.string().min(1),
    unknownCode: z.string().min(1),
    notFound: z.string().min(1),
  }),
  /** The escalation card in the agents' Teams channel and the replies there. */
  agentsChannel: z.strictObject({
    cardTitle: z.string().min(1),
    facts: z.strictObject({
      topic: z.string().min(1),
      steps: z.string().min(1),
      codes: z.string().min(1),
      channel: z.string().min(1),
      status: z.string().min(1),
    }),
    status: z.strictObject({ assigned: z.string().min(1), waiting: z.string().min(1), closed: z.string().min(1), none: z.string().min(1) }),
    claimButton: z.string().min(1),
    claimFailedMissing: z.string().min(1),
    claimFailedTaken: z.string().min(1),
    closeNotYours: z.string().min(1),
    claimFirst: z.string().min(1),
    handledByOther: z.string().min(1),
  }),
});

/** `_lexicon.yaml`: how users write, mapped to the words the examples use (see the normaliser). */
export const lexiconSchema = z.strictObject({
  phrases: z.record(z.string().min(1), z.string()).default({}),
  words: z.record(z.string().regex(/^[\p{L}\p{N}]+$/u, 'a word key is one token: letters and digits only'), z.string()).default({}),
  /** Real words that are never "corrected" into a look-alike ("hormat" is not "format", "hanya" not "tanya"). */
  keep: z.array(z.string().regex(/^[\p{L}\p{N}]+$/u, 'one word: letters and digits only')).default([]),
  /** Words that, just before an error code, say it is not that code ("bukan 40005"): its topic does not decide. */
  notThisCode: z.array(z.string().regex(/^[\p{L}\p{N}]+$/u, 'one word: letters and digits only')).default([]),
  /** After a `notThisCode` word these make it "not only" ("bukan cuma 40005"), which still names the code. */
  notOnly: z.array(z.string().regex(/^[\p{L}\p{N}]+$/u, 'one word: letters and digits only')).default([]),
  /** An error's message as the screen shows it, and its code: when the model is unsure, quoting the message decides as the code would. */
  errorTexts: z.record(z.string().min(3), z.string().regex(/^ETAX(SERVICE|-API)?-?\d{5}$/i, 'an e-Faktur error code such as ETAXSERVICE-40002')).default({}),
  /**
   * Polite frames around a question ("Selamat pagi, … Mohon bantuannya."): in training, a share of the
   * examples of every intent but `except` is seen once more inside one, so a greeting does not outweigh
   * the problem it opens.
   */
  frames: z
    .strictObject({
      openings: z.array(z.string().min(1)).default([]),
      closings: z.array(z.string().min(1)).default([]),
      /** Share of each intent's examples seen framed (deterministic). */
      share: z.number().min(0).max(1).default(0),
      /** Intents whose examples are greetings or thanks themselves. */
      except: z.array(z.string().min(1)).default([]),
    })
    .default({ openings: [], closings: [], share: 0, except: [] }),
});

export type Lexicon = z.infer<typeof lexiconSchema>;
export type Target = z.infer<typeof targetSchema>;
export type Choice = z.infer<typeof choiceSchema>;
export type FollowUpData = z.infer<typeof followUpSchema>;
export type AnswerNode = z.infer<typeof answerNodeSchema>;
export type QuestionNode = z.infer<typeof questionNodeSchema>;
export type HandoffNode = z.infer<typeof handoffNodeSchema>;
export type FlowNode = z.infer<typeof nodeSchema>;
export type Intent = z.infer<typeof intentSchema>;
export type BotContent = z.infer<typeof botContentSchema>;
