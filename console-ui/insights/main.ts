/**
 * The insights page's script (/agent/insights.js, bundled from these files by esbuild: the CSP allows
 * no inline scripts). Reads /agent/api/insights (the figures of src/insights/, the same as `npm run
 * review -- --json`), draws the charts and tables and adds unanswered questions as examples (POST
 * /agent/api/insights/accept, like `npm run review -- --accept`). The session is the console's
 * HttpOnly cookie. Words: intents/_pages.yaml (insights).
 */
import { api, detailText, errorWords, isError, retryMinutes, type ApiResult, type Me } from '../shared/api.js';
import { applyWords, byId, fill } from '../shared/dom.js';
import { renderInsights } from './figures.js';
import { intentName, W } from './format.js';
import type { AcceptView, InsightsView } from './types.js';

type View = 'login-view' | 'refused-view' | 'disabled-view' | 'insights-view';

const state = { me: null as Me | null, figures: null as InsightsView | null, seq: 0 };

/** Refusals this page words by code; the rest are a server error with its status. */
const ERRORS = errorWords({ 'store-unavailable': W.storeDown, 'wrong-credentials': W.loginWrong, 'invalid-period': W.periodInvalid });

function failText(r: ApiResult<unknown>): string {
  const code = r.error?.code;
  return code && code in ERRORS ? ERRORS[code as keyof typeof ERRORS] : fill(W.serverError, { status: r.status });
}

function show(view: View): void {
  byId('boot').hidden = true;
  for (const id of ['login-view', 'refused-view', 'disabled-view', 'insights-view'] as const) byId(id).hidden = id !== view;
  byId('who').hidden = !state.me;
  byId('logout').hidden = !state.me;
}

function showLogin(message: string): void {
  state.me = null;
  show('login-view');
  byId('login-error').textContent = message;
  const key = byId('agent-key', HTMLInputElement);
  key.value = '';
  const id = byId('agent-id', HTMLInputElement);
  (id.value ? key : id).focus();
}

async function boot(): Promise<void> {
  let r;
  try {
    r = await api<Me>('GET', '/agent/api/me');
  } catch {
    return showLogin(W.offline);
  }
  if (isError(r, 'sign-in-required')) return showLogin('');
  if (isError(r, 'console-disabled')) return show('disabled-view');
  if (!r.ok || !r.data) return showLogin(failText(r));
  state.me = r.data;
  byId('agent-name').textContent = r.data.name;
  if (!r.data.supervisor) return show('refused-view');
  show('insights-view');
  return load({});
}

async function load(query: { from?: string; to?: string; bucket?: string }): Promise<void> {
  const seq = ++state.seq;
  const qs = (['from', 'to', 'bucket'] as const)
    .filter((k) => query[k])
    .map((k) => `${k}=${encodeURIComponent(query[k]!)}`)
    .join('&');
  const status = byId('period-status');
  const error = byId('period-error');
  status.textContent = W.periodLoading;
  error.textContent = '';
  let r;
  try {
    r = await api<InsightsView>('GET', `/agent/api/insights${qs ? `?${qs}` : ''}`);
  } catch {
    error.textContent = W.offline;
    status.textContent = '';
    return;
  }
  if (seq !== state.seq) return;
  if (isError(r, 'sign-in-required')) return showLogin(W.sessionEnded);
  if (isError(r, 'supervisors-only')) return show('refused-view');
  if (!r.ok || !r.data) {
    error.textContent = failText(r);
    status.textContent = '';
    return;
  }
  state.figures = r.data;
  renderInsights(r.data, (cluster, intent, button) => void accept(r.data!, cluster, intent, button));
}

async function accept(f: InsightsView, cluster: string, intent: string, btn: HTMLButtonElement): Promise<void> {
  const status = byId('accept-status');
  btn.disabled = true;
  status.textContent = W.adding;
  let r;
  try {
    r = await api<AcceptView>('POST', '/agent/api/insights/accept', { cluster, intent, from: f.period.from, to: f.period.to });
  } catch {
    btn.disabled = false;
    status.textContent = W.offline;
    return;
  }
  btn.disabled = !intent;
  if (isError(r, 'sign-in-required')) return showLogin(W.sessionEnded);
  if (r.ok && r.data) {
    status.textContent = fill(W.added, { n: r.data.added, intent: intentName(f, intent), file: r.data.file });
    return load({ from: f.period.from, to: f.period.to, bucket: f.period.bucket });
  }
  if (isError(r, 'unknown-cluster')) status.textContent = W.acceptUnknownCluster;
  // The intent file's own validation message says what would have been wrong (nothing was written).
  else if (isError(r, 'invalid-examples')) status.textContent = fill(W.acceptInvalid, { reason: detailText(r, 'error') ?? '' });
  else status.textContent = fill(W.acceptFailed, { status: r.status });
}

async function signIn(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const id = byId('agent-id', HTMLInputElement).value.trim();
  const key = byId('agent-key', HTMLInputElement).value;
  if (!id || !key) {
    byId('login-error').textContent = W.loginMissing;
    return;
  }
  let r;
  try {
    r = await api<Me>('POST', '/agent/api/login', { agentId: id, key });
  } catch {
    return showLogin(W.offline);
  }
  if (r.ok) return boot();
  if (isError(r, 'too-many-sign-ins')) return showLogin(fill(W.loginLimited, { minutes: retryMinutes(r) }));
  showLogin(failText(r));
}

function start(): void {
  document.title = W.pageTitle;
  applyWords(W);
  byId('login-form').addEventListener('submit', (ev) => void signIn(ev));
  byId('logout').addEventListener('click', () => {
    void api('POST', '/agent/api/logout')
      .catch(() => undefined)
      .then(() => showLogin(''));
  });
  byId('period-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = byId('from', HTMLInputElement).value;
    const to = byId('to', HTMLInputElement).value;
    if (!from || !to || from > to) {
      byId('period-error').textContent = W.periodInvalid;
      return;
    }
    void load({ from, to, bucket: byId('bucket', HTMLSelectElement).value });
  });
  void boot();
}

start();
