/**
 * What the insights page reads of GET /agent/api/insights (src/insights/figures.ts `Insights`). Only
 * the fields the page uses; tests/insights-api.test.ts checks at compile time that the server's
 * figures fit this shape, so the two cannot drift apart unnoticed.
 */
import type { ConversationTotals, FallbackTotals, SeriesPoint } from '../../src/insights/shapes.js';

export interface PeriodView {
  from: string;
  to: string;
  bucket: 'day' | 'week';
}

/** Per bucket, as the server gives it. */
export type SeriesPointView = SeriesPoint;

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
  conversations: ConversationTotals;
  handoffTriggers: Array<{ trigger: string; conversations: number }>;
  procedures: Array<{ intentTitle: string; code: string; title: string; solved: number; unsolved: number; unsolvedRate: number }>;
  fallback: FallbackTotals;
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
