/** The ticket panel: summary, steps, codes, the masked transcript, and Ambil / Lepas / Selesai. */
import { api, isError } from '../shared/api.js';
import { byId, el, fill, inlineMarkdown } from '../shared/dom.js';
import { reasonText, senderText, stepText, statusText, timeText } from './format.js';
import { isMine, page, state, W, type TicketView } from './state.js';

/** Disables a control; if it had the focus, the focus moves to the ticket panel instead of the page. */
function setDisabled(id: string, disabled: boolean): void {
  const c = byId(id);
  if (!(c instanceof HTMLButtonElement || c instanceof HTMLTextAreaElement) || c.disabled === disabled) return;
  const hadFocus = document.activeElement === c;
  c.disabled = disabled;
  if (disabled && hadFocus) byId('ticket-panel').focus();
}

export function renderTicket(t: TicketView): void {
  const mine = isMine(t);
  state.ticket = t;
  byId('ticket-placeholder').hidden = true;
  byId('ticket').hidden = false;
  byId('ticket-title').textContent = fill(W.ticketTitle, { ref: t.ref });
  const badge = byId('ticket-status');
  badge.textContent = statusText(t);
  badge.className = `badge badge-${t.status}${mine ? ' badge-mine' : ''}`;

  byId('t-summary').textContent = t.summary || '—';
  byId('t-topic').textContent = t.intentTitle || t.intent || '—';
  const steps = byId('t-path');
  const path = t.steps ?? (t.path ?? []).map(stepText);
  steps.replaceChildren(...path.map((p) => el('li', null, p)));
  steps.hidden = path.length === 0;
  byId('t-path-none').hidden = path.length > 0;
  const codes = t.codes ?? [];
  byId('t-codes').replaceChildren(...(codes.length ? codes.map((c) => el('code', 'code-chip', c)) : [document.createTextNode(W.noCodes)]));
  byId('t-last').textContent = t.lastQuestion || '—';
  byId('t-channel').textContent = t.channel || '—';

  setDisabled('btn-claim', t.status !== 'waiting');
  setDisabled('btn-release', !mine);
  setDisabled('btn-close', !mine);
  setDisabled('reply', !mine);
  setDisabled('reply-send', !mine);
  byId('reply-state').textContent = mine
    ? ''
    : t.status === 'waiting'
      ? W.replyClaimToReply
      : t.status === 'assigned'
        ? fill(W.replyHandledBy, { agent: t.assignee?.name || W.otherAgent })
        : W.replyInactive;

  renderTranscript(t);
}

function renderTranscript(t: TicketView): void {
  const entries = t.transcript ?? [];
  const last = entries[entries.length - 1];
  const key = `${t.ref}|${entries.length}|${last ? last.at + String(last.text.length) : ''}`;
  if (key === state.transcriptKey) return;
  const sameTicket = state.transcriptRef === t.ref;
  const previous = sameTicket ? Number(state.transcriptKey.split('|')[1] || 0) : entries.length;
  state.transcriptKey = key;
  state.transcriptRef = t.ref;

  const box = byId('transcript');
  const atBottom = !sameTicket || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const frag = document.createDocumentFragment();
  for (const e of entries) {
    const li = el('li', `msg msg-${e.from}`);
    const head = el('div', 'msg-head');
    head.appendChild(el('span', 'msg-from', senderText(e)));
    const time = el('time', 'msg-time', timeText(e.at));
    time.dateTime = e.at;
    head.appendChild(time);
    li.appendChild(head);
    const body = el('div', 'msg-text');
    // The bot's answers are Markdown (what Web Chat and Teams render); the user's words stay as typed.
    if (e.from === 'bot') body.replaceChildren(...inlineMarkdown(e.text));
    else body.textContent = e.text;
    li.appendChild(body);
    frag.appendChild(li);
  }
  if (!entries.length) frag.appendChild(el('li', 'muted', W.noMessages));
  box.replaceChildren(frag);
  if (atBottom) box.scrollTop = box.scrollHeight;

  const fresh = entries.slice(previous).filter((e) => e.from === 'user');
  const latest = fresh[fresh.length - 1];
  if (latest) byId('transcript-live').textContent = fill(W.newUserMessage, { text: latest.text });
}

const DONE = { claim: W.claimed, release: W.released, close: W.closed } as const;

/** Ambil, Lepas or Selesai on the open ticket. */
export async function act(name: keyof typeof DONE): Promise<void> {
  const t = state.ticket;
  if (!t) return;
  const ref = t.ref;
  const btn = byId(`btn-${name}`, HTMLButtonElement);
  const message = byId('action-message');
  btn.disabled = true;
  message.textContent = '';
  let r;
  try {
    r = await api('POST', `/agent/api/tickets/${encodeURIComponent(ref)}/${name}`);
  } catch {
    btn.disabled = false;
    message.textContent = W.offline;
    return;
  }
  if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
  if (!r.ok) {
    message.textContent = reasonText(r);
    btn.disabled = false;
    return page.refresh();
  }
  message.textContent = fill(DONE[name], { ref });
  await page.refresh();
  const reply = byId('reply', HTMLTextAreaElement);
  if (name === 'claim' && !reply.disabled) reply.focus();
  else byId('ticket-panel').focus();
}
