/** Sending the agent's reply to the user of the open ticket. */
import { MESSAGE_CHARS } from '../../src/limits.js';
import { api, isError } from '../shared/api.js';
import { byId, fill } from '../shared/dom.js';
import { reasonText } from './format.js';
import { closeSuggestions } from './short-codes.js';
import { isMine, page, state, W } from './state.js';

export async function onReplySubmit(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const t = state.ticket;
  const reply = byId('reply', HTMLTextAreaElement);
  const error = byId('reply-error');
  const text = reply.value;
  closeSuggestions();
  if (!t || !isMine(t)) {
    error.textContent = W.replyClaimFirst;
    return;
  }
  if (!text.trim()) {
    error.textContent = W.replyEmpty;
    reply.focus();
    return;
  }
  if (text.length > MESSAGE_CHARS) {
    error.textContent = fill(W.replyTooLong, { max: MESSAGE_CHARS });
    return;
  }
  const ref = t.ref;
  const send = byId('reply-send', HTMLButtonElement);
  send.disabled = true;
  error.textContent = '';
  byId('action-message').textContent = '';
  let r;
  try {
    r = await api('POST', `/agent/api/tickets/${encodeURIComponent(ref)}/messages`, { text });
  } catch {
    send.disabled = false;
    error.textContent = W.replyOffline;
    return;
  }
  send.disabled = false;
  if (isError(r, 'sign-in-required')) return page.signIn(W.sessionEnded);
  if (!r.ok) {
    error.textContent = reasonText(r);
    return page.refresh();
  }
  if (state.selected === ref) reply.value = '';
  state.drafts.set(ref, '');
  byId('reply-state').textContent = W.replySent;
  reply.focus();
  return page.refresh();
}
