/*
 * The chat page's script (loaded from /static/chat.js: the CSP allows no inline scripts).
 * Asks the server which Direct Line to use, gets a token, and renders Web Chat.
 */
(function () {
  'use strict';

  var statusEl = document.getElementById('status');
  var host = document.getElementById('webchat');
  // The page's words (intents/_pages.yaml, chat:), put into the page by the server as JSON data.
  var W = JSON.parse(document.getElementById('page-words').textContent || '{}');
  var FALLBACK = ' ' + W.tryAgain;

  function setStatus(text, isError) {
    if (!statusEl) return;
    if (!text) {
      statusEl.hidden = true;
      statusEl.textContent = '';
      return;
    }
    statusEl.hidden = false;
    statusEl.textContent = text;
    statusEl.className = isError ? 'status error' : 'status';
  }

  function postJson(url) {
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
      credentials: 'same-origin',
      cache: 'no-store',
    }).then(function (res) {
      if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
      return res.json();
    });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      if (!res.ok) throw new Error(url + ': HTTP ' + res.status);
      return res.json();
    });
  }

  function createDirectLine(config) {
    if (config.mode === 'azure') {
      return postJson('/api/directline/token').then(function (t) {
        return window.WebChat.createDirectLine({ token: t.token, domain: t.domain });
      });
    }
    if (config.mode === 'builtin') {
      return postJson('/v3/directline/tokens/generate').then(function (t) {
        return window.WebChat.createDirectLine({
          domain: window.location.origin + '/v3/directline',
          webSocket: false,
          pollingInterval: 500,
          token: t.token,
        });
      });
    }
    return Promise.reject(new Error('web chat unavailable: ' + config.mode));
  }

  /** Focuses Web Chat's send box once it exists (keyboard users can type right away). */
  function focusSendBox() {
    var tries = 0;
    var timer = setInterval(function () {
      tries += 1;
      var input = host.querySelector('[data-id="webchat-sendbox-input"], .webchat__send-box-text-box__input, textarea, input[type="text"]');
      if (input) {
        clearInterval(timer);
        input.focus();
      } else if (tries > 100) {
        clearInterval(timer);
      }
    }, 100);
  }

  var styleOptions = {
    accent: '#1565C0',
    botAvatarInitials: W.botInitials,
    botAvatarBackgroundColor: '#1565C0',
    userAvatarInitials: W.userInitials,
    userAvatarBackgroundColor: '#546E7A',
    bubbleBackground: '#F1F4F8',
    bubbleBorderRadius: 8,
    bubbleFromUserBackground: '#E3F2FD',
    bubbleFromUserBorderRadius: 8,
    bubbleMaxWidth: 640,
    bubbleMinWidth: 0,
    // Web Chat follows new messages to the bottom by default; a procedure is several bubbles ending in a
    // check, so on a phone the user would land on the buttons with the title and first steps scrolled away.
    // Snapping stops the follow when the first reply after the user's message reaches the top of the view.
    autoScrollSnapOnPage: true,
    autoScrollSnapOnPageOffset: 0,
    hideUploadButton: true,
    sendBoxTextWrap: true,
    suggestedActionLayout: 'flow',
    suggestedActionBorderRadius: 16,
    suggestedActionHeight: 'auto',
    primaryFont: '"Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
    rootHeight: '100%',
    rootWidth: '100%',
  };

  function start() {
    if (!window.WebChat) {
      setStatus(W.componentFailed + FALLBACK, true);
      return;
    }
    setStatus(W.connecting);
    var store = window.WebChat.createStore({}, function () {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
            setStatus('');
            focusSendBox();
          } else if (action.type === 'DIRECT_LINE/CONNECT_REJECTED') {
            setStatus(W.connectFailed + FALLBACK, true);
          }
          return next(action);
        };
      };
    });
    getJson('/api/webchat/config')
      .then(createDirectLine)
      .then(function (directLine) {
        window.WebChat.renderWebChat(
          {
            directLine: directLine,
            store: store,
            locale: 'id-ID',
            styleOptions: styleOptions,
          },
          host,
        );
        focusSendBox();
      })
      .catch(function (err) {
        if (window.console) window.console.error(err);
        setStatus(W.unavailable + FALLBACK, true);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
