/**
 * The agent console's script (/agent/agent.js, bundled from these files by esbuild: the CSP allows no
 * inline scripts). Talks to the JSON API under /agent/api (src/web/agent-console.ts). The session is
 * an HttpOnly cookie. Wording: intents/_pages.yaml (agent).
 */
import { applyWords, byId } from '../shared/dom.js';
import { refreshNow } from './polling.js';
import { onReplySubmit } from './reply.js';
import { boot, onLogin, onLogout, showLogin } from './session.js';
import { closeSuggestions, onReplyInput, onReplyKeydown, onSearchInput } from './short-codes.js';
import { W, page } from './state.js';
import { act } from './ticket.js';

function start(): void {
  document.title = W.pageTitle;
  applyWords(W);
  page.refresh = refreshNow;
  page.signIn = showLogin;
  byId('login-form').addEventListener('submit', (ev) => void onLogin(ev));
  byId('logout').addEventListener('click', () => void onLogout());
  byId('btn-claim').addEventListener('click', () => void act('claim'));
  byId('btn-release').addEventListener('click', () => void act('release'));
  byId('btn-close').addEventListener('click', () => void act('close'));
  const reply = byId('reply', HTMLTextAreaElement);
  reply.addEventListener('input', onReplyInput);
  reply.addEventListener('keydown', onReplyKeydown);
  reply.addEventListener('click', onReplyInput);
  reply.addEventListener('blur', () => {
    setTimeout(() => {
      if (document.activeElement !== reply) closeSuggestions();
    }, 150);
  });
  byId('reply-form').addEventListener('submit', (ev) => void onReplySubmit(ev));
  byId('canned-q').addEventListener('input', onSearchInput);
  void boot();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
