/**
 * One local day of curation records, summed: what every figure of the insights page and of
 * `npm run review` is computed from. A day's aggregate is small (counts, the masked unanswered texts
 * with their counts, one short summary per conversation), additive, and JSON: closed days are kept in
 * the store as roll-ups (src/insights/source.ts), so a 30-day figure never re-reads 30 days of records.
 *
 * A conversation is counted per local day: one conversation id's messages on one day (Teams keeps one
 * conversation id per user for ever, so a longer unit would merge weeks of separate questions). Its
 * records are matched by their pseudonym (`c`, see src/curation/log.ts) whichever instance recorded
 * them, then the day keeps only the counts (`finishDay`). Records without a pseudonym (written before
 * conversations were recorded) count in the event figures only.
 */
import type { CurationRecord } from '../curation/log.js';

/** What one conversation did on one day. Short keys: a busy day holds a few thousand of these. */
export interface ConvSummary {
  /** First record, epoch ms. */
  f: number;
  /** Hand-off triggers, in order of first occurrence. */
  h?: string[];
  /** Outcomes "sudah teratasi" / "belum teratasi" given. */
  s?: number;
  u?: number;
  /** The last outcome (1 solved, 0 not solved) and when (epoch ms). */
  o?: 0 | 1;
  l?: number;
}

export interface ProcedureCounts {
  intent: string;
  node: string;
  code: string;
  solved: number;
  unsolved: number;
}

/** The day's conversations, counted (see src/insights/figures.ts for the definitions). */
export interface ConversationCounts {
  total: number;
  contained: number;
  confirmedSolved: number;
  handedOff: number;
  /** Conversations handed off, per trigger (a conversation with two triggers counts in both). */
  byTrigger: Record<string, number>;
}

export interface DayAggregate {
  /** Local day (see tzOffsetMinutes), YYYY-MM-DD. */
  day: string;
  /** Set by finishDay, from `conversations`. */
  conv?: ConversationCounts;
  turns: number;
  fallbacks: number;
  didYouMean: number;
  outcomes: number;
  handoffs: number;
  /** Hand-off events per trigger. */
  handoffEvents: Record<string, number>;
  /** While summing: the conversations of the day by pseudonym (dropped by finishDay). */
  conversations?: Record<string, ConvSummary>;
  /** Unanswered messages (fallbacks, did-you-mean refused): masked text -> count. */
  unanswered: Record<string, number>;
  /** Did-you-mean corrections: `offered\u0000picked` -> count. */
  corrections: Record<string, number>;
  /** Did-you-mean refused: first offered intent -> count. */
  refused: Record<string, number>;
  /** Hand-offs per topic intent. */
  escalated: Record<string, number>;
  /** Outcomes per `intent/node`. */
  procedures: Record<string, ProcedureCounts>;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** The local day (YYYY-MM-DD) of an instant, for a zone `tzOffsetMinutes` east of UTC. */
export const localDay = (atMs: number, tzOffsetMinutes: number): string => new Date(atMs + tzOffsetMinutes * MINUTE_MS).toISOString().slice(0, 10);

/** The instant (epoch ms) a local day begins. */
export const dayStart = (day: string, tzOffsetMinutes: number): number => Date.parse(`${day}T00:00:00Z`) - tzOffsetMinutes * MINUTE_MS;

/** `day` plus `n` days (YYYY-MM-DD arithmetic, no time zones involved). */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

export function emptyDay(day: string): DayAggregate {
  return {
    day,
    conv: { total: 0, contained: 0, confirmedSolved: 0, handedOff: 0, byTrigger: {} },
    turns: 0,
    fallbacks: 0,
    didYouMean: 0,
    outcomes: 0,
    handoffs: 0,
    handoffEvents: {},
    unanswered: {},
    corrections: {},
    refused: {},
    escalated: {},
    procedures: {},
  };
}

const bump = (map: Record<string, number>, key: string, n = 1) => {
  map[key] = (map[key] ?? 0) + n;
};

function conv(agg: DayAggregate, c: string | undefined, at: number): ConvSummary | undefined {
  if (!c) return undefined;
  const all = (agg.conversations ??= {});
  let s = all[c];
  if (!s) all[c] = s = { f: at };
  else if (at < s.f) s.f = at;
  return s;
}

/** Adds one record (its instant `at` already parsed) to a day. */
export function addRecord(agg: DayAggregate, r: CurationRecord, at: number): void {
  const s = conv(agg, r.c, at);
  switch (r.type) {
    case 'turn':
      agg.turns++;
      break;
    case 'fallback':
      agg.fallbacks++;
      if (r.text.trim()) bump(agg.unanswered, r.text);
      break;
    case 'did-you-mean': {
      agg.didYouMean++;
      const first = r.offered[0];
      if (r.picked === null) {
        if (r.text.trim()) bump(agg.unanswered, r.text);
        if (first) bump(agg.refused, first);
      } else if (first && r.picked !== first) bump(agg.corrections, `${first}\u0000${r.picked}`);
      break;
    }
    case 'outcome': {
      agg.outcomes++;
      const key = `${r.intent}/${r.node}`;
      let p = agg.procedures[key];
      if (!p) agg.procedures[key] = p = { intent: r.intent, node: r.node, code: r.code, solved: 0, unsolved: 0 };
      if (r.solved) p.solved++;
      else p.unsolved++;
      if (s) {
        if (r.solved) s.s = (s.s ?? 0) + 1;
        else s.u = (s.u ?? 0) + 1;
        if (s.l === undefined || at >= s.l) {
          s.l = at;
          s.o = r.solved ? 1 : 0;
        }
      }
      break;
    }
    case 'handoff':
      agg.handoffs++;
      bump(agg.handoffEvents, r.trigger);
      if (r.intent) bump(agg.escalated, r.intent);
      if (s && !s.h?.includes(r.trigger)) s.h = [...(s.h ?? []), r.trigger];
      break;
  }
}

/** Sums records into local days (days without records are absent); finishDay each day when all are in. */
export function aggregateRecords(
  records: Iterable<CurationRecord>,
  tzOffsetMinutes: number,
  into = new Map<string, DayAggregate>(),
): Map<string, DayAggregate> {
  for (const r of records) {
    const at = Date.parse(r.at);
    if (!Number.isFinite(at)) continue;
    const day = localDay(at, tzOffsetMinutes);
    let agg = into.get(day);
    if (!agg) into.set(day, (agg = emptyDay(day)));
    addRecord(agg, r, at);
  }
  return into;
}

/** Counts the day's conversations and drops the per-conversation summaries (a closed day keeps counts only). */
export function finishDay(agg: DayAggregate): DayAggregate {
  const conv: ConversationCounts = { ...(agg.conv ?? { total: 0, contained: 0, confirmedSolved: 0, handedOff: 0, byTrigger: {} }) };
  conv.byTrigger = { ...conv.byTrigger };
  for (const s of Object.values(agg.conversations ?? {})) {
    conv.total++;
    if (s.h?.length) {
      conv.handedOff++;
      for (const t of s.h) bump(conv.byTrigger, t);
    } else {
      // Contained: no person and not left "belum teratasi"; confirmed: "sudah teratasi" at least once.
      if (s.o !== 0) conv.contained++;
      if ((s.s ?? 0) > 0) conv.confirmedSolved++;
    }
  }
  const { conversations: _c, ...rest } = agg;
  return { ...rest, conv };
}
