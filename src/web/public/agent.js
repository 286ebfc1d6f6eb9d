/*
 * The agent console's script (loaded from /agent/agent.js: the CSP allows no inline scripts).
 * Talks to the JSON API under /agent/api (see src/web/agent-console.ts). The session is an HttpOnly
 * cookie; every POST carries `X-Requested-With: agent-console`.
 *
 * Everything that comes from users, tickets or canned answers is put on the page with textContent
 * (never innerHTML), so nothing a user types can become markup or script here.
 */
(function () {
  'use strict';

  var POLL_MS = 2000;
  var TITLE = 'Konsol Petugas — Asisten e-Faktur';
  var REF_RE = /^KP-[2-9A-HJKMNP-Z]{6}$/;

  function $(id) {
    return document.getElementById(id);
  }

  /** Creates an element with a class and (optionally) text, set with textContent. */
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  var state = {
    me: null,
    selected: null,
    ticket: null,
    timer: null,
    queueSeq: 0,
    ticketSeq: 0,
    queueKey: '',
    knownWaiting: null,
    transcriptRef: null,
    transcriptKey: '',
    drafts: {},
    focusTicketOnLoad: false
  };

  // ------------------------------------------------------------------ API

  function api(method, url, body) {
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-Requested-With'] = 'agent-console';
      init.body = JSON.stringify(body || {});
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (raw) {
        var data;
        try {
          data = raw ? JSON.parse(raw) : null;
        } catch {
          data = null;
        }
        return { status: res.status, ok: res.ok, data: data };
      });
    });
  }

  /** The API's reasons, in the agents' language. */
  function reasonText(r) {
    var reason = (r && r.data && r.data.error) || '';
    var m = /^already taken by (.*)$/.exec(reason);
    if (m) return 'Tiket sudah diambil oleh ' + m[1] + '.';
    m = /^ticket is (\w+)$/.exec(reason);
    if (m) return 'Tiket tidak dapat diambil: statusnya ' + statusWord(m[1]).toLowerCase() + '.';
    if (reason === 'not assigned to you') return 'Tiket ini tidak sedang Anda tangani.';
    if (reason === 'no such ticket') return 'Tiket tidak ditemukan.';
    if (reason === 'empty message' || /^text must be/.test(reason)) return 'Balasan harus berisi 1 sampai 4000 karakter.';
    if (r && r.status === 403) return 'Permintaan ditolak oleh server.';
    return 'Terjadi kesalahan (HTTP ' + (r ? r.status : '?') + '). Silakan coba lagi.';
  }

  // ------------------------------------------------------------------ words

  function duration(ms) {
    var minutes = Math.floor(Math.max(0, ms) / 60000);
    if (minutes < 1) return 'kurang dari 1 menit';
    if (minutes < 60) return minutes + ' menit';
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    return m ? h + ' jam ' + m + ' menit' : h + ' jam';
  }

  function statusWord(status) {
    return (
      {
        waiting: 'Menunggu petugas',
        assigned: 'Sedang ditangani',
        closed: 'Selesai',
        open: 'Tanpa petugas',
        failed: 'Gagal'
      }[status] || status
    );
  }

  function isMine(t) {
    return !!(t && state.me && t.status === 'assigned' && t.assignee && t.assignee.id === state.me.id);
  }

  function statusText(t) {
    if (t.status === 'assigned') return isMine(t) || t.mine ? 'Anda tangani' : 'Diambil oleh ' + ((t.assignee && t.assignee.name) || 'petugas lain');
    return statusWord(t.status);
  }

  function stepText(p) {
    var parts = String(p).split('/');
    return parts.length > 1 ? parts[0] + ' › ' + parts.slice(1).join('/') : String(p);
  }

  function timeText(at) {
    var d = new Date(at);
    if (isNaN(d.getTime())) return '';
    return d.toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit' });
  }

  // ------------------------------------------------------------------ views

  function show(view) {
    $('boot').hidden = true;
    $('login-view').hidden = view !== 'login';
    $('console-view').hidden = view !== 'console';
    $('disabled-view').hidden = view !== 'disabled';
    $('who').hidden = view !== 'console';
  }

  function showLogin(message) {
    stopPolling();
    state.me = null;
    state.ticket = null;
    state.queueKey = '';
    state.knownWaiting = null;
    state.transcriptKey = '';
    state.transcriptRef = null;
    document.title = TITLE;
    show('login');
    $('login-error').textContent = message || '';
    $('agent-key').value = '';
    var id = $('agent-id');
    (id.value ? $('agent-key') : id).focus();
  }

  function startConsole(me) {
    state.me = me;
    $('agent-name').textContent = me.name;
    // Supervisors also see the insights page.
    $('insights-link').hidden = !me.supervisor;
    show('console');
    var fromHash = decodeURIComponent(location.hash.replace(/^#/, '')).toUpperCase();
    if (REF_RE.test(fromHash)) state.selected = fromHash;
    refreshNow();
  }

  // ------------------------------------------------------------------ polling

  function stopPolling() {
    clearTimeout(state.timer);
    state.timer = null;
  }

  function refreshNow() {
    stopPolling();
    var jobs = [loadQueue()];
    if (state.selected) jobs.push(loadTicket(state.selected));
    return Promise.all(jobs).then(function () {
      if (state.me) {
        stopPolling();
        state.timer = setTimeout(refreshNow, POLL_MS);
      }
    });
  }

  function loadQueue() {
    var seq = ++state.queueSeq;
    return api('GET', '/agent/api/queue').then(
      function (r) {
        if (seq !== state.queueSeq || !state.me) return;
        if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
        if (!r.ok || !r.data) {
          $('queue-error').textContent = 'Gagal memuat antrean. Mencoba lagi…';
          return;
        }
        $('queue-error').textContent = '';
        renderQueue(r.data.items || []);
      },
      function () {
        if (seq === state.queueSeq) $('queue-error').textContent = 'Tidak dapat terhubung ke server. Mencoba lagi…';
      }
    );
  }

  function loadTicket(ref) {
    var seq = ++state.ticketSeq;
    return api('GET', '/agent/api/tickets/' + encodeURIComponent(ref)).then(
      function (r) {
        if (seq !== state.ticketSeq || ref !== state.selected || !state.me) return;
        if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
        if (r.status === 404) {
          state.ticket = null;
          $('ticket').hidden = true;
          $('ticket-placeholder').hidden = false;
          $('ticket-placeholder').textContent = 'Tiket ' + ref + ' tidak ditemukan.';
          return;
        }
        if (!r.ok || !r.data) {
          $('action-message').textContent = 'Gagal memuat tiket. Mencoba lagi…';
          return;
        }
        renderTicket(r.data);
        if (state.focusTicketOnLoad) {
          state.focusTicketOnLoad = false;
          $('ticket-panel').focus();
        }
      },
      function () {
        if (seq === state.ticketSeq) $('action-message').textContent = 'Tidak dapat terhubung ke server. Mencoba lagi…';
      }
    );
  }

  // ------------------------------------------------------------------ queue

  function queueItem(t) {
    var li = el('li', 'queue-item status-' + t.status + (t.ref === state.selected ? ' selected' : ''));
    var btn = el('button', 'queue-btn');
    btn.type = 'button';
    btn.setAttribute('data-ref', t.ref);
    if (t.ref === state.selected) btn.setAttribute('aria-current', 'true');

    var top = el('span', 'q-top');
    top.appendChild(el('strong', 'q-ref', t.ref));
    top.appendChild(el('span', 'badge badge-' + t.status + (t.mine ? ' badge-mine' : ''), statusText(t)));
    btn.appendChild(top);

    if (t.status === 'waiting' && typeof t.waitingMs === 'number') btn.appendChild(el('span', 'q-wait', 'menunggu ' + duration(t.waitingMs)));

    var topic = el('span', 'q-line');
    topic.appendChild(el('span', 'q-label', 'Topik: '));
    topic.appendChild(document.createTextNode(t.intentTitle || '—'));
    btn.appendChild(topic);

    var codes = el('span', 'q-line');
    codes.appendChild(el('span', 'q-label', 'Kode: '));
    codes.appendChild(document.createTextNode(t.codes && t.codes.length ? t.codes.join(', ') : '—'));
    btn.appendChild(codes);

    btn.appendChild(el('span', 'q-summary', t.summary || ''));
    btn.addEventListener('click', function () {
      select(t.ref, true);
    });
    li.appendChild(btn);
    return li;
  }

  function renderQueue(items) {
    var waiting = items.filter(function (t) {
      return t.status === 'waiting';
    });
    document.title = (waiting.length ? '(' + waiting.length + ') ' : '') + TITLE;
    $('queue-count').textContent = waiting.length + ' menunggu · ' + (items.length - waiting.length) + ' ditangani';

    // Tell screen-reader users about tickets that arrived since the last poll.
    var refs = {};
    waiting.forEach(function (t) {
      refs[t.ref] = true;
    });
    if (state.knownWaiting) {
      var fresh = waiting.filter(function (t) {
        return !state.knownWaiting[t.ref];
      });
      if (fresh.length) $('queue-live').textContent = 'Tiket baru menunggu: ' + fresh.map(function (t) { return t.ref; }).join(', ');
    }
    state.knownWaiting = refs;

    // Re-render only when something visible changed (keeps focus and screen readers calm).
    var key = JSON.stringify(
      items.map(function (t) {
        return [t.ref, t.status, t.mine, t.assignee && t.assignee.name, t.waitingMs === undefined ? '' : duration(t.waitingMs), t.intentTitle, t.codes, t.summary];
      })
    ) + '|' + state.selected;
    if (key === state.queueKey) return;
    state.queueKey = key;

    var list = $('queue-list');
    var active = document.activeElement;
    var focusedRef = active && list.contains(active) ? active.getAttribute('data-ref') : null;
    var frag = document.createDocumentFragment();
    items.forEach(function (t) {
      frag.appendChild(queueItem(t));
    });
    list.replaceChildren(frag);
    $('queue-empty').hidden = items.length > 0;
    if (focusedRef) {
      var again = list.querySelector('[data-ref="' + focusedRef + '"]');
      if (again) again.focus();
    }
  }

  function select(ref, byUser) {
    if (state.selected && state.selected !== ref) state.drafts[state.selected] = $('reply').value;
    if (state.selected !== ref) {
      $('reply').value = state.drafts[ref] || '';
      $('reply-error').textContent = '';
      $('action-message').textContent = '';
      closeSuggestions();
      state.transcriptKey = '';
    }
    state.selected = ref;
    state.queueKey = '';
    state.focusTicketOnLoad = !!byUser;
    if (history.replaceState) history.replaceState(null, '', '#' + ref);
    refreshNow();
  }

  // ------------------------------------------------------------------ ticket

  function renderTicket(t) {
    var mine = isMine(t);
    state.ticket = t;
    $('ticket-placeholder').hidden = true;
    $('ticket').hidden = false;
    $('ticket-title').textContent = 'Tiket ' + t.ref;
    var badge = $('ticket-status');
    badge.textContent = statusText(t);
    badge.className = 'badge badge-' + t.status + (mine ? ' badge-mine' : '');

    $('t-summary').textContent = t.summary || '—';
    $('t-topic').textContent = t.intentTitle || t.intent || '—';
    var steps = $('t-path');
    var path = t.path || [];
    steps.replaceChildren.apply(
      steps,
      path.map(function (p) {
        return el('li', null, stepText(p));
      })
    );
    steps.hidden = path.length === 0;
    $('t-path-none').hidden = path.length > 0;
    var codes = $('t-codes');
    var list = t.codes || [];
    codes.replaceChildren.apply(
      codes,
      list.length
        ? list.map(function (c) {
            return el('code', 'code-chip', c);
          })
        : [document.createTextNode('Tidak ada')]
    );
    $('t-last').textContent = t.lastQuestion || '—';
    $('t-channel').textContent = t.channel || '—';

    setDisabled('btn-claim', t.status !== 'waiting');
    setDisabled('btn-release', !mine);
    setDisabled('btn-close', !mine);
    setDisabled('reply', !mine);
    setDisabled('reply-send', !mine);
    $('reply-state').textContent = mine
      ? ''
      : t.status === 'waiting'
        ? 'Ambil tiket ini untuk membalas pengguna.'
        : t.status === 'assigned'
          ? 'Tiket ini ditangani ' + ((t.assignee && t.assignee.name) || 'petugas lain') + '.'
          : 'Percakapan ini sudah tidak aktif.';

    renderTranscript(t);
  }

  /** Disables a control; if it had the focus, the focus moves to the ticket panel instead of the page. */
  function setDisabled(id, disabled) {
    var c = $(id);
    if (c.disabled === disabled) return;
    var hadFocus = document.activeElement === c;
    c.disabled = disabled;
    if (disabled && hadFocus) $('ticket-panel').focus();
  }

  function senderText(e) {
    if (e.from === 'user') return 'Pengguna';
    if (e.from === 'bot') return 'Asisten virtual';
    return 'Petugas' + (e.name ? ' ' + e.name : '');
  }

  function renderTranscript(t) {
    var entries = t.transcript || [];
    var last = entries[entries.length - 1];
    var key = t.ref + '|' + entries.length + '|' + (last ? last.at + last.text.length : '');
    if (key === state.transcriptKey) return;
    var sameTicket = state.transcriptRef === t.ref;
    var previous = sameTicket ? Number(state.transcriptKey.split('|')[1] || 0) : entries.length;
    state.transcriptKey = key;
    state.transcriptRef = t.ref;

    var box = $('transcript');
    var atBottom = !sameTicket || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    var frag = document.createDocumentFragment();
    entries.forEach(function (e) {
      var li = el('li', 'msg msg-' + e.from);
      var head = el('div', 'msg-head');
      head.appendChild(el('span', 'msg-from', senderText(e)));
      var time = el('time', 'msg-time', timeText(e.at));
      time.setAttribute('datetime', e.at);
      head.appendChild(time);
      li.appendChild(head);
      li.appendChild(el('div', 'msg-text', e.text));
      frag.appendChild(li);
    });
    if (!entries.length) frag.appendChild(el('li', 'muted', 'Belum ada pesan.'));
    box.replaceChildren(frag);
    if (atBottom) box.scrollTop = box.scrollHeight;

    var fresh = entries.slice(previous).filter(function (e) {
      return e.from === 'user';
    });
    if (fresh.length) $('transcript-live').textContent = 'Pesan baru dari pengguna: ' + fresh[fresh.length - 1].text;
  }

  function act(name) {
    var t = state.ticket;
    if (!t) return;
    var ref = t.ref;
    var btn = $('btn-' + name);
    btn.disabled = true;
    $('action-message').textContent = '';
    api('POST', '/agent/api/tickets/' + encodeURIComponent(ref) + '/' + name).then(
      function (r) {
        if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
        if (!r.ok) {
          $('action-message').textContent = reasonText(r);
          btn.disabled = false;
          return refreshNow();
        }
        $('action-message').textContent =
          name === 'claim' ? 'Tiket ' + ref + ' sekarang Anda tangani. Pengguna sudah diberi tahu.' : name === 'release' ? 'Tiket ' + ref + ' dikembalikan ke antrean.' : 'Percakapan ' + ref + ' diselesaikan. Pengguna ditanya apakah masalahnya teratasi.';
        return refreshNow().then(function () {
          if (name === 'claim' && !$('reply').disabled) $('reply').focus();
          else $('ticket-panel').focus();
        });
      },
      function () {
        btn.disabled = false;
        $('action-message').textContent = 'Tidak dapat terhubung ke server. Silakan coba lagi.';
      }
    );
  }

  // ------------------------------------------------------------------ reply and canned answers

  var sugg = { items: [], active: -1, seq: 0, timer: null, query: null };

  /** The `/code` being typed right before the caret (at the start or after a space), if any. */
  function slashToken() {
    var reply = $('reply');
    var pos = reply.selectionStart;
    if (pos !== reply.selectionEnd) return null;
    var m = /(^|\s)\/([A-Za-z0-9-]*)$/.exec(reply.value.slice(0, pos));
    if (!m) return null;
    return { start: pos - m[2].length - 1, end: pos, query: m[2] };
  }

  function onReplyInput() {
    var tok = slashToken();
    if (!tok) return closeSuggestions();
    if (tok.query === sugg.query && !$('suggestions').hidden) return;
    clearTimeout(sugg.timer);
    sugg.timer = setTimeout(function () {
      fetchSuggestions(tok.query);
    }, 120);
  }

  function fetchSuggestions(query) {
    var seq = ++sugg.seq;
    var url = '/agent/api/answers' + (query ? '?q=' + encodeURIComponent('/' + query) : '');
    api('GET', url).then(function (r) {
      if (seq !== sugg.seq) return;
      var tok = slashToken();
      if (!tok || tok.query !== query) return;
      if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
      var items = (r.ok && r.data && r.data.items) || [];
      openSuggestions(items.slice(0, 10), query);
    }, function () {
      /* the next keystroke tries again */
    });
  }

  function openSuggestions(items, query) {
    var list = $('suggestions');
    sugg.items = items;
    sugg.query = query;
    sugg.active = items.length ? 0 : -1;
    list.setAttribute('data-query', query);
    var frag = document.createDocumentFragment();
    items.forEach(function (a, i) {
      var li = el('li', 'suggestion');
      li.id = 'suggestion-' + i;
      li.setAttribute('role', 'option');
      li.appendChild(el('span', 'sugg-code', '/' + a.code));
      li.appendChild(el('span', 'sugg-title', a.title));
      li.addEventListener('mousedown', function (ev) {
        ev.preventDefault(); // keep the focus (and the caret) in the reply box
      });
      li.addEventListener('click', function () {
        pickSuggestion(i);
      });
      frag.appendChild(li);
    });
    if (!items.length) {
      var none = el('li', 'suggestion-none', 'Tidak ada jawaban siap pakai untuk "/' + query + '".');
      none.setAttribute('role', 'option');
      none.setAttribute('aria-disabled', 'true');
      frag.appendChild(none);
    }
    list.replaceChildren(frag);
    list.hidden = false;
    $('reply').setAttribute('aria-expanded', 'true');
    highlight();
  }

  function highlight() {
    var reply = $('reply');
    var options = $('suggestions').querySelectorAll('.suggestion');
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute('aria-selected', i === sugg.active ? 'true' : 'false');
      if (i === sugg.active) options[i].scrollIntoView({ block: 'nearest' });
    }
    if (sugg.active >= 0) reply.setAttribute('aria-activedescendant', 'suggestion-' + sugg.active);
    else reply.removeAttribute('aria-activedescendant');
  }

  function closeSuggestions() {
    clearTimeout(sugg.timer);
    sugg.seq++;
    sugg.items = [];
    sugg.active = -1;
    sugg.query = null;
    var list = $('suggestions');
    list.hidden = true;
    list.replaceChildren();
    list.removeAttribute('data-query');
    $('reply').setAttribute('aria-expanded', 'false');
    $('reply').removeAttribute('aria-activedescendant');
  }

  function pickSuggestion(i) {
    var a = sugg.items[i];
    var reply = $('reply');
    var tok = slashToken();
    closeSuggestions();
    if (!a) return;
    var start = tok ? tok.start : reply.selectionStart;
    var end = tok ? tok.end : reply.selectionEnd;
    reply.focus();
    reply.setRangeText(a.markdown, start, end, 'end');
    $('reply-error').textContent = '';
  }

  function onReplyKeydown(ev) {
    var open = !$('suggestions').hidden && sugg.items.length > 0;
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      closeSuggestions();
      $('reply-form').requestSubmit();
      return;
    }
    if (!$('suggestions').hidden && ev.key === 'Escape') {
      ev.preventDefault();
      closeSuggestions();
      return;
    }
    if (!open) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      var n = sugg.items.length;
      sugg.active = (sugg.active + (ev.key === 'ArrowDown' ? 1 : -1) + n) % n;
      highlight();
    } else if (ev.key === 'Enter' && !ev.shiftKey && !ev.altKey) {
      ev.preventDefault();
      pickSuggestion(sugg.active >= 0 ? sugg.active : 0);
    }
  }

  /** Inserts text at the caret of the reply box (on its own paragraph), for the search results. */
  function insertIntoReply(text) {
    var reply = $('reply');
    var s = reply.selectionStart;
    var e = reply.selectionEnd;
    var before = reply.value.slice(0, s);
    var sep = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? '\n' : '\n\n') : '';
    reply.setRangeText(sep + text, s, e, 'end');
    if (!reply.disabled) reply.focus();
    else $('reply-state').textContent = 'Jawaban disisipkan. Ambil tiket ini untuk mengirimnya.';
  }

  var search = { timer: null, seq: 0 };

  function onSearchInput() {
    clearTimeout(search.timer);
    search.timer = setTimeout(runSearch, 200);
  }

  function runSearch() {
    var q = $('canned-q').value.trim();
    var seq = ++search.seq;
    var results = $('canned-results');
    if (!q) {
      results.replaceChildren();
      $('canned-empty').hidden = true;
      return;
    }
    api('GET', '/agent/api/answers?q=' + encodeURIComponent(q)).then(function (r) {
      if (seq !== search.seq) return;
      if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
      var items = (r.ok && r.data && r.data.items) || [];
      var frag = document.createDocumentFragment();
      items.forEach(function (a) {
        var li = el('li', 'canned-item');
        var btn = el('button', 'canned-btn');
        btn.type = 'button';
        var head = el('span', 'canned-head');
        head.appendChild(el('strong', 'canned-title', a.title));
        head.appendChild(el('span', 'sugg-code', '/' + a.code));
        btn.appendChild(head);
        var preview = String(a.markdown).replace(/[*_`#>]/g, '').replace(/\s+/g, ' ').trim();
        btn.appendChild(el('span', 'canned-preview', preview.length > 160 ? preview.slice(0, 157) + '…' : preview));
        btn.appendChild(el('span', 'canned-action', 'Sisipkan ke balasan'));
        btn.addEventListener('click', function () {
          insertIntoReply(a.markdown);
        });
        li.appendChild(btn);
        frag.appendChild(li);
      });
      results.replaceChildren(frag);
      $('canned-empty').hidden = items.length > 0;
    }, function () {
      /* the next keystroke tries again */
    });
  }

  function onReplySubmit(ev) {
    ev.preventDefault();
    var t = state.ticket;
    var reply = $('reply');
    var text = reply.value;
    closeSuggestions();
    if (!t || !isMine(t)) {
      $('reply-error').textContent = 'Ambil tiket ini terlebih dahulu.';
      return;
    }
    if (!text.trim()) {
      $('reply-error').textContent = 'Tulis balasan terlebih dahulu.';
      reply.focus();
      return;
    }
    if (text.length > 4000) {
      $('reply-error').textContent = 'Balasan terlalu panjang (maksimal 4000 karakter).';
      return;
    }
    var ref = t.ref;
    var send = $('reply-send');
    send.disabled = true;
    $('reply-error').textContent = '';
    $('action-message').textContent = '';
    api('POST', '/agent/api/tickets/' + encodeURIComponent(ref) + '/messages', { text: text }).then(
      function (r) {
        send.disabled = false;
        if (r.status === 401) return showLogin('Sesi Anda telah berakhir. Silakan masuk lagi.');
        if (!r.ok) {
          $('reply-error').textContent = reasonText(r);
          return refreshNow();
        }
        if (state.selected === ref) reply.value = '';
        state.drafts[ref] = '';
        $('reply-state').textContent = 'Balasan terkirim.';
        reply.focus();
        return refreshNow();
      },
      function () {
        send.disabled = false;
        $('reply-error').textContent = 'Tidak dapat terhubung ke server. Balasan belum terkirim.';
      }
    );
  }

  // ------------------------------------------------------------------ sign-in / sign-out

  function onLogin(ev) {
    ev.preventDefault();
    var id = $('agent-id').value.trim();
    var key = $('agent-key').value;
    var err = $('login-error');
    if (!id || !key) {
      err.textContent = 'Isi Agent ID dan kunci.';
      (!id ? $('agent-id') : $('agent-key')).focus();
      return;
    }
    var submit = $('login-submit');
    submit.disabled = true;
    err.textContent = '';
    api('POST', '/agent/api/login', { agentId: id, key: key }).then(
      function (r) {
        submit.disabled = false;
        $('agent-key').value = '';
        if (r.ok && r.data) {
          startConsole(r.data);
          $('main').focus();
        } else if (r.status === 404) show('disabled');
        else {
          err.textContent = r.status === 401 ? 'Agent ID atau kunci salah.' : r.status === 429 ? tooManyText(r) : 'Gagal masuk (HTTP ' + r.status + '). Silakan coba lagi.';
          $('agent-key').focus();
        }
      },
      function () {
        submit.disabled = false;
        err.textContent = 'Tidak dapat terhubung ke server. Silakan coba lagi.';
      }
    );
  }

  /** 429 from the sign-in: which limit, and when to try again (the server's Retry-After, in minutes). */
  function tooManyText(r) {
    var seconds = (r.data && r.data.retryAfterSeconds) || 60;
    var minutes = Math.max(1, Math.ceil(seconds / 60));
    var who = r.data && r.data.limit === 'agent' ? 'untuk Agent ID ini' : 'dari alamat ini';
    return 'Terlalu banyak percobaan masuk yang gagal ' + who + '. Silakan coba lagi dalam ' + minutes + ' menit.';
  }

  function onLogout() {
    stopPolling();
    var done = function () {
      state.selected = null;
      state.drafts = {};
      $('reply').value = '';
      $('queue-list').replaceChildren();
      $('ticket').hidden = true;
      $('ticket-placeholder').hidden = false;
      $('ticket-placeholder').textContent = 'Pilih tiket dari antrean untuk melihat detailnya.';
      if (history.replaceState) history.replaceState(null, '', location.pathname);
      showLogin('Anda telah keluar.');
    };
    api('POST', '/agent/api/logout').then(done, done);
  }

  // ------------------------------------------------------------------ start

  function start() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    $('btn-claim').addEventListener('click', function () {
      act('claim');
    });
    $('btn-release').addEventListener('click', function () {
      act('release');
    });
    $('btn-close').addEventListener('click', function () {
      act('close');
    });
    var reply = $('reply');
    reply.addEventListener('input', onReplyInput);
    reply.addEventListener('keydown', onReplyKeydown);
    reply.addEventListener('click', onReplyInput);
    reply.addEventListener('blur', function () {
      setTimeout(function () {
        if (document.activeElement !== $('reply')) closeSuggestions();
      }, 150);
    });
    $('reply-form').addEventListener('submit', onReplySubmit);
    $('canned-q').addEventListener('input', onSearchInput);

    api('GET', '/agent/api/me').then(
      function (r) {
        if (r.ok && r.data) startConsole(r.data);
        else if (r.status === 404) show('disabled');
        else showLogin('');
      },
      function () {
        showLogin('Tidak dapat terhubung ke server. Muat ulang halaman untuk mencoba lagi.');
      }
    );
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
