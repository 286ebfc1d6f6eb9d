/**
 * The parts of the insights figures that the insights page reads as they are: one declaration for the
 * server (figures.ts) and the page (console-ui/insights/types.ts). Types only, no imports, so the
 * page's browser type check can read this file.
 */

export interface SeriesPoint {
  /** First and last local day of the bucket (a week is cut to the period). */
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
  /** Unanswered messages of the largest clusters, by cluster id. */
  clusters: Record<string, number>;
  containmentRate: number;
  handoffRate: number;
  fallbackRate: number;
}

export interface ConversationTotals {
  total: number;
  contained: number;
  confirmedSolved: number;
  handedOff: number;
  containmentRate: number;
  confirmedSolvedRate: number;
  handoffRate: number;
}

export interface FallbackTotals {
  turns: number;
  fallbacks: number;
  rate: number;
}
