/** How the console writes durations, statuses, senders and the server's refusals (words from intents/_pages.yaml). */
import { MESSAGE_CHARS } from '../../src/limits.js';
import { detailNumber, detailText, errorWords, type ApiResult } from '../shared/api.js';
import { fill } from '../shared/dom.js';
import { isMine, W, type QueueItem, type TicketStatus, type TicketView, type TranscriptEntry } from './state.js';

export function duration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  if (minutes < 1) return W.lessThanAMinute;
  if (minutes < 60) return fill(W.minutes, { m: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? fill(W.hoursMinutes, { h, m }) : fill(W.hours, { h });
}

/** A word for every status (a status missing from intents/_pages.yaml fails the type check). */
const STATUS: Record<TicketStatus, string> = W.status;

export const statusWord = (status: string): string => STATUS[status as TicketStatus] ?? status;

export function statusText(t: TicketView | QueueItem): string {
  if (t.status === 'assigned') return isMine(t) || ('mine' in t && t.mine) ? W.statusMine : fill(W.statusTakenBy, { agent: t.assignee?.name || W.otherAgent });
  return statusWord(t.status);
}

/** A step of the path tried ("intent/node") as "intent › node". */
export function stepText(p: string): string {
  const parts = String(p).split('/');
  return parts.length > 1 ? `${parts[0]} › ${parts.slice(1).join('/')}` : String(p);
}

export function timeText(at: string): string {
  const d = new Date(at);
  if (isNaN(d.getTime())) return '';
  return d.toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit' });
}

export function senderText(e: TranscriptEntry): string {
  if (e.from === 'user') return W.senderUser;
  if (e.from === 'bot') return W.senderBot;
  return e.name ? fill(W.senderAgentNamed, { name: e.name }) : W.senderAgent;
}

const ERRORS = errorWords(W.errors);

/** Why the server refused an action or a reply, in the agents' language (by the error's code). */
export function reasonText(r: ApiResult<unknown>): string {
  const code = r.error?.code;
  if (code && code in ERRORS) {
    const template = ERRORS[code as keyof typeof ERRORS];
    return fill(template, {
      agent: detailText(r, 'assignee') || W.otherAgent,
      status: statusWord(detailText(r, 'status') ?? '').toLowerCase(),
      max: detailNumber(r, 'maxChars') ?? MESSAGE_CHARS,
    });
  }
  return fill(W.serverError, { status: r.status });
}
