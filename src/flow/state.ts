/**
 * The conversation's state and the neutral shapes a turn produces (replies, events, outcome).
 * Small and JSON-serialisable: SQLite and Redis keep it, a restarted process continues the same step.
 */
import type { AnswerNode } from '../catalog/schema.js';
import type { Classification } from '../nlu/classifier.js';
import type { PromptKind } from './decide.js';
import type { Option } from './options.js';

export const STATE_VERSION = 2;
/** Messages longer than this get a gentle note (we still try to answer). */
export { MESSAGE_CHARS as MAX_TEXT_CHARS } from '../limits.js';

/** The choices a conversation remembers (the hand-off summary lists them). */
export const MAX_CHOICES = 40;

export type HandoffTrigger = 'user-request' | 'procedure-failed' | 'fallbacks' | 'unhelpful';

export interface Prompt {
  kind: PromptKind;
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
  /** The user was told an NPWP/NIK need not be shared (it is masked). */
  identityWarned?: boolean;
  /** The user's last real question (masked). */
  lastQuestion?: string;
  /** The user's last few messages, newest first (masked): what a question may already be answered by. */
  recent: string[];
  /** The last answer shown and how many messages ago: its follow-ups apply for a turn or two. */
  lastAnswer?: { intent: string; node: string; age: number };
  /** The previous message, masked (a double submit is recognised, not re-read). */
  previous?: string;
  /** The kind of the previous turn's outcome. */
  lastKind?: TurnOutcome['kind'];
  /** The check the previous message answered "solved": "masih sama" right after it takes that back. */
  solvedCheck?: Prompt;
}

/** What a turn led to, in neutral terms (conversation tests, logs and insights read it). */
export interface TurnOutcome {
  kind: 'answer' | 'check' | 'question' | 'menu' | 'handoff' | 'confirm' | 'did-you-mean' | 'fallback' | 'closed';
  intent?: string;
  node?: string;
  /** How the turn decision read the message. */
  decision?: string;
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
  | { type: 'handoff'; trigger: HandoffTrigger; intent?: string }
  | { type: 'decision'; decision: string }
  | { type: 'prefilled'; intent: string; node: string; choice: string };

export interface TurnInput {
  text?: string;
}

export interface TurnResult {
  replies: Reply[];
  state: FlowState;
  events: FlowEvent[];
  /** The classifier's view of this message, when it was consulted. */
  classification?: Classification;
  outcome: TurnOutcome;
}

export function newFlowState(): FlowState {
  return { v: STATE_VERSION, path: [], choices: [], codes: [], fallbacks: 0, unsolved: 0, coretaxShown: false, secretWarned: false, recent: [] };
}

/** Accepts whatever the store returned and gives back a usable state (old or foreign shapes start fresh). */
export function reviveFlowState(raw: unknown): FlowState {
  const s = raw as Partial<FlowState> | undefined;
  if (!s || typeof s !== 'object' || s.v !== STATE_VERSION || !Array.isArray(s.path)) return newFlowState();
  return { ...newFlowState(), ...s };
}

/** The topic the user was working on: the last intent visited other than the menu and "talk to a person". */
export function topicOf(state: FlowState, roles: { person: string; menu: string; thanks: string; aside: string }): string | undefined {
  const notTopics = new Set([roles.person, roles.menu, roles.thanks, roles.aside]);
  for (let i = state.path.length - 1; i >= 0; i--) {
    const intent = state.path[i]!.split('/')[0];
    if (intent && !notTopics.has(intent)) return intent;
  }
  return undefined;
}
