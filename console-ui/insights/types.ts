/**
 * What the insights page reads of GET /agent/api/insights (src/insights/figures.ts `Insights`). Only
 * the fields the page uses; tests/insights-api.test.ts checks at compile time that the server's
 * figures fit this shape, so the two cannot drift apart unnoticed.
 */
export interface PeriodView {
  from: string;
  to: string;
  bucket: 'day' | 'week';
}

export interface SeriesPointView {
  start: string;
  end: string;
  conversations: number;
  contained: number;
  confirmedSolved: number;
  handedOff: number;
  handoffByTrigger: Record<string, number>;
  turns: number;
  fallbacks: number;
  solved: number;
  unsolved: number;
  unanswered: number;
  clusters: Record<string, number>;
  containmentRate: number;
  handoffRate: number;
  fallbackRate: number;
}

export interface ClusterView {
  id: string;
  count: number;
  phrasings: string[];
  nearest: Array<{ intent: string; score: number }>;
  suggested?: string;
  accepted?: { intent: string; by: string; byName?: string; at: string };
}

export interface InsightsView {
  generatedAt: string;
  period: PeriodView;
  conversations: {
    total: number;
    contained: number;
    confirmedSolved: number;
    handedOff: number;
    containmentRate: number;
    confirmedSolvedRate: number;
    handoffRate: number;
  };
  handoffTriggers: Array<{ trigger: string; conversations: number }>;
  procedures: Array<{ intentTitle: string; code: string; title: string; solved: number; unsolved: number; unsolvedRate: number }>;
  fallback: { turns: number; fallbacks: number; rate: number };
  series: SeriesPointView[];
  clusters: ClusterView[];
  clusterCount: number;
  intentTitles: Record<string, string>;
}

/** What POST /agent/api/insights/accept answers. */
export interface AcceptView {
  ok: true;
  file: string;
  added: number;
}
