/** Signing in and out, and which of the page's views is shown (sign-in, console, console disabled). */
import { api, isError, retryMinutes, type ApiResult, type Me } from '../shared/api.js';
import { byId, fill } from '../shared/dom.js';
import { reasonText } from './format.js';
import { stopPolling } from './polling.js';
import { page, state, W } from './state.js';

const REF_RE = /^KP-[2-9A-HJKMNP-Z]{6}$/;

type View = 'login' | 'console' | 'disabled';

export function show(view: View): void {
  byId('boot').hidden = true;
  byId('login-view').hidden = view !== 'login';
  byId('console-view').hidden = view !== 'console';
  byId('disabled-view').hidden = view !== 'disabled';
  byId('who').hidden = view !== 'console';
}

export function showLogin(message: string): void {
  stopPolling();
  state.me = null;
  state.ticket = null;
  state.queueKey = '';
  state.knownWaiting = null;
  state.transcriptKey = '';
  state.transcriptRef = null;
  document.title = W.pageTitle;
  show('login');
  byId('login-error').textContent = message;
  const key = byId('agent-key', HTMLInputElement);
  key.value = '';
  const id = byId('agent-id', HTMLInputElement);
  (id.value ? key : id).focus();
}

export function startConsole(me: Me): void {
  state.me = me;
  byId('agent-name').textContent = me.name;
  // Supervisors also see the insights page.
  byId('insights-link').hidden = !me.supervisor;
  show('console');
  const fromHash = decodeURIComponent(location.hash.replace(/^#/, '')).toUpperCase();
  if (REF_RE.test(fromHash)) state.selected = fromHash;
  void page.refresh();
}

/** 429 from the sign-in: which limit, and when to try again (the server's Retry-After, in minutes). */
function tooManyText(r: ApiResult<unknown>): string {
  return fill(r.error?.limit === 'agent' ? W.loginLimitedAgent : W.loginLimitedSource, { minutes: retryMinutes(r) });
}

function loginFailureText(r: ApiResult<unknown>): string {
  if (isError(r, 'wrong-credentials')) return reasonText(r);
  if (isError(r, 'too-many-sign-ins')) return tooManyText(r);
  return fill(W.loginFailed, { status: r.status });
}

export async function onLogin(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const idField = byId('agent-id', HTMLInputElement);
  const keyField = byId('agent-key', HTMLInputElement);
  const id = idField.value.trim();
  const key = keyField.value;
  const err = byId('login-error');
  if (!id || !key) {
    err.textContent = W.loginMissing;
    (!id ? idField : keyField).focus();
    return;
  }
  const submit = byId('login-submit', HTMLButtonElement);
  submit.disabled = true;
  err.textContent = '';
  let r;
  try {
    r = await api<Me>('POST', '/agent/api/login', { agentId: id, key });
  } catch {
    submit.disabled = false;
    err.textContent = W.offline;
    return;
  }
  submit.disabled = false;
  keyField.value = '';
  if (r.ok && r.data) {
    startConsole(r.data);
    byId('main').focus();
  } else if (isError(r, 'console-disabled')) show('disabled');
  else {
    err.textContent = loginFailureText(r);
    keyField.focus();
  }
}

export async function onLogout(): Promise<void> {
  stopPolling();
  await api('POST', '/agent/api/logout').catch(() => undefined);
  state.selected = null;
  state.drafts.clear();
  byId('reply', HTMLTextAreaElement).value = '';
  byId('queue-list').replaceChildren();
  byId('ticket').hidden = true;
  const placeholder = byId('ticket-placeholder');
  placeholder.hidden = false;
  placeholder.textContent = W.ticketPlaceholder;
  history.replaceState(null, '', location.pathname);
  showLogin(W.signedOut);
}

/** On load: the console when the session cookie is still good, else the sign-in form. */
export async function boot(): Promise<void> {
  let r;
  try {
    r = await api<Me>('GET', '/agent/api/me');
  } catch {
    showLogin(W.offlineReload);
    return;
  }
  if (r.ok && r.data) startConsole(r.data);
  else if (isError(r, 'console-disabled')) show('disabled');
  else showLogin('');
}
