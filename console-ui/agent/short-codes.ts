/**
 * Canned answers in the reply box: `/code` before the caret opens a list of matching answers (arrow
 * keys, Enter or a click insert the answer's Markdown in place of `/code`), and the search box
 * under the reply finds answers by words and inserts one on click.
 */
import { api, isError } from '../shared/api.js';
import { byId, el, fill } from '../shared/dom.js';
import { page, W, type AnswerItem } from './state.js';

const sugg = { items: [] as AnswerItem[], active: -1, seq: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined, query: null as string | null };
const search = { timer: undefined as ReturnType<typeof setTimeout> | undefined, seq: 0 };

const replyBox = () => byId('reply', HTMLTextAreaElement);
const list = () => byId('suggestions');

/** The `/code` being typed right before the caret (at the start or after a space), if any. */
function slashToken(): { start: number; end: number; query: string } | null {
  const reply = replyBox();
  const pos = reply.selectionStart;
  if (pos !== reply.selectionEnd) return null;
  const m = /(^|\s)\/([A-Za-z0-9-]*)$/.exec(reply.value.slice(0, pos));
  if (!m) return null;
  const query = m[2] ?? '';
  return { start: pos - query.length - 1, end: pos, query };
}

export function onReplyInput(): void {
  const tok = slashToken();
  if (!tok) return closeSuggestions();
  if (tok.query === sugg.query && !list().hidden) return;
  clearTimeout(sugg.timer);
  sugg.timer = setTimeout(() => void fetchSuggestions(tok.query), 120);
}

async function fetchSuggestions(query: string): Promise<void> {
  const seq = ++sugg.seq;
  const url = `/agent/api/answers${query ? `?q=${encodeURIComponent(`/${query}`)}` : ''}`;
  let r;
  try {
    r = await api<{ items?: AnswerItem[] }>('GET', url);
  } catch {
    return; // the next keystroke tries again
  }
  if (seq !== sugg.seq) return;
  const tok = slashToken();
  if (!tok || tok.query !== query) return;
  if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
  openSuggestions((r.ok && r.data?.items) || [], query);
}

function openSuggestions(all: AnswerItem[], query: string): void {
  const items = all.slice(0, 10);
  const box = list();
  sugg.items = items;
  sugg.query = query;
  sugg.active = items.length ? 0 : -1;
  box.setAttribute('data-query', query);
  const frag = document.createDocumentFragment();
  items.forEach((a, i) => {
    const li = el('li', 'suggestion');
    li.id = `suggestion-${i}`;
    li.setAttribute('role', 'option');
    li.appendChild(el('span', 'sugg-code', `/${a.code}`));
    li.appendChild(el('span', 'sugg-title', a.title));
    // Keeps the focus (and the caret) in the reply box.
    li.addEventListener('mousedown', (ev) => ev.preventDefault());
    li.addEventListener('click', () => pickSuggestion(i));
    frag.appendChild(li);
  });
  if (!items.length) {
    const none = el('li', 'suggestion-none', fill(W.noSuggestion, { query }));
    none.setAttribute('role', 'option');
    none.setAttribute('aria-disabled', 'true');
    frag.appendChild(none);
  }
  box.replaceChildren(frag);
  box.hidden = false;
  replyBox().setAttribute('aria-expanded', 'true');
  highlight();
}

function highlight(): void {
  const reply = replyBox();
  list()
    .querySelectorAll('.suggestion')
    .forEach((option, i) => {
      option.setAttribute('aria-selected', i === sugg.active ? 'true' : 'false');
      if (i === sugg.active) option.scrollIntoView({ block: 'nearest' });
    });
  if (sugg.active >= 0) reply.setAttribute('aria-activedescendant', `suggestion-${sugg.active}`);
  else reply.removeAttribute('aria-activedescendant');
}

export function closeSuggestions(): void {
  clearTimeout(sugg.timer);
  sugg.seq++;
  sugg.items = [];
  sugg.active = -1;
  sugg.query = null;
  const box = list();
  box.hidden = true;
  box.replaceChildren();
  box.removeAttribute('data-query');
  const reply = replyBox();
  reply.setAttribute('aria-expanded', 'false');
  reply.removeAttribute('aria-activedescendant');
}

function pickSuggestion(i: number): void {
  const a = sugg.items[i];
  const reply = replyBox();
  const tok = slashToken();
  closeSuggestions();
  if (!a) return;
  const start = tok ? tok.start : reply.selectionStart;
  const end = tok ? tok.end : reply.selectionEnd;
  reply.focus();
  reply.setRangeText(a.markdown, start, end, 'end');
  byId('reply-error').textContent = '';
}

/** Arrow keys, Enter and Escape while the list is open; Ctrl/⌘+Enter sends. */
export function onReplyKeydown(ev: KeyboardEvent): void {
  const shown = !list().hidden;
  const open = shown && sugg.items.length > 0;
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    closeSuggestions();
    byId('reply-form', HTMLFormElement).requestSubmit();
    return;
  }
  if (shown && ev.key === 'Escape') {
    ev.preventDefault();
    closeSuggestions();
    return;
  }
  if (!open) return;
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    const n = sugg.items.length;
    sugg.active = (sugg.active + (ev.key === 'ArrowDown' ? 1 : -1) + n) % n;
    highlight();
  } else if (ev.key === 'Enter' && !ev.shiftKey && !ev.altKey) {
    ev.preventDefault();
    pickSuggestion(sugg.active >= 0 ? sugg.active : 0);
  }
}

/** Inserts text at the caret of the reply box (on its own paragraph), for the search results. */
function insertIntoReply(text: string): void {
  const reply = replyBox();
  const s = reply.selectionStart;
  const e = reply.selectionEnd;
  const before = reply.value.slice(0, s);
  const sep = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? '\n' : '\n\n') : '';
  reply.setRangeText(sep + text, s, e, 'end');
  if (!reply.disabled) reply.focus();
  else byId('reply-state').textContent = W.insertedClaimFirst;
}

export function onSearchInput(): void {
  clearTimeout(search.timer);
  search.timer = setTimeout(() => void runSearch(), 200);
}

async function runSearch(): Promise<void> {
  const q = byId('canned-q', HTMLInputElement).value.trim();
  const seq = ++search.seq;
  const results = byId('canned-results');
  if (!q) {
    results.replaceChildren();
    byId('canned-empty').hidden = true;
    return;
  }
  let r;
  try {
    r = await api<{ items?: AnswerItem[] }>('GET', `/agent/api/answers?q=${encodeURIComponent(q)}`);
  } catch {
    return; // the next keystroke tries again
  }
  if (seq !== search.seq) return;
  if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
  const items = (r.ok && r.data?.items) || [];
  const frag = document.createDocumentFragment();
  for (const a of items) {
    const li = el('li', 'canned-item');
    const btn = el('button', 'canned-btn');
    btn.type = 'button';
    const head = el('span', 'canned-head');
    head.appendChild(el('strong', 'canned-title', a.title));
    head.appendChild(el('span', 'sugg-code', `/${a.code}`));
    btn.appendChild(head);
    const preview = String(a.markdown)
      .replace(/[*_`#>]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    btn.appendChild(el('span', 'canned-preview', preview.length > 160 ? `${preview.slice(0, 157)}…` : preview));
    btn.appendChild(el('span', 'canned-action', W.insertAnswer));
    btn.addEventListener('click', () => insertIntoReply(a.markdown));
    li.appendChild(btn);
    frag.appendChild(li);
  }
  results.replaceChildren(frag);
  byId('canned-empty').hidden = items.length > 0;
}
