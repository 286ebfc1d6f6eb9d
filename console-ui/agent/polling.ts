/** The console polls the queue and the open ticket every POLL_MS while an agent is signed in. */
import { api, isError } from '../shared/api.js';
import { byId, fill } from '../shared/dom.js';
import { renderQueue } from './queue.js';
import { page, state, W, type QueueItem, type TicketView } from './state.js';
import { renderTicket } from './ticket.js';

const POLL_MS = 2000;

export function stopPolling(): void {
  clearTimeout(state.timer);
  state.timer = undefined;
}

/** Loads the queue and the selected ticket now, then keeps polling. */
export async function refreshNow(): Promise<void> {
  stopPolling();
  const jobs = [loadQueue()];
  if (state.selected) jobs.push(loadTicket(state.selected));
  await Promise.all(jobs);
  if (state.me) {
    stopPolling();
    state.timer = setTimeout(() => void refreshNow(), POLL_MS);
  }
}

async function loadQueue(): Promise<void> {
  const seq = ++state.queueSeq;
  const error = byId('queue-error');
  try {
    const r = await api<{ items?: QueueItem[] }>('GET', '/agent/api/queue');
    if (seq !== state.queueSeq || !state.me) return;
    if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
    if (!r.ok || !r.data) {
      error.textContent = W.queueFailed;
      return;
    }
    error.textContent = '';
    renderQueue(r.data.items ?? []);
  } catch {
    if (seq === state.queueSeq) error.textContent = W.offlineRetrying;
  }
}

async function loadTicket(ref: string): Promise<void> {
  const seq = ++state.ticketSeq;
  const message = byId('action-message');
  try {
    const r = await api<TicketView>('GET', `/agent/api/tickets/${encodeURIComponent(ref)}`);
    if (seq !== state.ticketSeq || ref !== state.selected || !state.me) return;
    if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
    if (isError(r, 'no-such-ticket')) {
      state.ticket = null;
      byId('ticket').hidden = true;
      const placeholder = byId('ticket-placeholder');
      placeholder.hidden = false;
      placeholder.textContent = fill(W.ticketNotFound, { ref });
      return;
    }
    if (!r.ok || !r.data) {
      message.textContent = W.ticketFailed;
      return;
    }
    renderTicket(r.data);
    if (state.focusTicketOnLoad) {
      state.focusTicketOnLoad = false;
      byId('ticket-panel').focus();
    }
  } catch {
    if (seq === state.ticketSeq) message.textContent = W.offlineRetrying;
  }
}
