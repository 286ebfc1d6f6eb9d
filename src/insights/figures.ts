/**
 * THE figures of the helpdesk, from day aggregates: what the supervisors' page (`/agent/insights`),
 * its CSV, `GET /api/review` and `npm run review [--json]` all show. Nothing else computes them.
 *
 * Definitions (a conversation is one conversation id's messages on one local day, counted once whichever
 * instances recorded them: see src/insights/aggregate.ts):
 *  - containment: conversations never handed to a person and not left "belum teratasi" (their last
 *    procedure outcome, if any, was not "not solved") / conversations;
 *  - confirmed solved: conversations without a hand-off that answered "sudah teratasi" at least once;
 *  - hand-off rate (per trigger): conversations handed off (with that trigger) / conversations;
 *  - fallback rate: messages the bot could not place / messages read;
 *  - per procedure (intent/answer node): "sudah teratasi" vs "belum teratasi" answers.
 */
import type { Catalog } from '../catalog/load.js';
import type { IntentClassifier } from '../nlu/classifier.js';
import { addDays, type DayAggregate } from './aggregate.js';
import { clusterTexts, describeCluster, type Cluster, type TextGroup } from './clusters.js';
import type { ConversationTotals, FallbackTotals, SeriesPoint } from './shapes.js';

export type { ConversationTotals, FallbackTotals, SeriesPoint } from './shapes.js';

export type Bucket = 'day' | 'week';
export const TRIGGERS = ['user-request', 'procedure-failed', 'fallbacks', 'unhelpful'] as const;
/** Clusters described (nearest intents, suggestion) in the figures; `clusterCount` tells how many there are. */
export const CLUSTER_LIMIT = 50;
/** Clusters whose counts are given per bucket (the page's chart of unanswered questions). */
const CLUSTER_SERIES = 5;

export interface Period {
  from: string;
  to: string;
  bucket: Bucket;
  tzOffsetMinutes: number;
}

export interface AcceptedNote {
  cluster: string;
  intent: string;
  by: string;
  byName?: string;
  at: string;
  added: number;
}

/** The review report (the CLI's and /api/review's historic shape), part of the figures. */
export interface ReviewReport {
  generatedAt: string;
  days: number;
  totals: { fallbacks: number; didYouMean: number; outcomes: number; handoffs: number };
  clusters: Array<Cluster & { accepted?: AcceptedNote }>;
  corrections: Array<{ offered: string; picked: string; count: number }>;
  refusedSuggestions: Array<{ offered: string; count: number }>;
  intents: Array<{ intent: string; solved: number; unsolved: number; escalated: number; solvedRate: number }>;
  worstProcedures: Array<{ intent: string; code: string; solved: number; unsolved: number; unsolvedRate: number }>;
}

export interface Insights extends ReviewReport {
  period: Period;
  conversations: ConversationTotals;
  handoffTriggers: Array<{ trigger: string; conversations: number; rate: number; events: number }>;
  procedures: Array<{ intent: string; intentTitle: string; node: string; code: string; title: string; solved: number; unsolved: number; unsolvedRate: number }>;
  fallback: FallbackTotals;
  series: SeriesPoint[];
  clusterCount: number;
  /** Intents an unanswered cluster may be added to, with their titles. */
  intentTitles: Record<string, string>;
}

export interface FiguresContext {
  matcher: IntentClassifier;
  catalog?: Pick<Catalog, 'intents'>;
  accepted?: AcceptedNote[];
  now?: Date;
}

export const rate = (a: number, b: number): number => (b ? Math.round((a / b) * 1000) / 1000 : 0);

/** Local days from..to inclusive. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The bucket a day falls in: itself, or its ISO week (Monday first) cut to the period. */
function bucketStart(day: string, p: Period): string {
  if (p.bucket === 'day') return day;
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(day, -weekday);
  return monday < p.from ? p.from : monday;
}

function sumInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [k, v] of Object.entries(source)) target[k] = (target[k] ?? 0) + v;
}

/** All clusters of the period's unanswered messages (before describing them). */
export function periodClusters(days: DayAggregate[], matcher: IntentClassifier): ReturnType<typeof clusterTexts> {
  const texts = new Map<string, number>();
  for (const d of days) for (const [t, n] of Object.entries(d.unanswered)) texts.set(t, (texts.get(t) ?? 0) + n);
  return clusterTexts(texts, matcher.normaliser);
}

/** One cluster of the period by id, described (what `--accept` and the page's button add), or undefined. */
export function findCluster(days: DayAggregate[], matcher: IntentClassifier, id: string): Cluster | undefined {
  const g: TextGroup | undefined = periodClusters(days, matcher).groups.find((x) => x.id === id);
  return g ? describeCluster(g, matcher) : undefined;
}

export function computeInsights(days: DayAggregate[], period: Period, ctx: FiguresContext): Insights {
  const inPeriod = days.filter((d) => d.day >= period.from && d.day <= period.to);
  const buckets = new Map<string, SeriesPoint>();
  for (const day of daysOf(period.from, period.to)) {
    const start = bucketStart(day, period);
    const b = buckets.get(start);
    if (b) b.end = day;
    else
      buckets.set(start, {
        start,
        end: day,
        conversations: 0,
        contained: 0,
        confirmedSolved: 0,
        handedOff: 0,
        handoffByTrigger: Object.fromEntries(TRIGGERS.map((t) => [t, 0])),
        turns: 0,
        fallbacks: 0,
        solved: 0,
        unsolved: 0,
        unanswered: 0,
        clusters: {},
        containmentRate: 0,
        handoffRate: 0,
        fallbackRate: 0,
      });
  }
  const bucketOf = (day: string) => buckets.get(bucketStart(day, period))!;

  const totals = { fallbacks: 0, didYouMean: 0, outcomes: 0, handoffs: 0 };
  let turns = 0;
  const handoffEvents: Record<string, number> = {};
  const corrections: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const escalated: Record<string, number> = {};
  const procedures = new Map<string, { intent: string; node: string; code: string; solved: number; unsolved: number }>();
  const conv = { total: 0, contained: 0, confirmedSolved: 0, handedOff: 0 };
  const byTrigger: Record<string, number> = Object.fromEntries(TRIGGERS.map((t) => [t, 0]));
  for (const d of inPeriod) {
    const b = bucketOf(d.day);
    totals.fallbacks += d.fallbacks;
    totals.didYouMean += d.didYouMean;
    totals.outcomes += d.outcomes;
    totals.handoffs += d.handoffs;
    turns += d.turns;
    b.turns += d.turns;
    b.fallbacks += d.fallbacks;
    for (const n of Object.values(d.unanswered)) b.unanswered += n;
    sumInto(handoffEvents, d.handoffEvents);
    sumInto(corrections, d.corrections);
    sumInto(refused, d.refused);
    sumInto(escalated, d.escalated);
    for (const [k, p] of Object.entries(d.procedures)) {
      b.solved += p.solved;
      b.unsolved += p.unsolved;
      const cur = procedures.get(k);
      if (cur) {
        cur.solved += p.solved;
        cur.unsolved += p.unsolved;
      } else procedures.set(k, { ...p });
    }
    const dc = d.conv;
    if (dc) {
      conv.total += dc.total;
      conv.contained += dc.contained;
      conv.confirmedSolved += dc.confirmedSolved;
      conv.handedOff += dc.handedOff;
      b.conversations += dc.total;
      b.contained += dc.contained;
      b.confirmedSolved += dc.confirmedSolved;
      b.handedOff += dc.handedOff;
      sumInto(byTrigger, dc.byTrigger);
      sumInto(b.handoffByTrigger, dc.byTrigger);
    }
  }

  const { groups, clusterOf } = periodClusters(inPeriod, ctx.matcher);
  const top = new Set(groups.slice(0, CLUSTER_SERIES).map((g) => g.id));
  for (const d of inPeriod) {
    const b = bucketOf(d.day);
    for (const [t, n] of Object.entries(d.unanswered)) {
      const id = clusterOf.get(t);
      if (id && top.has(id)) b.clusters[id] = (b.clusters[id] ?? 0) + n;
    }
  }
  const accepted = new Map((ctx.accepted ?? []).map((a) => [a.cluster, a]));
  const clusters = groups.slice(0, CLUSTER_LIMIT).map((g) => {
    const c = describeCluster(g, ctx.matcher);
    const a = accepted.get(c.id);
    return a ? { ...c, accepted: a } : c;
  });

  const series = [...buckets.values()].map((b) => ({
    ...b,
    containmentRate: rate(b.contained, b.conversations),
    handoffRate: rate(b.handedOff, b.conversations),
    fallbackRate: rate(b.fallbacks, b.turns),
  }));
  const intentTitle = (id: string) => ctx.catalog?.intents.get(id)?.title ?? id;
  const nodeTitle = (intent: string, node: string) => {
    const n = ctx.catalog?.intents.get(intent)?.nodes[node];
    return n && n.type === 'answer' ? n.title : node;
  };
  const perIntent = new Map<string, { solved: number; unsolved: number; escalated: number }>();
  const intentRow = (id: string) => {
    let v = perIntent.get(id);
    if (!v) perIntent.set(id, (v = { solved: 0, unsolved: 0, escalated: 0 }));
    return v;
  };
  for (const p of procedures.values()) {
    const v = intentRow(p.intent);
    v.solved += p.solved;
    v.unsolved += p.unsolved;
  }
  for (const [id, n] of Object.entries(escalated)) intentRow(id).escalated += n;
  const triggerNames = [
    ...TRIGGERS,
    ...Object.keys(byTrigger)
      .filter((t) => !(TRIGGERS as readonly string[]).includes(t))
      .sort(),
  ];

  return {
    generatedAt: (ctx.now ?? new Date()).toISOString(),
    days: daysOf(period.from, period.to).length,
    period,
    totals,
    conversations: {
      ...conv,
      containmentRate: rate(conv.contained, conv.total),
      confirmedSolvedRate: rate(conv.confirmedSolved, conv.total),
      handoffRate: rate(conv.handedOff, conv.total),
    },
    handoffTriggers: triggerNames.map((t) => ({
      trigger: t,
      conversations: byTrigger[t] ?? 0,
      rate: rate(byTrigger[t] ?? 0, conv.total),
      events: handoffEvents[t] ?? 0,
    })),
    procedures: [...procedures.values()]
      .map((p) => ({
        intent: p.intent,
        intentTitle: intentTitle(p.intent),
        node: p.node,
        code: p.code,
        title: nodeTitle(p.intent, p.node),
        solved: p.solved,
        unsolved: p.unsolved,
        unsolvedRate: rate(p.unsolved, p.solved + p.unsolved),
      }))
      .sort((a, b) => b.solved + b.unsolved - (a.solved + a.unsolved) || b.unsolvedRate - a.unsolvedRate || a.code.localeCompare(b.code)),
    fallback: { turns, fallbacks: totals.fallbacks, rate: rate(totals.fallbacks, turns) },
    series,
    clusters,
    clusterCount: groups.length,
    corrections: Object.entries(corrections)
      .map(([k, count]) => ({ offered: k.split('\u0000')[0]!, picked: k.split('\u0000')[1]!, count }))
      .sort((a, b) => b.count - a.count),
    refusedSuggestions: Object.entries(refused)
      .map(([offered, count]) => ({ offered, count }))
      .sort((a, b) => b.count - a.count),
    intents: [...perIntent.entries()]
      .map(([intent, v]) => ({ intent, ...v, solvedRate: rate(v.solved, v.solved + v.unsolved + v.escalated) }))
      .sort((a, b) => a.solvedRate - b.solvedRate),
    worstProcedures: [...procedures.values()]
      .map((n) => ({ intent: n.intent, code: n.code, solved: n.solved, unsolved: n.unsolved, unsolvedRate: rate(n.unsolved, n.solved + n.unsolved) }))
      .sort((a, b) => b.unsolvedRate - a.unsolvedRate || b.unsolved - a.unsolved)
      .slice(0, 10),
    intentTitles: Object.fromEntries([...(ctx.catalog?.intents.values() ?? [])].map((i) => [i.id, i.title])),
  };
}
