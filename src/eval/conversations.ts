/**
 * Conversation tests as data (`tests/conversations/*.yaml`), in the spirit of Rasa's test stories:
 * each conversation is a list of user turns with what the turn should lead to (intent, node, kind of
 * reply, whether the secret warning is shown), never the wording, so an editor can reword freely.
 * They run through the flow engine after the welcome, exactly as the bot layer drives it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { Core } from '../core.js';
import type { TurnOutcome } from '../flow/engine.js';

const KINDS = ['answer', 'check', 'question', 'menu', 'handoff', 'confirm', 'did-you-mean', 'fallback', 'closed'] as const;

const turnSchema = z.strictObject({
  user: z.union([z.string(), z.number().transform(String)]),
  intent: z.string().optional(),
  node: z.string().optional(),
  kind: z.enum(KINDS),
  secretWarning: z.boolean().optional(),
});

const conversationSchema = z.strictObject({
  id: z.string().min(1),
  channel: z.string().optional(),
  description: z.string().optional(),
  turns: z.array(turnSchema).min(1),
});

const fileSchema = z.strictObject({ conversations: z.array(conversationSchema).min(1) });

export type ConversationTest = z.infer<typeof conversationSchema> & { file: string };

export interface TurnFailure {
  conversation: string;
  file: string;
  turn: number;
  user: string;
  expected: string;
  got: string;
}

export interface SuiteResult {
  conversations: number;
  passed: number;
  turns: number;
  turnsPassed: number;
  failures: TurnFailure[];
  /** Pass rate per file (blind vs team-written). */
  byFile: Record<string, { conversations: number; passed: number }>;
}

export function loadConversations(dir: string): ConversationTest[] {
  const out: ConversationTest[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /\.ya?ml$/.test(x))
    .sort()) {
    const r = fileSchema.safeParse(YAML.parse(readFileSync(path.join(dir, f), 'utf8')));
    if (!r.success) throw new Error(r.error.issues.map((i) => `${f}: ${i.path.join('.')}: ${i.message}`).join('\n'));
    for (const c of r.data.conversations) out.push({ ...c, file: f });
  }
  return out;
}

const show = (o: { kind?: string; intent?: string; node?: string; secret?: boolean }) =>
  [o.kind, o.intent, o.node].filter(Boolean).join(' ') + (o.secret === undefined ? '' : o.secret ? ' +warning' : ' -warning');

export function runConversations(core: Core, conversations: ConversationTest[]): SuiteResult {
  const failures: TurnFailure[] = [];
  const byFile: SuiteResult['byFile'] = {};
  let passed = 0;
  let turns = 0;
  let turnsPassed = 0;
  const warnings = new Set([core.catalog.bot.messages.secretWarning, core.catalog.bot.messages.identityWarning]);
  for (const c of conversations) {
    let state = core.engine.welcome().state;
    let ok = true;
    c.turns.forEach((turn, i) => {
      const r = core.engine.turn(state, { text: turn.user });
      state = r.state;
      const got: TurnOutcome = r.outcome;
      const warned = r.replies.some((x) => x.kind === 'text' && warnings.has(x.text));
      const turnOk =
        got.kind === turn.kind &&
        (turn.intent === undefined || got.intent === turn.intent) &&
        (turn.node === undefined || got.node === turn.node) &&
        (turn.secretWarning === undefined || warned === turn.secretWarning);
      turns++;
      if (turnOk) turnsPassed++;
      else {
        ok = false;
        failures.push({
          conversation: c.id,
          file: c.file,
          turn: i + 1,
          user: turn.user,
          expected: show({ ...turn, secret: turn.secretWarning }),
          got: show({ ...got, secret: turn.secretWarning === undefined ? undefined : warned }) + (got.decision ? ` [${got.decision}]` : ''),
        });
      }
    });
    const f = (byFile[c.file] ??= { conversations: 0, passed: 0 });
    f.conversations++;
    if (ok) {
      passed++;
      f.passed++;
    }
  }
  return { conversations: conversations.length, passed, turns, turnsPassed, failures, byFile };
}
