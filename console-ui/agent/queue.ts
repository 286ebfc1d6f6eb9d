/** The queue panel: waiting and assigned tickets, newest activity first, re-rendered only when it changes. */
import { byId, el, fill } from '../shared/dom.js';
import { duration, statusText } from './format.js';
import { closeSuggestions } from './short-codes.js';
import { page, state, W, type QueueItem } from './state.js';

function queueItem(t: QueueItem): HTMLLIElement {
  const li = el('li', `queue-item status-${t.status}${t.ref === state.selected ? ' selected' : ''}`);
  const btn = el('button', 'queue-btn');
  btn.type = 'button';
  btn.setAttribute('data-ref', t.ref);
  if (t.ref === state.selected) btn.setAttribute('aria-current', 'true');

  const top = el('span', 'q-top');
  top.appendChild(el('strong', 'q-ref', t.ref));
  top.appendChild(el('span', `badge badge-${t.status}${t.mine ? ' badge-mine' : ''}`, statusText(t)));
  btn.appendChild(top);

  if (t.status === 'waiting' && typeof t.waitingMs === 'number') btn.appendChild(el('span', 'q-wait', fill(W.waitingFor, { duration: duration(t.waitingMs) })));

  const topic = el('span', 'q-line');
  topic.appendChild(el('span', 'q-label', W.topicLabel));
  topic.appendChild(document.createTextNode(t.intentTitle || '—'));
  btn.appendChild(topic);

  const codes = el('span', 'q-line');
  codes.appendChild(el('span', 'q-label', W.codesLabel));
  codes.appendChild(document.createTextNode(t.codes?.length ? t.codes.join(', ') : '—'));
  btn.appendChild(codes);

  btn.appendChild(el('span', 'q-summary', t.summary || ''));
  btn.addEventListener('click', () => select(t.ref, true));
  li.appendChild(btn);
  return li;
}

export function renderQueue(items: QueueItem[]): void {
  const waiting = items.filter((t) => t.status === 'waiting');
  document.title = waiting.length ? fill(W.titleWaiting, { n: waiting.length, title: W.pageTitle }) : W.pageTitle;
  byId('queue-count').textContent = fill(W.queueCount, { waiting: waiting.length, handled: items.length - waiting.length });

  // Tell screen-reader users about tickets that arrived since the last poll.
  const refs = new Set(waiting.map((t) => t.ref));
  if (state.knownWaiting) {
    const fresh = waiting.filter((t) => !state.knownWaiting!.has(t.ref));
    if (fresh.length) byId('queue-live').textContent = fill(W.queueNewWaiting, { refs: fresh.map((t) => t.ref).join(', ') });
  }
  state.knownWaiting = refs;

  // Re-render only when something visible changed (keeps focus and screen readers calm).
  const key = `${JSON.stringify(items.map((t) => [t.ref, t.status, t.mine, t.assignee?.name, t.waitingMs === undefined ? '' : duration(t.waitingMs), t.intentTitle, t.codes, t.summary]))}|${state.selected}`;
  if (key === state.queueKey) return;
  state.queueKey = key;

  const list = byId('queue-list');
  const active = document.activeElement;
  const focusedRef = active && list.contains(active) ? active.getAttribute('data-ref') : null;
  const frag = document.createDocumentFragment();
  for (const t of items) frag.appendChild(queueItem(t));
  list.replaceChildren(frag);
  byId('queue-empty').hidden = items.length > 0;
  if (focusedRef) list.querySelector<HTMLElement>(`[data-ref="${focusedRef}"]`)?.focus();
}

/** Opens a ticket (from the queue, or the page's #KP-… address); keeps the reply being written to the one left. */
export function select(ref: string, byUser: boolean): void {
  const reply = byId('reply', HTMLTextAreaElement);
  if (state.selected && state.selected !== ref) state.drafts.set(state.selected, reply.value);
  if (state.selected !== ref) {
    reply.value = state.drafts.get(ref) ?? '';
    byId('reply-error').textContent = '';
    byId('action-message').textContent = '';
    closeSuggestions();
    state.transcriptKey = '';
  }
  state.selected = ref;
  state.queueKey = '';
  state.focusTicketOnLoad = byUser;
  history.replaceState(null, '', `#${ref}`);
  void page.refresh();
}
