/*
 * Baton dashboard front end: plain JavaScript, no build step, no framework.
 *
 * The page is one HTML shell (index.html); this script reads the mount path from
 * <meta name="baton-base">, routes on location.pathname and renders every page from the JSON API
 * at {base}/api/v1. The Content-Security-Policy forbids inline script and inline style, so:
 * DOM is built with el()/textContent only (never innerHTML: job arguments, exception messages,
 * log lines, types, queues, keys and server ids are hostile input), and dynamic sizes are set
 * through element.style (CSSOM), never through a style attribute.
 *
 * Stable hooks for browser tests (data-testid):
 *   header:      nav, nav-{overview|jobs|servers|recurring|concurrency}, me, me-role, live-status
 *   banner:      error (one per message, with data-code), btn-dismiss, notice
 *   dialog:      confirm-dialog, btn-confirm, btn-cancel
 *   overview:    count-{STATE} (data-value = raw number; links to /jobs?state=STATE), problems,
 *                problem (data-kind = dead-server|unserved-queue|failed|unknown-type), live-chart, live-rate,
 *                history-24h, history-7d, type-row (data-type), overview-servers, overview-queues,
 *                queue-row (data-queue)
 *   jobs:        tab-{ALL|STATE}, filter-form, filter-type, filter-queue, filter-from, filter-to,
 *                filter-q, btn-filter, btn-clear, jobs-table, job-row (data-id, data-state),
 *                select-all, row-select, selection-count, btn-bulk-requeue, btn-bulk-delete,
 *                btn-bulk-requeue-all, btn-bulk-delete-all, bulk-progress (data-done, data-matched,
 *                data-finished), btn-newer, btn-older, btn-refresh, scan-note, jobs-empty
 *   job page:    job-id, job-state (data-state), job-type, job-queue, job-attempts, job-token,
 *                job-owner, job-args, job-wait, job-run, job-parent, progress (data-value),
 *                blocked-info, blocked-holder, history, history-entry (data-state), stack-trace,
 *                continuations, logs, log-line, log-count, btn-earlier-logs, btn-requeue,
 *                btn-delete, btn-run-now
 *   servers:     servers-table, server-row (data-id), server-events, server-event (data-kind)
 *   recurring:   recurring-table, recurring-row (data-id, data-paused), btn-trigger, btn-pause,
 *                btn-resume, btn-delete
 *   concurrency: concurrency-keys, concurrency-key (data-key), holder, waiter, unique-keys,
 *                unique-row, locks, lock-row (data-name)
 *   not found:   not-found
 */
(function () {
  'use strict';

  // ======================================================================================
  // Constants
  // ======================================================================================

  /** Job states in the order people think about them. */
  const STATES = ['ENQUEUED', 'SCHEDULED', 'PROCESSING', 'BLOCKED', 'AWAITING', 'SUCCEEDED', 'FAILED', 'DELETED'];
  const STATE_LABELS = {
    SCHEDULED: 'Scheduled',
    ENQUEUED: 'Enqueued',
    AWAITING: 'Awaiting',
    BLOCKED: 'Blocked',
    PROCESSING: 'Processing',
    SUCCEEDED: 'Succeeded',
    FAILED: 'Failed',
    DELETED: 'Deleted',
  };
  const NAV = [
    ['overview', '/', 'Overview'],
    ['jobs', '/jobs', 'Jobs'],
    ['servers', '/servers', 'Servers'],
    ['recurring', '/recurring', 'Recurring'],
    ['concurrency', '/concurrency', 'Concurrency'],
  ];
  const PAGE_SIZE = 50;
  const LOG_PAGE = 200;
  const LOG_DOM_MAX = 5000;
  const POLL_MS = 2000;
  const LIVE_POINTS = 120;
  const SSE_MAX_ERRORS = 3;
  const DEAD_RECENT_MS = 24 * 3600 * 1000;

  const BASE = readBase();
  const API = BASE + '/api/v1';

  // ======================================================================================
  // DOM helpers
  // ======================================================================================

  /**
   * Creates an element. attrs: plain attributes, plus `class` (string or array), `text`,
   * `dataset` (object) and `on<event>` (function). Children: nodes, strings (as text), arrays,
   * null/false (skipped). There is deliberately no way to set innerHTML or a style attribute.
   */
  function el(tag, attrs, ...children) {
    return build(document.createElement(tag), attrs, children);
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attrs, children);
  }

  function build(node, attrs, children) {
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value == null || value === false) continue;
        if (key === 'style') throw new Error('style attributes are blocked by the CSP; use classes');
        if (key === 'class') node.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
        else if (key === 'text') node.textContent = String(value);
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
        else if (value === true) node.setAttribute(key, '');
        else node.setAttribute(key, String(value));
      }
    }
    append(node, children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children) {
      if (child == null || child === false || child === '') continue; // '' too: keeps :empty true
      if (Array.isArray(child)) append(node, ...child);
      else if (child instanceof Node) node.appendChild(child);
      else node.appendChild(document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  const enc = encodeURIComponent;

  function href(path, params) {
    return BASE + path + queryString(params);
  }

  function queryString(params) {
    if (!params) return '';
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v != null && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  // ======================================================================================
  // Formatting
  // ======================================================================================

  let clockSkewMs = 0; // server time minus browser time, from stats events

  function now() {
    return Date.now() + clockSkewMs;
  }

  function num(n) {
    if (n == null || n === '' || Number.isNaN(Number(n))) return '—';
    return Number(n).toLocaleString();
  }

  function rate(perSecond) {
    if (!isFinite(perSecond)) return '—';
    return perSecond.toLocaleString(undefined, { maximumFractionDigits: perSecond < 10 ? 1 : 0 }) + '/s';
  }

  function percent(part, whole) {
    if (!whole) return '—';
    return (100 * part / whole).toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' %';
  }

  /** 850 ms, 3.2 s, 42 s, 4 m 12 s, 1 h 4 m, 2 d 3 h. */
  function duration(ms) {
    if (ms == null || !isFinite(ms)) return '—';
    ms = Math.abs(Math.round(ms));
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 10) return s.toFixed(1) + ' s';
    if (s < 60) return Math.floor(s) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return joinUnits(m, 'm', Math.floor(s % 60), 's');
    const h = Math.floor(m / 60);
    if (h < 24) return joinUnits(h, 'h', m % 60, 'm');
    const d = Math.floor(h / 24);
    return joinUnits(d, 'd', h % 24, 'h');
  }

  function joinUnits(a, ua, b, ub) {
    return b ? `${a} ${ua} ${b} ${ub}` : `${a} ${ua}`;
  }

  const relFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

  /** "2 minutes ago", "in 5 seconds", "yesterday". */
  function relTime(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '—';
    const diff = (t - now()) / 1000;
    const abs = Math.abs(diff);
    if (abs < 3) return 'just now';
    if (abs < 60) return relFormat.format(Math.round(diff), 'second');
    if (abs < 3600) return relFormat.format(Math.round(diff / 60), 'minute');
    if (abs < 86400) return relFormat.format(Math.round(diff / 3600), 'hour');
    if (abs < 86400 * 45) return relFormat.format(Math.round(diff / 86400), 'day');
    return new Date(t).toLocaleDateString();
  }

  /** A <time> with the relative text, the exact ISO time in the title; refreshed periodically. */
  function timeEl(iso) {
    if (!iso) return el('span', { class: 'faint' }, '—');
    return el('time', { datetime: iso, title: iso, class: 'nowrap', 'data-rel': '' }, relTime(iso));
  }

  function refreshRelativeTimes() {
    for (const t of document.querySelectorAll('time[data-rel]')) {
      t.textContent = relTime(t.getAttribute('datetime'));
    }
  }

  function clockTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function ordinal(n) {
    const s = ['th', 'st', 'nd', 'rd'];
    const v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  /** Long ids shortened for dense lists (the full id is in the title). */
  function shortId(id) {
    const s = String(id);
    return s.length > 16 ? s.slice(0, 4) + '…' + s.slice(-8) : s;
  }

  function plural(n, one, many) {
    return `${num(n)} ${n === 1 ? one : many}`;
  }

  function stateBadge(state, big) {
    if (!state) return el('span', { class: 'faint' }, '—');
    return el('span', { class: ['badge', 's-' + state, big && 'big'], title: STATE_LABELS[state] || state }, state);
  }

  function jobLink(id, full) {
    if (!id) return el('span', { class: 'faint' }, '—');
    return el('a', { href: href('/jobs/' + enc(id)), class: 'mono', title: String(id) }, full ? String(id) : shortId(id));
  }

  function jobsLink(filter, text) {
    return el('a', { href: href('/jobs', filter) }, text);
  }

  function progressBar(value, extraClass) {
    const v = clampPercent(value);
    const fill = el('span');
    fill.style.width = v + '%';
    return el('div', {
      class: ['bar', extraClass, v >= 100 && 'full'],
      role: 'progressbar',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': v,
    }, fill);
  }

  function setBar(bar, value) {
    const v = clampPercent(value);
    bar.firstChild.style.width = v + '%';
    bar.setAttribute('aria-valuenow', v);
    bar.classList.toggle('full', v >= 100);
  }

  function clampPercent(value) {
    const v = Number(progressValue(value));
    return Number.isFinite(v) ? Math.max(0, Math.min(100, Math.round(v))) : 0;
  }

  /** Progress may come as a number (0..100) or an object such as {percent} or {value}. */
  function progressValue(p) {
    if (p == null) return null;
    if (typeof p === 'number') return p;
    if (typeof p === 'string') return Number(p);
    if (typeof p === 'object') return p.percent ?? p.value ?? p.progress ?? null;
    return null;
  }

  /**
   * A table in a horizontally scrolling box. Each cell gets its column's name as data-label, so on a
   * phone a table with the `stack` class can show each row as a card of "label value" lines.
   */
  function table(head, rows, attrs) {
    const cells = head.map(h => typeof h === 'string' ? el('th', null, h) : h);
    const labels = cells.map(c => c.textContent.trim());
    for (const row of rows) {
      [...row.children].forEach((cell, i) => {
        if (labels[i] && !cell.dataset.label) cell.dataset.label = labels[i];
      });
    }
    return el('div', { class: 'table-wrap' },
      el('table', attrs,
        el('thead', null, el('tr', null, cells)),
        el('tbody', null, rows)));
  }

  function th(text, cls) {
    return el('th', { class: cls }, text);
  }

  function td(content, cls) {
    return el('td', { class: cls }, content);
  }

  function card(title, body, opts = {}) {
    return el('section', { class: 'card', 'data-testid': opts.testid },
      el('div', { class: 'card-head' }, el('h2', null, title), opts.sub && el('span', { class: 'sub' }, opts.sub),
        el('span', { class: 'spacer' }), opts.tools),
      el('div', { class: ['card-body', opts.flush && 'flush'] }, body));
  }

  function empty(text, testid) {
    return el('div', { class: 'empty', 'data-testid': testid }, text);
  }

  /** Renders a value of unknown shape (strings, numbers, arrays, objects) as readable text. */
  function valueView(v) {
    if (v == null || v === '') return el('span', { class: 'faint' }, '—');
    if (Array.isArray(v)) {
      if (!v.length) return el('span', { class: 'faint' }, '—');
      return el('div', { class: 'chips' }, v.map(x => el('span', { class: 'chip' }, typeof x === 'object' ? compact(x) : String(x))));
    }
    if (typeof v === 'object') return el('span', { class: 'mono' }, compact(v));
    return el('span', null, String(v));
  }

  function compact(obj) {
    return Object.entries(obj).filter(([, x]) => x != null).map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : x}`).join(', ');
  }

  // ======================================================================================
  // API client
  // ======================================================================================

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  let me = { name: '', role: 'READ_ONLY', csrf: '' };

  function canAct() {
    return me.role === 'ADMIN';
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/json';
      headers['X-Baton-Csrf'] = me.csrf || '';
      if (method !== 'DELETE' || body !== undefined) options.body = JSON.stringify(body === undefined ? {} : body);
    }
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (e) {
      throw new ApiError(0, 'network', 'Cannot reach the dashboard server (' + (e.message || 'network error') + ').');
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!response.ok) {
      const err = data && data.error;
      throw new ApiError(response.status, (err && err.code) || 'http_' + response.status,
        (err && err.message) || `${method} ${path} failed with HTTP ${response.status}`);
    }
    return data;
  }

  function get(path, params) {
    return api('GET', path + queryString(params));
  }

  function post(path, body) {
    return api('POST', path, body);
  }

  // ======================================================================================
  // Banner: errors (dismissable) and short notices
  // ======================================================================================

  const banner = document.getElementById('banner');

  function showError(err) {
    if (err && err.name === 'AbortError') return;
    const message = (err && err.message) || String(err);
    const code = err instanceof ApiError ? err.code : '';
    for (const existing of banner.querySelectorAll('[data-testid="error"]')) {
      if (existing.dataset.message === message) {
        const n = Number(existing.dataset.times || 1) + 1;
        existing.dataset.times = n;
        existing.querySelector('.times').textContent = '×' + n;
        return;
      }
    }
    const box = el('div', { class: 'msg', role: 'alert', 'data-testid': 'error', dataset: { message, code } },
      el('div', { class: 'text' }, code && el('span', { class: 'code' }, code), message),
      el('span', { class: 'times' }),
      el('button', { class: 'icon', type: 'button', title: 'Dismiss', 'aria-label': 'Dismiss', 'data-testid': 'btn-dismiss', onclick: () => box.remove() }, '×'));
    banner.appendChild(box);
  }

  function showNotice(text) {
    const box = el('div', { class: 'msg info', role: 'status', 'data-testid': 'notice' },
      el('div', { class: 'text' }, text),
      el('button', { class: 'icon', type: 'button', 'aria-label': 'Dismiss', onclick: () => box.remove() }, '×'));
    banner.appendChild(box);
    setTimeout(() => box.remove(), 5000);
  }

  function clearNotices() {
    for (const n of banner.querySelectorAll('[data-testid="notice"]')) n.remove();
  }

  // ======================================================================================
  // Dialogs
  // ======================================================================================

  const dialog = document.getElementById('dialog');

  /** Asks before a destructive action; resolves true on confirm. */
  function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false }) {
    return new Promise(resolve => {
      let answer = false;
      const confirm = el('button', { type: 'button', class: ['primary', danger && 'danger solid'], 'data-testid': 'btn-confirm', onclick: () => { answer = true; dialog.close(); } }, confirmLabel);
      const cancel = el('button', { type: 'button', 'data-testid': 'btn-cancel', onclick: () => dialog.close() }, 'Cancel');
      clear(dialog,
        el('div', { class: 'd-body', 'data-testid': 'confirm-dialog' }, el('h2', null, title), el('p', null, message)),
        el('div', { class: 'd-actions' }, cancel, confirm));
      dialog.addEventListener('close', () => resolve(answer), { once: true });
      dialog.showModal();
      (danger ? cancel : confirm).focus();
    });
  }

  /** Runs an action from a button: disables it while running, reports errors in the banner. */
  async function runAction(button, action) {
    if (button) button.disabled = true;
    try {
      return await action();
    } catch (e) {
      showError(e);
      return undefined;
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ======================================================================================
  // Live updates: SSE with a polling fallback, paused while the tab is hidden
  // ======================================================================================

  const live = {
    source: null,
    timer: null,
    job: null,
    errors: 0,
    polling: false,
    statsListeners: new Set(),
    jobListeners: new Set(),
    lastStats: null,

    start() {
      this.stop();
      if (document.hidden) {
        this.setStatus('paused', 'Paused while the tab is hidden');
        return;
      }
      if (!this.polling && typeof EventSource === 'function') this.openStream();
      else this.startPolling();
    },

    stop() {
      if (this.source) this.source.close();
      this.source = null;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    },

    /** A job page asks for `job` events of its job (null: none). */
    watchJob(id) {
      if (this.job === id && (this.source || this.timer)) return;
      this.job = id;
      this.start();
    },

    openStream() {
      const url = API + '/events' + queryString({ job: this.job });
      const source = new EventSource(url);
      this.source = source;
      source.addEventListener('open', () => {
        this.errors = 0;
        this.setStatus('live', 'Live (server-sent events)');
      });
      source.addEventListener('stats', e => {
        this.errors = 0;
        this.emitStats(parseJson(e.data));
      });
      source.addEventListener('job', e => this.emitJob(parseJson(e.data)));
      source.addEventListener('error', () => {
        if (this.source !== source) return;
        this.errors++;
        if (source.readyState === EventSource.CLOSED || this.errors >= SSE_MAX_ERRORS) {
          source.close();
          this.source = null;
          this.polling = true;
          this.startPolling();
        } else {
          this.setStatus('offline', 'Reconnecting…');
        }
      });
    },

    startPolling() {
      this.setStatus('polling', 'Polling every 2 s (live stream unavailable)');
      const tick = () => this.poll();
      tick();
      this.timer = setInterval(tick, POLL_MS);
    },

    async poll() {
      try {
        const stats = await get('/stats');
        this.emitStats(stats);
        if (this.job) this.emitJob(await get('/jobs/' + enc(this.job)));
        this.setStatus('polling', 'Polling every 2 s (live stream unavailable)');
      } catch (e) {
        this.setStatus('offline', 'Offline: ' + e.message);
      }
    },

    emitStats(stats) {
      if (!stats) return;
      if (stats.at) {
        const serverNow = Date.parse(stats.at);
        if (!Number.isNaN(serverNow)) clockSkewMs = serverNow - Date.now();
      }
      this.lastStats = stats;
      recordRate(stats);
      for (const fn of this.statsListeners) safeCall(fn, stats);
    },

    emitJob(job) {
      if (!job) return;
      for (const fn of this.jobListeners) safeCall(fn, job);
    },

    onVisibility() {
      if (document.hidden) {
        this.stop();
        this.setStatus('paused', 'Paused while the tab is hidden');
      } else {
        this.polling = false; // give the stream another chance after a pause
        this.errors = 0;
        this.start();
      }
    },

    setStatus(kind, title) {
      const node = document.querySelector('[data-testid="live-status"]');
      if (!node) return;
      node.className = 'live is-' + kind;
      node.textContent = kind;
      node.title = title;
      node.dataset.status = kind;
    },
  };

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function safeCall(fn, arg) {
    try {
      fn(arg);
    } catch (e) {
      console.error(e);
    }
  }

  /** Per-second succeeded/failed rates from successive stats samples (kept across pages). */
  const rates = { last: null, points: [] };

  function recordRate(stats) {
    const states = stats.states || {};
    const t = Date.parse(stats.at) || Date.now();
    const sample = { t, succeeded: Number(states.SUCCEEDED) || 0, failed: Number(states.FAILED) || 0 };
    const last = rates.last;
    rates.last = sample;
    if (!last || t <= last.t) return;
    const dt = (t - last.t) / 1000;
    if (dt > 30) { // a long gap (hidden tab): start a new series rather than draw a misleading average
      rates.points = [];
      return;
    }
    rates.points.push({
      t,
      succeeded: Math.max(0, sample.succeeded - last.succeeded) / dt,
      failed: Math.max(0, sample.failed - last.failed) / dt,
    });
    if (rates.points.length > LIVE_POINTS) rates.points.splice(0, rates.points.length - LIVE_POINTS);
  }

  // ======================================================================================
  // Charts (SVG drawn by hand; labels are HTML around it)
  // ======================================================================================

  const CHART_W = 600;
  const CHART_H = 100;

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function chartFrame(kind, max, unit) {
    const root = svg('svg', { class: ['chart', kind], viewBox: `0 0 ${CHART_W} ${CHART_H}`, preserveAspectRatio: 'none', role: 'img' });
    for (const y of [0.25, 0.5, 0.75]) {
      root.appendChild(svg('line', { class: 'grid-line', x1: 0, x2: CHART_W, y1: CHART_H * y, y2: CHART_H * y, 'vector-effect': 'non-scaling-stroke' }));
    }
    const box = el('div', { class: 'chart-box' }, root, el('span', { class: 'chart-max' }, max > 0 ? `${num(max)}${unit}` : ''));
    return { root, box };
  }

  /** Lines (with a light area) for series keys over points [{t, key: value}], oldest first. */
  function lineChart(points, keys, unit) {
    const max = niceMax(Math.max(0, ...points.flatMap(p => keys.map(k => p[k]))));
    const { root, box } = chartFrame('line-chart', max, unit);
    // Fixed slots, newest at the right edge, so the graph scrolls left as samples arrive.
    const slots = Math.max(LIVE_POINTS, points.length);
    const x = i => (CHART_W * (slots - points.length + i)) / (slots - 1);
    const y = v => CHART_H - (CHART_H * v) / max;
    for (const key of keys) {
      if (points.length < 2) break;
      const coords = points.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`);
      const firstX = x(0).toFixed(1);
      const lastX = x(points.length - 1).toFixed(1);
      root.appendChild(svg('path', { class: `area ser-${key}`, d: `M${firstX},${CHART_H} L${coords.join(' L')} L${lastX},${CHART_H} Z` }));
      root.appendChild(svg('polyline', { class: `line ser-${key}`, points: coords.join(' '), 'vector-effect': 'non-scaling-stroke' }));
    }
    return box;
  }

  /** Stacked bars for series keys over points [{at, key: count}], oldest first. */
  function barChart(points, keys, stepLabel) {
    const max = niceMax(Math.max(0, ...points.map(p => keys.reduce((s, k) => s + (Number(p[k]) || 0), 0))));
    const { root, box } = chartFrame('bar-chart tall', max, '');
    const w = CHART_W / Math.max(points.length, 1);
    const gap = w > 4 ? w * 0.15 : 0;
    points.forEach((p, i) => {
      let base = CHART_H;
      for (const key of keys) {
        const v = Number(p[key]) || 0;
        if (!v) continue;
        const h = (CHART_H * v) / max;
        base -= h;
        root.appendChild(svg('rect', { class: `seg ser-${key}`, x: i * w + gap / 2, y: base, width: Math.max(w - gap, 0.5), height: h }));
      }
      const tip = `${new Date(p.at).toLocaleString()} (${stepLabel})\n` + keys.map(k => `${k}: ${num(p[k] || 0)}`).join('\n');
      root.appendChild(svg('rect', { class: 'hit', x: i * w, y: 0, width: w, height: CHART_H }, svg('title', null, tip)));
    });
    return box;
  }

  function legend(keys) {
    return el('div', { class: 'legend' }, keys.map(k => el('span', { class: 'k-' + k }, k)));
  }

  // ======================================================================================
  // Router and page lifecycle
  // ======================================================================================

  const main = document.getElementById('main');
  let page = null;

  const ROUTES = [
    { nav: 'overview', pattern: /^\/?$/, title: 'Overview', render: renderOverview },
    { nav: 'jobs', pattern: /^\/jobs\/?$/, title: 'Jobs', render: renderJobs },
    { nav: 'jobs', pattern: /^\/jobs\/([^/]+)\/?$/, title: 'Job', render: renderJob },
    { nav: 'servers', pattern: /^\/servers\/?$/, title: 'Servers', render: renderServers },
    { nav: 'recurring', pattern: /^\/recurring\/?$/, title: 'Recurring jobs', render: renderRecurring },
    { nav: 'concurrency', pattern: /^\/concurrency\/?$/, title: 'Concurrency', render: renderConcurrency },
  ];

  function readBase() {
    const meta = document.querySelector('meta[name="baton-base"]');
    let base = meta ? meta.getAttribute('content') || '' : '';
    if (base.includes('{{')) base = ''; // served without substitution (a static preview)
    return base.replace(/\/+$/, '');
  }

  function safeDecode(part) {
    try {
      return decodeURIComponent(part);
    } catch (e) {
      return part;
    }
  }

  function pagePath() {
    let path = location.pathname;
    if (BASE && path.startsWith(BASE)) path = path.slice(BASE.length);
    return path || '/';
  }

  function navigate(url, options = {}) {
    if (options.replace) history.replaceState(options.state || null, '', url);
    else history.pushState(options.state || null, '', url);
    render();
    if (!options.keepScroll) window.scrollTo(0, 0);
  }

  /** Same-origin links below the mount point navigate in place; modified clicks open tabs as usual. */
  function onLinkClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = event.target.closest && event.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (BASE && url.pathname !== BASE && !url.pathname.startsWith(BASE + '/')) return;
    if (url.pathname.startsWith(API)) return;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  }

  function render() {
    if (page) page.dispose();
    clearNotices();
    const path = pagePath();
    let route = null;
    let match = null;
    for (const r of ROUTES) {
      match = path.match(r.pattern);
      if (match) {
        route = r;
        break;
      }
    }
    page = createPage();
    markNav(route ? route.nav : null);
    clear(main);
    if (!route) {
      document.title = 'Not found · Baton';
      main.appendChild(el('div', { class: 'card' }, empty('There is no page at ' + path + '.', 'not-found')));
      live.watchJob(null);
      return;
    }
    document.title = route.title + ' · Baton';
    const args = match.slice(1).map(safeDecode);
    live.watchJob(route.render === renderJob ? args[0] : null);
    const current = page;
    Promise.resolve()
      .then(() => route.render(current, args))
      .catch(e => { if (current.alive) showError(e); });
  }

  /** What a page may hook into; everything is undone when the page is left. */
  function createPage() {
    const cleanups = [];
    const p = {
      alive: true,
      params: new URLSearchParams(location.search),
      onDispose(fn) {
        cleanups.push(fn);
      },
      every(ms, fn) {
        const id = setInterval(() => {
          if (p.alive && !document.hidden) fn();
        }, ms);
        cleanups.push(() => clearInterval(id));
      },
      onStats(fn) {
        live.statsListeners.add(fn);
        cleanups.push(() => live.statsListeners.delete(fn));
        if (live.lastStats) safeCall(fn, live.lastStats);
      },
      onJob(fn) {
        live.jobListeners.add(fn);
        cleanups.push(() => live.jobListeners.delete(fn));
      },
      dispose() {
        p.alive = false;
        for (const fn of cleanups) safeCall(fn);
      },
    };
    return p;
  }

  // ======================================================================================
  // Header
  // ======================================================================================

  function renderHeader() {
    const header = document.getElementById('top');
    clear(header,
      el('a', { class: 'brand', href: href('/') }, el('img', { src: faviconUrl(), alt: '' }), 'Baton'),
      el('nav', { class: 'nav', 'aria-label': 'Main', 'data-testid': 'nav' },
        NAV.map(([key, path, label]) => el('a', { href: href(path), 'data-nav': key, 'data-testid': 'nav-' + key }, label))),
      el('div', { class: 'who' },
        el('span', { class: 'live', 'data-testid': 'live-status' }, 'connecting'),
        el('span', { class: 'name', 'data-testid': 'me' }),
        el('span', { class: 'role', 'data-testid': 'me-role' })));
  }

  function faviconUrl() {
    const icon = document.querySelector('link[rel="icon"]');
    return icon ? icon.getAttribute('href') : '';
  }

  function showMe() {
    const name = document.querySelector('[data-testid="me"]');
    const role = document.querySelector('[data-testid="me-role"]');
    name.textContent = me.name || '';
    role.textContent = me.role === 'ADMIN' ? 'admin' : 'read-only';
    role.title = me.role === 'ADMIN' ? 'May requeue, delete and trigger' : 'May look, not change';
  }

  function markNav(key) {
    for (const a of document.querySelectorAll('.nav a')) {
      if (a.dataset.nav === key) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  // ======================================================================================
  // Page: Overview
  // ======================================================================================

  async function renderOverview(p) {
    const counts = el('div', { class: 'counts' });
    const problems = el('div', { class: 'problems', 'data-testid': 'problems', 'aria-live': 'polite' });
    const liveBody = el('div', { 'data-testid': 'live-chart' });
    const liveRate = el('span', { class: 'sub', 'data-testid': 'live-rate' });
    const hist24 = el('div', { 'data-testid': 'history-24h' }, empty('Loading…'));
    const hist7 = el('div', { 'data-testid': 'history-7d' }, empty('Loading…'));
    const types = el('div', null, empty('Loading…'));
    const servers = el('div', { 'data-testid': 'overview-servers' }, empty('Loading…'));
    const queues = el('div', { 'data-testid': 'overview-queues' }, empty('Loading…'));

    const countValues = {};
    for (const state of STATES) {
      const value = el('span', { class: 'value', 'data-testid': 'count-' + state }, '—');
      countValues[state] = value;
      counts.appendChild(el('a', { class: ['count', 's-' + state], href: href('/jobs', { state }) },
        el('span', { class: 'label' }, STATE_LABELS[state]), value));
    }

    append(main,
      el('div', { class: 'page-head' }, el('h1', null, 'Overview')),
      problems,
      counts,
      el('div', { class: 'grid three' },
        card('Live', liveBody, { tools: liveRate, sub: 'jobs per second' }),
        card('Last 24 hours', hist24, { tools: legend(['succeeded', 'failed', 'retried']) }),
        card('Last 7 days', hist7, { tools: legend(['succeeded', 'failed', 'retried']) })),
      card('Job types', types, { sub: 'last 24 hours', flush: true }),
      el('div', { class: 'grid two' },
        card('Servers', servers, { flush: true, tools: el('a', { href: href('/servers') }, 'All servers →') }),
        card('Queues', queues, { flush: true })));

    let serverData = null;
    let lastStats = null;
    let queueData = null; // from /queues, which also says how many servers listen to each queue
    let reloading = false;

    const queueRows = () => mergeQueues(lastStats && lastStats.queues, queueData, serverData && serverData.servers);
    const drawQueues = () => clear(queues, queuesTable(queueRows()));
    const drawProblems = () => clear(problems, overviewProblems(lastStats, queueRows(), serverData));

    p.onStats(stats => {
      lastStats = stats;
      const states = stats.states || {};
      for (const state of STATES) {
        const v = Number(states[state]) || 0;
        countValues[state].textContent = num(v);
        countValues[state].dataset.value = v;
        countValues[state].parentElement.classList.toggle('hot', state === 'FAILED' && v > 0);
      }
      drawLive(liveBody, liveRate);
      drawQueues();
      drawProblems();
      // A server came or went since the lists were read: read them again now rather than show a
      // queue as unserved (or served) for up to five seconds.
      if (serverData && stats.servers != null && Number(stats.servers) !== (serverData.servers || []).length && !reloading) {
        reloading = true;
        Promise.all([loadServers().catch(showError), loadQueues().catch(showError)]).finally(() => { reloading = false; });
      }
    });
    drawLive(liveBody, liveRate);

    const loadHistory = async () => {
      const [day, week] = await Promise.all([get('/stats/history', { range: '24h' }), get('/stats/history', { range: '7d' })]);
      if (!p.alive) return;
      clear(hist24, historyChart(day));
      clear(hist7, historyChart(week));
      clear(types, typesTable(day.types || []));
    };
    const loadServers = async () => {
      serverData = await get('/servers');
      if (!p.alive) return;
      clear(servers, serversGlance(serverData.servers || []));
      drawProblems();
    };
    const loadQueues = async () => {
      const data = await get('/queues');
      if (!p.alive) return;
      queueData = data.queues || [];
      drawQueues();
      drawProblems();
    };

    await Promise.all([loadHistory().catch(showError), loadServers().catch(showError), loadQueues().catch(showError)]);
    p.every(60000, () => loadHistory().catch(showError));
    p.every(5000, () => loadServers().catch(showError));
    p.every(5000, () => loadQueues().catch(showError));
  }

  /**
   * The queues with their live counts (the stats event, every second) and how many servers listen
   * to each. The stats event's queues carry no `servers`; that comes from /queues and from the
   * server list, both read every few seconds: a server either of them saw counts (the two reads
   * are moments apart, and a server that just started may be in one and not yet in the other).
   * Unknown (nothing read yet) stays null and shows as a dash, never as "none".
   */
  function mergeQueues(live, listed, servers) {
    const fromList = new Map((listed || []).filter(q => q.servers != null).map(q => [q.queue, Number(q.servers) || 0]));
    const listeningTo = queue => {
      const counts = [];
      if (fromList.has(queue)) counts.push(fromList.get(queue));
      if (servers) counts.push(servers.filter(s => (s.queues || []).includes(queue)).length);
      return counts.length ? Math.max(...counts) : null;
    };
    const rows = new Map();
    for (const q of listed || []) rows.set(q.queue, { ...q });
    for (const q of live || []) rows.set(q.queue, { ...rows.get(q.queue), ...q }); // live counts win
    return [...rows.values()].map(q => ({ ...q, servers: listeningTo(q.queue) }));
  }

  function drawLive(body, rateLabel) {
    const pts = rates.points;
    if (pts.length < 2) {
      clear(body, empty('Collecting samples…'));
      rateLabel.textContent = '';
      return;
    }
    clear(body, lineChart(pts, ['succeeded', 'failed'], '/s'),
      el('div', { class: 'axis' }, el('span', null, duration(pts[pts.length - 1].t - pts[0].t) + ' ago'), el('span', null, 'now')));
    const last = pts[pts.length - 1];
    clear(rateLabel,
      el('span', { class: 'rate', title: 'succeeded per second' }, el('span', { class: 'badge s-SUCCEEDED' }, rate(last.succeeded))), ' ',
      el('span', { class: 'rate', title: 'failed per second' }, el('span', { class: 'badge s-FAILED' }, rate(last.failed))));
  }

  function historyChart(data) {
    const points = (data && data.points) || [];
    if (!points.length) return empty('No history yet.');
    const keys = ['succeeded', 'failed', 'retried'];
    const total = k => points.reduce((s, p) => s + (Number(p[k]) || 0), 0);
    return el('div', null,
      barChart(points, keys, 'per ' + (data.step || 'step')),
      el('div', { class: 'axis' }, el('span', null, timeEl(points[0].at)), el('span', null, 'per ' + (data.step || 'step')), el('span', null, timeEl(points[points.length - 1].at))),
      el('div', { class: 'axis' },
        el('span', null, num(total('succeeded')) + ' succeeded'),
        el('span', null, num(total('failed')) + ' failed'),
        el('span', null, num(total('retried')) + ' retried')));
  }

  function typesTable(types) {
    if (!types.length) return empty('No jobs ran in the last 24 hours.');
    const rows = [...types]
      .sort((a, b) => runs(b) - runs(a))
      .map(t => el('tr', { 'data-testid': 'type-row', 'data-type': t.type },
        td(jobsLink({ type: t.type }, t.type), 'mono'),
        td(num(runs(t)), 'num'),
        td(num(t.succeeded), 'num lesser'),
        td(t.failed ? jobsLink({ type: t.type, state: 'FAILED' }, num(t.failed)) : '0', 'num'),
        td(num(t.retried), 'num lesser'),
        td(percent((t.failed || 0) + (t.retried || 0), runs(t)), 'num'),
        td(duration(t.avgRunMs), 'num lesser'),
        td(duration(t.avgWaitMs), 'num lesser')));
    return table(['Type', th('Runs', 'num'), th('Succeeded', 'num lesser'), th('Failed', 'num'), th('Retried', 'num lesser'),
      th('Failure rate', 'num'), th('Avg run', 'num lesser'), th('Avg wait', 'num lesser')], rows, { class: 'types' });
  }

  function runs(t) {
    return (Number(t.succeeded) || 0) + (Number(t.failed) || 0) + (Number(t.retried) || 0);
  }

  function serversGlance(servers) {
    if (!servers.length) return empty('No server is running.');
    return table(['Server', th('Busy', 'num'), 'Heartbeat', 'Queues'], servers.map(s => el('tr', null,
      td(el('span', { class: 'mono', title: s.serverId }, shortId(s.serverId))),
      td(`${num(s.running)} / ${num(s.workers)}`, 'num'),
      td(beatAge(s)),
      td(el('div', { class: 'chips' }, (s.queues || []).map(q => el('span', { class: 'chip' }, q)))))), { class: 'stack' });
  }

  function queuesTable(queues) {
    if (!queues.length) return empty('No queues.');
    return table(['Queue', th('Enqueued', 'num'), th('Processing', 'num'), th('Scheduled', 'num'), th('Blocked', 'num'), th('Servers', 'num')],
      queues.map(q => el('tr', { 'data-testid': 'queue-row', 'data-queue': q.queue },
        td(jobsLink({ queue: q.queue }, q.queue), 'mono'),
        td(jobsLink({ queue: q.queue, state: 'ENQUEUED' }, num(q.enqueued)), 'num'),
        td(num(q.processing), 'num'),
        td(num(q.scheduled), 'num'),
        td(num(q.blocked), 'num'),
        td(q.servers == null ? el('span', { class: 'faint', title: 'not read yet' }, '—') : Number(q.servers) > 0 ? num(q.servers) : el('span', { class: 'badge bad', title: 'No live server listens to this queue' }, 'none'), 'num'))), { class: 'stack' });
  }

  function overviewProblems(stats, queues, serverData) {
    const out = [];
    const failed = stats && stats.states ? Number(stats.states.FAILED) || 0 : 0;
    if (failed > 0) {
      out.push(el('div', { class: 'problem bad', 'data-testid': 'problem', 'data-kind': 'failed' },
        el('span', { class: 'what' }, `${num(failed)} failed ${failed === 1 ? 'job needs' : 'jobs need'} attention.`),
        jobsLink({ state: 'FAILED' }, 'Show failed jobs →')));
    }
    for (const q of queues) {
      const waiting = Number(q.enqueued) || 0;
      if (waiting > 0 && q.servers != null && Number(q.servers) === 0) {
        out.push(el('div', { class: 'problem', 'data-testid': 'problem', 'data-kind': 'unserved-queue' },
          el('span', { class: 'what' }, `Queue “${q.queue}” has ${num(waiting)} enqueued ${waiting === 1 ? 'job' : 'jobs'} but no server listens to it.`),
          jobsLink({ queue: q.queue, state: 'ENQUEUED' }, 'Show →')));
      }
    }
    const unknown = new Map();
    for (const e of (serverData && serverData.events) || []) {
      if (e.kind !== 'UNKNOWN_TYPE' || !e.jobType || now() - Date.parse(e.at) > DEAD_RECENT_MS) continue;
      const u = unknown.get(e.jobType) || { failed: 0, postponed: 0, servers: new Set(), at: e.at };
      u.failed += Number(e.failed) || 0;
      u.postponed += Number(e.postponed) || 0;
      u.servers.add(e.serverId);
      if (Date.parse(e.at) > Date.parse(u.at)) u.at = e.at;
      unknown.set(e.jobType, u);
    }
    for (const [type, u] of unknown) {
      const parts = [];
      if (u.failed > 0) parts.push(`${num(u.failed)} ${u.failed === 1 ? 'job' : 'jobs'} failed`);
      if (u.postponed > 0) parts.push(`${num(u.postponed)} ${u.postponed === 1 ? 'run was' : 'runs were'} put back for a server that has it`);
      out.push(el('div', { class: u.failed > 0 ? 'problem bad' : 'problem', 'data-testid': 'problem', 'data-kind': 'unknown-type', 'data-type': type },
        el('span', { class: 'what' }, `Job type “${type}” has no handler on ${[...u.servers].join(', ')}: ${parts.join(', ')}. Register it${u.failed > 0 ? ' and requeue the failed jobs' : ''}. `, timeEl(u.at)),
        jobsLink(u.failed > 0 ? { state: 'FAILED', type } : { type }, 'Show →')));
    }
    for (const e of (serverData && serverData.events) || []) {
      if (e.kind !== 'DECLARED_DEAD' || now() - Date.parse(e.at) > DEAD_RECENT_MS) continue;
      out.push(el('div', { class: 'problem', 'data-testid': 'problem', 'data-kind': 'dead-server' },
        el('span', { class: 'what' }, `Server ${e.serverId} was declared dead`, e.byServerId ? ` by ${e.byServerId}` : '',
          `; ${num(e.jobs || 0)} ${e.jobs === 1 ? 'job was' : 'jobs were'} taken back. `, timeEl(e.at)),
        el('a', { href: href('/servers') }, 'Servers →')));
    }
    return out;
  }

  function beatAge(s) {
    const age = s.beatAgeMs != null ? s.beatAgeMs : now() - Date.parse(s.lastBeat);
    const cls = age > 60000 ? 'badge bad' : age > 15000 ? 'badge warn' : 'nowrap';
    return el('span', { class: cls, title: s.lastBeat || '' }, duration(age) + ' ago');
  }

  // ======================================================================================
  // Page: Jobs list
  // ======================================================================================

  const FILTER_KEYS = ['state', 'queue', 'type', 'q', 'from', 'to'];

  async function renderJobs(p) {
    const filter = {};
    for (const k of FILTER_KEYS) filter[k] = p.params.get(k) || '';
    const after = p.params.get('after') || '';
    const newer = (history.state && Array.isArray(history.state.newer)) ? history.state.newer : [];
    const selected = new Set();

    const tabs = jobsTabs(p, filter);
    const form = jobsFilterForm(filter);
    const tableBox = el('div', null, empty('Loading…'));
    const note = el('div');
    const pager = el('div', { class: 'pager' });
    const bulk = canAct() ? el('div', { class: 'bulkbar' }) : null;
    const bulkStatus = el('span');

    append(main,
      el('div', { class: 'page-head' }, el('h1', null, STATE_LABELS[filter.state] ? STATE_LABELS[filter.state] + ' jobs' : 'Jobs')),
      el('section', { class: 'card' }, tabs, form, bulk, tableBox, note, pager));

    const load = async () => {
      const data = await get('/jobs', { ...filter, after, limit: PAGE_SIZE });
      if (!p.alive) return;
      for (const id of [...selected]) if (!data.items.some(j => j.id === id)) selected.delete(id);
      clear(tableBox, jobsTable(data.items || [], filter, selected, updateBulk));
      clear(note, scanNote(data));
      clear(pager, jobsPager(filter, after, newer, data.next, load));
      updateBulk();
    };

    function updateBulk() {
      if (!bulk) return;
      clear(bulk, bulkBar(filter, selected, bulkStatus, async () => { selected.clear(); await load(); }));
      for (const row of tableBox.querySelectorAll('tr[data-id]')) row.classList.toggle('selected', selected.has(row.dataset.id));
    }

    await load();
    // Refresh the first page while nobody is selecting rows on it, so PROCESSING and ENQUEUED tabs move.
    p.every(5000, () => {
      const busy = selected.size > 0 || dialog.open || tableBox.contains(document.activeElement);
      if (!after && !busy) load().catch(showError);
    });
  }

  function jobsTabs(p, filter) {
    const base = { ...filter };
    delete base.state;
    const counters = {};
    const tab = (state, label) => {
      const n = el('span', { class: 'n' });
      if (state) counters[state] = n;
      return el('a', {
        class: state ? 's-' + state : null,
        href: href('/jobs', { ...base, state }),
        'aria-current': (filter.state || '') === (state || '') ? 'page' : null,
        'data-testid': 'tab-' + (state || 'ALL'),
      }, label, state && n);
    };
    const nav = el('nav', { class: 'tabs', 'aria-label': 'States' }, tab('', 'All'), STATES.map(s => tab(s, STATE_LABELS[s])));
    p.onStats(stats => {
      const states = stats.states || {};
      for (const s of STATES) counters[s].textContent = num(states[s] || 0);
    });
    return nav;
  }

  function jobsFilterForm(filter) {
    const typeInput = el('input', { class: 'f-type', name: 'type', value: filter.type, list: 'dl-types', placeholder: 'any type', autocomplete: 'off', 'data-testid': 'filter-type' });
    const queueInput = el('input', { class: 'f-queue', name: 'queue', value: filter.queue, list: 'dl-queues', placeholder: 'any queue', autocomplete: 'off', 'data-testid': 'filter-queue' });
    const fromInput = el('input', { type: 'datetime-local', name: 'from', value: toLocalInput(filter.from), 'data-testid': 'filter-from' });
    const toInput = el('input', { type: 'datetime-local', name: 'to', value: toLocalInput(filter.to), 'data-testid': 'filter-to' });
    const qInput = el('input', { type: 'search', name: 'q', value: filter.q, placeholder: 'job id or argument value', 'data-testid': 'filter-q' });
    const typeList = el('datalist', { id: 'dl-types' });
    const queueList = el('datalist', { id: 'dl-queues' });
    fillDatalists(typeList, queueList);

    const form = el('form', {
      class: 'filters',
      role: 'search',
      'data-testid': 'filter-form',
      onsubmit: e => {
        e.preventDefault();
        navigate(href('/jobs', {
          state: filter.state,
          type: typeInput.value.trim(),
          queue: queueInput.value.trim(),
          from: fromLocalInput(fromInput.value),
          to: fromLocalInput(toInput.value),
          q: qInput.value.trim(),
        }));
      },
    },
    el('label', null, 'Type', typeInput),
    el('label', null, 'Queue', queueInput),
    el('label', null, 'From', fromInput),
    el('label', null, 'To', toInput),
    el('label', { class: 'grow' }, 'Search', qInput),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'btn-filter' }, 'Filter'),
      el('a', { class: 'btn', href: href('/jobs', { state: filter.state }), 'data-testid': 'btn-clear' }, 'Clear')),
    typeList, queueList);
    return form;
  }

  async function fillDatalists(typeList, queueList) {
    try {
      const [types, queues] = await Promise.all([get('/job-types').catch(() => null), get('/queues').catch(() => null)]);
      for (const t of jobTypeNames(types)) typeList.appendChild(el('option', { value: t }));
      for (const q of (queues && queues.queues) || []) queueList.appendChild(el('option', { value: q.queue }));
    } catch (e) {
      // suggestions are a convenience; the filter works without them
    }
  }

  function jobTypeNames(data) {
    const list = Array.isArray(data) ? data : (data && (data.types || data.jobTypes || data.items)) || [];
    return list.map(t => (typeof t === 'string' ? t : t.type || t.name)).filter(Boolean);
  }

  function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
  }

  function fromLocalInput(value) {
    if (!value) return '';
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString();
  }

  function jobsTable(items, filter, selected, onSelect) {
    if (!items.length) return empty(filterIsEmpty(filter) ? 'No jobs.' : 'No jobs match this filter.', 'jobs-empty');
    const act = canAct();
    const selectAll = act ? el('input', {
      type: 'checkbox',
      'aria-label': 'Select all on this page',
      'data-testid': 'select-all',
      onchange: e => {
        for (const j of items) e.target.checked ? selected.add(j.id) : selected.delete(j.id);
        for (const box of e.target.closest('table').querySelectorAll('input[data-testid="row-select"]')) box.checked = e.target.checked;
        onSelect();
      },
    }) : null;
    const head = [act && el('th', { class: 'check' }, selectAll), 'Job', 'Type', 'Queue', 'State', th('Attempt', 'num'), th('Created', 'c-created'), 'Since', 'Details'].filter(Boolean);
    const rows = items.map(j => jobRow(j, act, selected, onSelect));
    return table(head, rows, { class: ['jobs', act && 'selectable'], 'data-testid': 'jobs-table' });
  }

  function jobRow(j, act, selected, onSelect) {
    const check = act ? el('input', {
      type: 'checkbox',
      'aria-label': 'Select job ' + j.id,
      'data-testid': 'row-select',
      checked: selected.has(j.id),
      onchange: e => {
        e.target.checked ? selected.add(j.id) : selected.delete(j.id);
        onSelect();
      },
    }) : null;
    return el('tr', { 'data-testid': 'job-row', 'data-id': j.id, 'data-state': j.state, class: selected.has(j.id) ? 'selected' : null },
      act && td(check, 'check'),
      td(jobLink(j.id, true), 'id'),
      td(j.type, 'mono c-type'),
      td(j.queue, 'mono c-queue'),
      td(stateBadge(j.state), 'c-state'),
      td(j.maxAttempts ? `${num(j.attempt)} / ${num(j.maxAttempts)}` : num(j.attempt), 'num c-attempt'),
      td(timeEl(j.createdAt), 'c-created'),
      td(j.state === 'SCHEDULED' && j.runAt ? timeEl(j.runAt) : timeEl(j.stateAt), 'c-since'),
      td(jobInfo(j), 'info'));
  }

  /** One line: the progress of a running job, why a blocked one waits, or the latest reason. */
  function jobInfo(j) {
    if (j.state === 'PROCESSING' && progressValue(j.progress) != null) {
      return el('div', { class: 'meter' }, progressBar(j.progress, 's-PROCESSING'), `${clampPercent(j.progress)} %`);
    }
    if (j.blocked) return el('div', { class: 'clip', title: j.blocked.text || '' }, blockedSummary(j.blocked));
    if (j.reason) return el('div', { class: 'clip', title: j.reason }, j.reason);
    return null;
  }

  /** "mutex export:initech · 2nd in line · held by 01a2…70fd0" (the server's full sentence is the title). */
  function blockedSummary(b) {
    if (b.kind === 'previous-run') {
      return joinDots([el('span', { class: 'nowrap' }, 'its previous run'), el('span', { class: 'nowrap' }, 'on ' + (b.server || b.key || '?'))]);
    }
    const parts = [];
    const limit = b.kind === 'mutex' || b.limit == null ? '' : ` (${num(b.limit)})`;
    parts.push(`${b.kind || 'limit'} ${b.key || ''}${limit}`);
    if (b.position != null) parts.push(`${ordinal(b.position)} in line`);
    if (b.holders && b.holders.length) {
      parts.push('held by ' + shortId(b.holders[0]) + (b.holders.length > 1 ? ` and ${num(b.holders.length - 1)} more` : ''));
    }
    // Lines break between the parts, not inside a key or an id.
    return joinDots(parts.map(text => el('span', { class: 'nowrap' }, text)));
  }

  function filterIsEmpty(filter) {
    return !['queue', 'type', 'q', 'from', 'to'].some(k => filter[k]);
  }

  function scanNote(data) {
    const items = data.items || [];
    if (!data.next || items.length >= PAGE_SIZE) return null;
    const scanned = data.scanned != null ? num(data.scanned) + ' jobs' : 'its limit';
    return el('div', { class: 'note', 'data-testid': 'scan-note' },
      `This page is short: the search stopped after scanning ${scanned} (its scan budget). `
      + 'Older matches may exist; use “Older →” to keep searching.');
  }

  function jobsPager(filter, after, newer, next, reload) {
    const newerLink = el('a', {
      class: ['btn', 'small', !after && 'disabled'],
      href: after ? href('/jobs', { ...filter, after: newer[newer.length - 1] || '' }) : href('/jobs', filter),
      'data-testid': 'btn-newer',
      'aria-disabled': after ? null : 'true',
      onclick: e => {
        e.preventDefault();
        if (!after) return;
        const prev = newer[newer.length - 1] || '';
        navigate(href('/jobs', { ...filter, after: prev }), { state: { newer: newer.slice(0, -1) } });
      },
    }, '← Newer');
    const olderLink = el('a', {
      class: ['btn', 'small', !next && 'disabled'],
      href: next ? href('/jobs', { ...filter, after: next }) : href('/jobs', filter),
      'data-testid': 'btn-older',
      'aria-disabled': next ? null : 'true',
      onclick: e => {
        e.preventDefault();
        if (!next) return;
        navigate(href('/jobs', { ...filter, after: next }), { state: { newer: [...newer, after] } });
      },
    }, 'Older →');
    return [
      newerLink,
      after ? el('a', { href: href('/jobs', filter), class: 'small' }, 'Newest') : null,
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', class: 'small', 'data-testid': 'btn-refresh', onclick: e => runAction(e.currentTarget, reload) }, 'Refresh'),
      olderLink,
    ];
  }

  function bulkBar(filter, selected, statusBox, afterDone) {
    const n = selected.size;
    const ids = () => [...selected];
    const matching = filterForBulk(filter);
    const run = async (button, action, body, question) => {
      if (question && !(await confirmDialog(question))) return;
      await runAction(button, async () => {
        const started = await post('/jobs/bulk', { action, ...body });
        await followBulk(started.id, statusBox);
        await afterDone();
      });
    };
    const filterText = describeFilter(filter);
    return [
      el('span', { 'data-testid': 'selection-count' }, n ? `${num(n)} selected` : 'Select jobs for bulk actions'),
      el('button', { type: 'button', class: 'small', disabled: !n, 'data-testid': 'btn-bulk-requeue',
        onclick: e => run(e.currentTarget, 'requeue', { ids: ids() }) }, 'Requeue selected'),
      el('button', { type: 'button', class: 'small danger', disabled: !n, 'data-testid': 'btn-bulk-delete',
        onclick: e => run(e.currentTarget, 'delete', { ids: ids() },
          { title: `Delete ${num(n)} ${n === 1 ? 'job' : 'jobs'}?`, message: 'Deleted jobs stop running and stay visible in the Deleted tab until they are purged.', confirmLabel: 'Delete', danger: true }) }, 'Delete selected'),
      Object.keys(matching).length > 0 && [el('span', { class: 'sep' }),
      el('button', { type: 'button', class: 'small', 'data-testid': 'btn-bulk-requeue-all',
        onclick: e => run(e.currentTarget, 'requeue', { filter: matching },
          { title: 'Requeue all matching jobs?', message: `Every job matching ${filterText} is requeued, not only this page.`, confirmLabel: 'Requeue all' }) }, 'Requeue all matching'),
      el('button', { type: 'button', class: 'small danger', 'data-testid': 'btn-bulk-delete-all',
        onclick: e => run(e.currentTarget, 'delete', { filter: matching },
          { title: 'Delete all matching jobs?', message: `Every job matching ${filterText} is deleted, not only this page.`, confirmLabel: 'Delete all', danger: true }) }, 'Delete all matching')],
      statusBox,
    ];
  }

  function filterForBulk(filter) {
    const out = {};
    for (const k of FILTER_KEYS) if (filter[k]) out[k] = filter[k];
    return out;
  }

  function describeFilter(filter) {
    const parts = [];
    if (filter.state) parts.push('state ' + filter.state);
    if (filter.type) parts.push('type “' + filter.type + '”');
    if (filter.queue) parts.push('queue “' + filter.queue + '”');
    if (filter.q) parts.push('search “' + filter.q + '”');
    if (filter.from) parts.push('from ' + filter.from);
    if (filter.to) parts.push('to ' + filter.to);
    return parts.length ? parts.join(', ') : 'no filter (all jobs)';
  }

  /** Polls a bulk operation until it finishes, showing a progress bar. */
  async function followBulk(bulkId, box) {
    const bar = progressBar(0);
    const label = el('span', { class: 'nowrap' }, 'starting…');
    const wrap = el('span', { class: 'meter', 'data-testid': 'bulk-progress', 'data-done': 0, 'data-matched': 0, 'data-finished': 'false' }, bar, label);
    clear(box, wrap);
    for (;;) {
      const status = await get('/bulk/' + enc(bulkId));
      const done = Number(status.done) || 0;
      const matched = Number(status.matched) || 0;
      setBar(bar, matched ? (100 * done) / matched : status.finished ? 100 : 0);
      label.textContent = `${status.action || ''} ${num(done)} of ${num(matched)}`;
      wrap.dataset.done = done;
      wrap.dataset.matched = matched;
      if (status.finished) {
        wrap.dataset.finished = 'true';
        if (status.error) showError(new ApiError(0, 'bulk', status.error));
        else showNotice(`Bulk ${status.action || 'action'} finished: ${num(done)} of ${num(matched)} jobs.`);
        return status;
      }
      await sleep(500);
    }
  }

  function sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
  }

  // ======================================================================================
  // Page: one job
  // ======================================================================================

  async function renderJob(p, [id]) {
    const head = el('div');
    const body = el('div');
    const logs = logsPanel(p, id);
    append(main, head, body, logs.node);

    let job = null;
    const progress = { row: null, bar: null, pct: null };

    const load = async () => {
      const fresh = await get('/jobs/' + enc(id));
      if (!p.alive) return;
      job = fresh;
      clear(head, jobHeader(job, load));
      clear(body, jobBody(job, progress));
      logs.update(job.logCount, job.state);
    };

    try {
      await load();
    } catch (e) {
      if (e.status === 404) {
        clear(head, el('div', { class: 'page-head' }, el('h1', { class: 'mono' }, id)));
        clear(body, el('div', { class: 'card' }, empty(e.message, 'not-found')));
        logs.node.remove();
        return;
      }
      throw e;
    }
    await logs.tail();

    p.onJob(update => {
      if (!job || (update.id && update.id !== id)) return;
      const changed = (update.state !== undefined && update.state !== job.state)
        || (update.attempt != null && update.attempt !== job.attempt)
        || (update.stateAt && job.stateAt && update.stateAt !== job.stateAt);
      if (changed) {
        load().catch(showError);
        return;
      }
      if (update.progress !== undefined && progress.bar) {
        setBar(progress.bar, update.progress);
        progress.row.dataset.value = clampPercent(update.progress);
        progress.pct.textContent = clampPercent(update.progress) + ' %';
      }
      const count = update.logTotal ?? update.logCount;
      if (count != null) logs.update(count, job.state);
    });
    // Without `job` events (an older server, or a quiet stream) a running job is still refreshed.
    p.every(10000, () => {
      if (job && ['PROCESSING', 'ENQUEUED', 'BLOCKED', 'SCHEDULED', 'AWAITING'].includes(job.state)) load().catch(showError);
    });
  }

  function jobHeader(job, reload) {
    return [
      el('div', { class: 'job-title' },
        el('h1', { 'data-testid': 'job-id' }, job.id),
        el('span', { 'data-testid': 'job-state', 'data-state': job.state }, stateBadge(job.state, true)),
        el('span', { class: 'spacer' }),
        canAct() ? jobActions(job, reload) : null),
      el('div', { class: 'job-sub' },
        el('span', null, 'type ', el('strong', { class: 'mono', 'data-testid': 'job-type' }, job.type)),
        el('span', null, 'queue ', jobsLink({ queue: job.queue }, el('strong', { class: 'mono', 'data-testid': 'job-queue' }, job.queue))),
        el('span', null, 'created ', timeEl(job.createdAt)),
        el('span', null, STATE_LABELS[job.state] ? STATE_LABELS[job.state].toLowerCase() + ' ' : '', timeEl(job.stateAt))),
    ];
  }

  function jobActions(job, reload) {
    const act = async (button, verb, path, question) => {
      if (question && !(await confirmDialog(question))) return;
      await runAction(button, async () => {
        try {
          const result = await post('/jobs/' + enc(job.id) + path);
          showNotice(`${verb} job ${job.id}` + (result && result.previousState ? ` (was ${result.previousState}).` : '.'));
        } finally {
          reload().catch(showError); // also after a refusal (409): the page was stale
        }
      });
    };
    const buttons = [];
    if (job.state === 'SCHEDULED' || job.state === 'BLOCKED') {
      buttons.push(el('button', { type: 'button', class: 'primary', 'data-testid': 'btn-run-now', onclick: e => act(e.currentTarget, 'Queued now:', '/run-now') }, 'Run now'));
    }
    if (job.state !== 'ENQUEUED') {
      buttons.push(el('button', { type: 'button', 'data-testid': 'btn-requeue', onclick: e => act(e.currentTarget, 'Requeued', '/requeue') }, 'Requeue'));
    }
    if (job.state !== 'DELETED') {
      const running = job.state === 'PROCESSING';
      buttons.push(el('button', {
        type: 'button', class: 'danger', 'data-testid': 'btn-delete',
        onclick: e => act(e.currentTarget, 'Deleted', '/delete', {
          title: 'Delete this job?',
          message: running ? 'The job is running: its worker is told to stop, and the job leaves PROCESSING.' : 'The job will not run; it stays visible as DELETED until it is purged.',
          confirmLabel: 'Delete',
          danger: true,
        }),
      }, 'Delete'));
    }
    return el('div', { class: 'actions' }, buttons);
  }

  function jobBody(job, progress) {
    const parts = [];
    progress.row = progress.bar = progress.pct = null;
    if (showsProgress(job)) parts.push(progressCard(job, progress));
    if (job.blocked) parts.push(blockedCard(job.blocked));
    parts.push(el('section', { class: 'card' }, factsList(job)));
    parts.push(el('div', { class: 'grid two align-start' },
      card('Arguments', el('pre', { class: 'json', 'data-testid': 'job-args' }, prettyArgs(job.args)), { flush: true }),
      card('History', historyTimeline(job.history || []), { flush: true, sub: plural((job.history || []).length, 'entry', 'entries') })));
    if (job.continuations && job.continuations.length) parts.push(continuationsCard(job.continuations));
    return parts;
  }

  function prettyArgs(args) {
    if (args === undefined) return '';
    if (typeof args === 'string') {
      const parsed = parseJson(args);
      return parsed == null ? args : JSON.stringify(parsed, null, 2);
    }
    return JSON.stringify(args, null, 2);
  }

  /** Progress while the job runs, and afterwards only if it ever reported some. */
  function showsProgress(job) {
    return job.state === 'PROCESSING' || clampPercent(job.progress) > 0;
  }

  function progressCard(job, progress) {
    const value = clampPercent(job.progress);
    progress.bar = progressBar(job.progress, 's-PROCESSING');
    progress.pct = el('span', { class: 'pct' }, value + ' %');
    progress.row = el('div', { class: 'progress-row', 'data-testid': 'progress', 'data-value': value },
      el('strong', null, 'Progress'), progress.bar, progress.pct);
    return el('section', { class: 'card' }, el('div', { class: 'card-body' }, progress.row));
  }

  function blockedCard(b) {
    const rows = b.kind === 'previous-run' ? [
      ['Waits for', 'its previous run, told to stop'],
      ['Server', el('span', { class: 'mono' }, b.server || b.key || '—')],
      ['Fencing token', b.fencingToken != null ? String(b.fencingToken) : '—'],
      ['Waiting since', timeEl(b.since)],
    ] : [
      ['Limit', `${b.kind || '—'}${b.limit != null ? ' (limit ' + num(b.limit) + ')' : ''}`],
      ['Key', el('span', { class: 'mono' }, b.key || '—')],
      ['Held by', (b.holders && b.holders.length) ? el('div', { class: 'chips' }, b.holders.map(h => el('span', { 'data-testid': 'blocked-holder' }, jobLink(h)))) : el('span', { class: 'faint' }, 'nobody')],
      ['Place in line', b.position != null ? ordinal(b.position) : '—'],
      ['Waiting since', timeEl(b.since)],
      ['Next check', timeEl(b.wakeAt)],
    ];
    return el('section', { class: 'card blocked-info', 'data-testid': 'blocked-info' },
      el('div', { class: 'card-head' }, el('h2', null, 'Blocked'), stateBadge('BLOCKED')),
      el('div', { class: 'card-body' },
        b.text && el('div', { class: 'text' }, b.text),
        el('dl', { class: 'facts' }, rows.map(([k, v]) => el('div', null, el('dt', null, k), el('dd', null, v))))));
  }

  function factsList(job) {
    const fact = (label, value, testid, cls) => el('div', { class: cls }, el('dt', null, label), el('dd', { 'data-testid': testid }, value));
    return el('dl', { class: 'facts' },
      fact('Type', el('span', { class: 'mono' }, job.type), null),
      fact('Queue', el('span', { class: 'mono' }, job.queue), null),
      fact('State', stateBadge(job.state), null),
      fact('Attempts', job.maxAttempts ? `${num(job.attempt)} of ${num(job.maxAttempts)}` : num(job.attempt), 'job-attempts'),
      fact('Fencing token', el('span', { class: 'mono' }, job.fencingToken != null ? String(job.fencingToken) : '—'), 'job-token'),
      fact('Owner', job.owner ? el('span', { class: 'mono' }, job.owner) : el('span', { class: 'faint' }, 'none'), 'job-owner'),
      fact('Queue wait', duration(job.waitMs), 'job-wait'),
      fact('Run time', duration(job.runMs), 'job-run'),
      fact('Created', timeEl(job.createdAt)),
      fact('Run at', timeEl(job.runAt)),
      fact('In state since', timeEl(job.stateAt)),
      fact('Parent', job.parent ? jobLink(job.parent, true) : el('span', { class: 'faint' }, 'none'), 'job-parent'),
      job.expireAt && fact('Expires', timeEl(job.expireAt)),
      fact('Concurrency', concurrencyView(job.concurrency, job.unique), 'job-concurrency', hasLimits(job) && 'wide'));
  }

  function hasPermits(c) {
    return !!(c && Array.isArray(c.permits) && c.permits.length);
  }

  function hasUnique(u) {
    return u != null && u !== '' && (typeof u !== 'object' || !!u.key);
  }

  function hasLimits(job) {
    return hasPermits(job.concurrency) || hasUnique(job.unique);
  }

  /**
   * The job's limits in words: "mutex export:initech · waits in line · released when it leaves
   * processing", and its unique key with how long it is held; "none" without either.
   * c: {permits: [{kind, key, limit, windowMs}], waitPolicy: {mode, maxWaitMs, onTimeout,
   * retryDelayMs, maxAttempts}, releasePolicy}; u: {key, hold, ttlMs} or null.
   */
  function concurrencyView(c, u) {
    const permits = hasPermits(c);
    const unique = hasUnique(u);
    if (!permits && !unique) return el('span', { class: 'faint' }, 'none');
    const lines = [];
    if (permits) {
      const parts = c.permits.map(p => el('span', { class: 'permit' }, permitText(p)));
      const policy = [waitText(c.waitPolicy)];
      if (c.permits.some(p => p.kind === 'mutex' || p.kind === 'semaphore')) policy.push(releaseText(c.releasePolicy));
      lines.push(el('div', { class: 'limit-line' }, joinDots([...parts, ...policy.filter(Boolean)])));
    }
    if (unique) {
      const key = typeof u === 'object' ? u.key : String(u);
      const hold = typeof u === 'object' ? holdText(u) : '';
      lines.push(el('div', { class: 'limit-line', 'data-testid': 'job-unique' },
        joinDots([el('span', { class: 'permit' }, 'unique key ', el('span', { class: 'mono' }, key)), hold].filter(Boolean))));
    }
    return lines;
  }

  /** Items separated by " · ". */
  function joinDots(items) {
    return items.flatMap((item, i) => (i ? [el('span', { class: 'dot', 'aria-hidden': 'true' }, ' · '), item] : [item]));
  }

  function waitText(w) {
    const mode = w && w.mode ? String(w.mode) : 'WAIT';
    if (mode === 'RESCHEDULE') {
      const every = w.retryDelayMs ? 'tries again every ' + duration(w.retryDelayMs) : 'is rescheduled while busy';
      return every + (w.maxAttempts ? `, deleted after ${plural(w.maxAttempts, 'blocked try', 'blocked tries')}` : '');
    }
    if (mode === 'WAIT') {
      if (!w || !w.maxWaitMs) return 'waits in line';
      const then = w.onTimeout === 'DELETE' ? 'then deleted' : w.onTimeout === 'FAIL' ? 'then failed' : '';
      return `waits in line at most ${duration(w.maxWaitMs)}` + (then ? ', ' + then : '');
    }
    return words(mode);
  }

  function releaseText(policy) {
    if (!policy || policy === 'ON_LEAVE_PROCESSING') return 'released when it leaves processing';
    if (policy === 'ON_FINAL') return 'kept across retries, released when it finishes';
    return 'released ' + words(policy);
  }

  function holdText(u) {
    if (u.hold === 'UNTIL_START') return 'held until it starts';
    if (u.hold === 'UNTIL_FINISH') return 'held until it finishes';
    if (u.hold === 'TTL') return u.ttlMs ? `held for ${duration(u.ttlMs)} after creation` : 'held for a while after creation';
    return u.hold ? 'held ' + words(u.hold) : '';
  }

  /** ON_LEAVE_PROCESSING -> "on leave processing". */
  function words(constant) {
    return String(constant).toLowerCase().replace(/_/g, ' ');
  }

  /** "mutex export:initech", "semaphore gpu (3 at once)", "rate api (10 per 1 m)". */
  function permitText(p) {
    const limit = p.windowMs ? `${num(p.limit)} per ${duration(p.windowMs)}` : p.kind === 'mutex' ? '' : `${num(p.limit)} at once`;
    return [`${p.kind || 'limit'} `, el('span', { class: 'mono' }, String(p.key)), limit ? ` (${limit})` : ''];
  }

  function historyTimeline(history) {
    if (!history.length) return empty('No history.');
    const entries = [...history].reverse(); // newest first
    return el('ol', { class: 'timeline', 'data-testid': 'history' }, entries.map(h =>
      el('li', { class: 's-' + h.state, 'data-testid': 'history-entry', 'data-state': h.state },
        el('div', { class: 'when' }, stateBadge(h.state), el('span', { class: 'mono', title: h.at }, new Date(h.at).toLocaleString()), timeEl(h.at)),
        (h.serverId || h.worker) && el('div', { class: 'meta' },
          h.serverId && el('span', null, 'server ', el('span', { class: 'mono' }, h.serverId)),
          h.worker && el('span', null, 'worker ', el('span', { class: 'mono' }, h.worker))),
        h.reason && el('div', { class: 'reason' }, reasonWithoutException(h.reason, h.exception)),
        h.exception && exceptionView(h.exception))));
  }

  /**
   * "attempt 2 of 2 failed, no attempts left: java.lang.X: boom" is followed by the exception
   * itself right below, so the reason stops before it.
   */
  function reasonWithoutException(reason, x) {
    if (!x || !x.type) return reason;
    const text = x.type + (x.message ? ': ' + x.message : '');
    const at = reason.lastIndexOf(text);
    if (at > 0 && at + text.length === reason.length) return reason.slice(0, at).replace(/[\s:]+$/, '');
    return reason;
  }

  function exceptionView(x) {
    return el('div', null,
      el('div', { class: 'exc' }, x.type || 'Exception', x.message ? ': ' + x.message : ''),
      x.stackTrace && el('details', null, el('summary', null, 'Stack trace'), el('pre', { class: 'stack', 'data-testid': 'stack-trace' }, x.stackTrace)));
  }

  function continuationsCard(items) {
    return card('Continuations', table(['Job', 'Type', 'State', 'Since'], items.map(c => el('tr', null,
      td(jobLink(c.id, true), 'id'), td(c.type, 'mono'), td(stateBadge(c.state)), td(timeEl(c.stateAt)))), { class: 'stack' }), { flush: true, testid: 'continuations' });
  }

  /** Log lines: the tail first, earlier pages on demand, new lines appended while the job runs. */
  function logsPanel(p, id) {
    const list = el('ol');
    const box = el('div', { class: 'logs', 'data-testid': 'logs' }, list);
    const countLabel = el('span', { class: 'sub', 'data-testid': 'log-count' });
    const earlierButton = el('button', { type: 'button', class: 'small', 'data-testid': 'btn-earlier-logs', onclick: e => runAction(e.currentTarget, earlier) }, 'Earlier lines');
    const more = el('div', { class: 'logs-more' }, earlierButton, el('span', { class: 'faint' }));
    const node = card('Log', [more, box], { flush: true, tools: countLabel });
    let first = 0; // index of the first line shown
    let next = 0; // index after the last line shown
    let total = 0;
    let loaded = false;
    let fetching = false;

    const line = l => el('li', { class: 'lvl-' + (l.level || 'INFO'), 'data-testid': 'log-line' },
      el('span', { class: 't', title: l.at || '' }, clockTime(l.at)),
      el('span', { class: 'lvl' }, l.level || ''),
      el('span', { class: 'msg' }, l.message == null ? '' : String(l.message)));

    // The count is of the lines up to the last one shown (earlier ones included), so it moves
    // together with the list: a newer total from a job event only shows once its lines are here.
    function showState() {
      earlierButton.hidden = first <= 0;
      more.lastChild.textContent = first > 0 ? `${num(first)} earlier ${first === 1 ? 'line' : 'lines'} not shown` : (next ? 'from the first line' : '');
      more.hidden = !next;
      countLabel.textContent = `${num(next)} ${next === 1 ? 'line' : 'lines'}`;
      if (loaded && !next && !list.firstChild) clear(list, el('li', { class: 'faint', 'data-empty': '' }, 'No log lines.'));
    }

    function atBottom() {
      return box.scrollHeight - box.scrollTop - box.clientHeight < 24;
    }

    async function tail() {
      const page = await get(`/jobs/${enc(id)}/logs`, { limit: LOG_PAGE });
      if (!p.alive) return;
      const lines = page.lines || [];
      first = page.from != null ? page.from : 0;
      next = first + lines.length;
      total = Math.max(page.total || 0, next);
      loaded = true;
      clear(list, lines.map(line));
      showState();
      box.scrollTop = box.scrollHeight;
      if (total > next) follow();
    }

    async function earlier() {
      if (first <= 0) return;
      const from = Math.max(0, first - LOG_PAGE);
      const page = await get(`/jobs/${enc(id)}/logs`, { from, limit: first - from });
      if (!p.alive) return;
      const lines = page.lines || [];
      const height = box.scrollHeight;
      list.prepend(...lines.map(line));
      first = from;
      total = Math.max(total, page.total || 0);
      box.scrollTop += box.scrollHeight - height; // keep the lines the reader was looking at in place
      showState();
    }

    async function follow() {
      if (fetching || !loaded) return;
      fetching = true;
      try {
        while (p.alive && next < total) {
          const stick = atBottom();
          const page = await get(`/jobs/${enc(id)}/logs`, { from: next, limit: 500 });
          const lines = page.lines || [];
          if (!lines.length) break;
          if (list.firstChild && list.firstChild.hasAttribute('data-empty')) list.firstChild.remove();
          append(list, lines.map(line));
          next = (page.from != null ? page.from : next) + lines.length;
          total = Math.max(total, page.total || 0, next);
          while (list.childElementCount > LOG_DOM_MAX) {
            list.firstElementChild.remove();
            first++;
          }
          if (stick) box.scrollTop = box.scrollHeight;
          showState();
        }
      } catch (e) {
        showError(e);
      } finally {
        fetching = false;
      }
    }

    function update(count) {
      if (count == null || count <= total) return;
      total = count;
      follow();
    }

    return { node, tail, update };
  }

  // ======================================================================================
  // Page: Servers
  // ======================================================================================

  async function renderServers(p) {
    const serversBox = el('div', null, empty('Loading…'));
    const eventsBox = el('div', null, empty('Loading…'));
    append(main,
      el('div', { class: 'page-head' }, el('h1', null, 'Servers')),
      card('Running servers', serversBox, { flush: true }),
      card('Recent events', eventsBox, { flush: true }));
    const load = async () => {
      const data = await get('/servers');
      if (!p.alive) return;
      clear(serversBox, serversTable(data.servers || []));
      clear(eventsBox, serverEvents(data.events || []));
    };
    await load();
    p.every(3000, () => load().catch(showError));
  }

  function serversTable(servers) {
    if (!servers.length) return empty('No server is running.');
    const rows = servers.map(s => {
      const busy = s.workers ? (100 * (s.running || 0)) / s.workers : 0;
      return el('tr', { 'data-testid': 'server-row', 'data-id': s.serverId },
        td(s.serverId, 'mono'),
        td(s.host || '—', 'mono'),
        td(timeEl(s.startedAt)),
        td(beatAge(s)),
        td(el('div', { class: 'meter' }, progressBar(busy, busy >= 100 ? 'hot' : null), `${num(s.running)} / ${num(s.workers)}`)),
        td(el('div', { class: 'chips' }, (s.queues || []).map(q => el('a', { class: 'chip', href: href('/jobs', { queue: q }) }, q)))));
    });
    return table(['Server', 'Host', 'Started', 'Last heartbeat', 'Workers busy', 'Queues'], rows, { class: 'stack', 'data-testid': 'servers-table' });
  }

  function serverEvents(events) {
    if (!events.length) return empty('No events recorded.', 'server-events');
    const kindBadge = k => el('span', { class: ['badge', k === 'DECLARED_DEAD' || k === 'UNKNOWN_TYPE' ? 'bad' : k === 'STARTED' ? 'good' : 'neutral'] }, (k || '').replace('_', ' ').toLowerCase());
    const rows = [...events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).map(e => el('tr', { 'data-testid': 'server-event', 'data-kind': e.kind },
      td(timeEl(e.at)),
      td(kindBadge(e.kind)),
      td(e.serverId, 'mono'),
      td(e.byServerId || '—', 'mono'),
      td(e.kind === 'DECLARED_DEAD' || e.kind === 'UNKNOWN_TYPE' ? num(e.jobs || 0) : '', 'num'),
      td(e.detail || '', 'info')));
    return table(['When', 'Event', 'Server', 'By', th('Jobs', 'num'), 'Detail'], rows, { class: 'stack', 'data-testid': 'server-events' });
  }

  // ======================================================================================
  // Page: Recurring jobs
  // ======================================================================================

  async function renderRecurring(p) {
    const box = el('div', null, empty('Loading…'));
    append(main, el('div', { class: 'page-head' }, el('h1', null, 'Recurring jobs')), el('section', { class: 'card' }, box));
    const load = async () => {
      const data = await get('/recurring');
      if (!p.alive) return;
      clear(box, recurringTable(data.recurring || [], load));
    };
    await load();
    p.every(5000, () => {
      if (!dialog.open) load().catch(showError);
    });
  }

  function recurringTable(items, reload) {
    if (!items.length) return empty('No recurring jobs are defined.');
    const act = canAct();
    const rows = items.map(r => el('tr', { 'data-testid': 'recurring-row', 'data-id': r.id, 'data-paused': String(!!r.paused) },
      td([el('span', { class: 'mono' }, r.id), r.error && el('div', { class: 'badge bad', title: r.error }, 'unreadable')], null),
      td(r.cron ? el('code', null, r.cron) : '—'),
      td(r.zone || 'UTC'),
      td(jobsLink({ type: r.type }, r.type), 'mono'),
      td(r.queue || '—', 'mono'),
      td(r.paused ? el('span', { class: 'faint' }, 'paused') : timeEl(r.nextFireAt)),
      td(r.lastJobId ? el('span', { class: 'actions' }, jobLink(r.lastJobId), stateBadge(r.lastJobState), timeEl(r.lastFireAt)) : timeEl(r.lastFireAt)),
      td(typeof r.misfire === 'string' ? words(r.misfire) : valueView(r.misfire), 'nowrap'),
      td(typeof r.overlap === 'string' ? words(r.overlap) : valueView(r.overlap), 'nowrap'),
      td(r.paused ? el('span', { class: 'badge warn' }, 'paused') : el('span', { class: 'badge good' }, 'active')),
      act && td(el('div', { class: 'actions' }, recurringActions(r, reload)), 'actions-cell')));
    const head = ['Id', 'Cron', 'Zone', 'Type', 'Queue', 'Next', 'Last run', 'Misfire', 'Overlap', 'Status', act && th('', 'actions-cell')].filter(Boolean);
    return table(head, rows, { class: 'stack', 'data-testid': 'recurring-table' });
  }

  function recurringActions(r, reload) {
    const path = '/recurring/' + enc(r.id);
    const act = async (button, call, notice, question) => {
      if (question && !(await confirmDialog(question))) return;
      await runAction(button, async () => {
        await call();
        showNotice(notice);
        await reload();
      });
    };
    return [
      el('button', { type: 'button', class: 'small', 'data-testid': 'btn-trigger', onclick: e => act(e.currentTarget, () => post(path + '/trigger'), `Triggered ${r.id}.`) }, 'Trigger now'),
      r.paused
        ? el('button', { type: 'button', class: 'small', 'data-testid': 'btn-resume', onclick: e => act(e.currentTarget, () => post(path + '/resume'), `Resumed ${r.id}.`) }, 'Resume')
        : el('button', { type: 'button', class: 'small', 'data-testid': 'btn-pause', onclick: e => act(e.currentTarget, () => post(path + '/pause'), `Paused ${r.id}.`) }, 'Pause'),
      el('button', {
        type: 'button', class: 'small danger', 'data-testid': 'btn-delete',
        onclick: e => act(e.currentTarget, () => api('DELETE', path), `Deleted ${r.id}.`, {
          title: `Delete recurring job “${r.id}”?`,
          message: 'It will not fire again. Jobs it already created are kept. An application that registers it at start adds it back.',
          confirmLabel: 'Delete',
          danger: true,
        }),
      }, 'Delete'),
    ];
  }

  // ======================================================================================
  // Page: Concurrency (keys, unique keys, locks)
  // ======================================================================================

  async function renderConcurrency(p) {
    const keysBox = el('div', null, empty('Loading…'));
    const uniqueBox = el('div', null, empty('Loading…'));
    const locksBox = el('div', null, empty('Loading…'));
    append(main,
      el('div', { class: 'page-head' }, el('h1', null, 'Concurrency')),
      card('Concurrency keys', keysBox, { flush: true, sub: 'mutexes, semaphores and rate limits in use' }),
      el('div', { class: 'grid two' },
        card('Unique keys held', uniqueBox, { flush: true }),
        card('Locks', locksBox, { flush: true })));
    const load = async () => {
      const [conc, locks] = await Promise.all([get('/concurrency'), get('/locks')]);
      if (!p.alive) return;
      clear(keysBox, concurrencyKeys(conc.keys || []));
      clear(uniqueBox, uniqueKeys(conc.unique || []));
      clear(locksBox, locksTable(locks.locks || []));
    };
    await load();
    p.every(3000, () => load().catch(showError));
  }

  function concurrencyKeys(keys) {
    if (!keys.length) return empty('No concurrency key is in use.', 'concurrency-keys');
    const rows = keys.map(k => {
      const used = Number(k.used) || 0;
      const limit = Number(k.limit) || 0;
      const pct = limit ? (100 * used) / limit : 0;
      return el('tr', { 'data-testid': 'concurrency-key', 'data-key': k.key },
        td(el('span', { class: 'badge neutral' }, String(k.kind || '').toLowerCase())),
        td(k.key, 'mono'),
        td(limit ? num(limit) + (k.windowMs ? ' per ' + duration(k.windowMs) : '') : '—', 'nowrap'),
        td(el('div', { class: 'meter' }, progressBar(pct, pct >= 100 ? 'hot' : null), `${num(used)} / ${num(limit)}`)),
        td(idList(k.holders || [], 'holder')),
        td(waiterList(k.waiters || [])));
    });
    return table(['Kind', 'Key', 'Limit', 'Used', 'Holders', el('th', { title: 'Waiting jobs, the first in line first' }, 'In line')], rows, { class: 'stack', 'data-testid': 'concurrency-keys' });
  }

  function idList(ids, testid) {
    if (!ids.length) return el('span', { class: 'faint' }, 'none');
    return el('div', { class: 'chips' }, ids.map(id => el('span', { 'data-testid': testid }, jobLink(id))));
  }

  function waiterList(ids) {
    if (!ids.length) return el('span', { class: 'faint' }, 'none');
    const shown = ids.slice(0, 20);
    return el('div', null,
      el('ol', { class: 'waiters' }, shown.map(id => el('li', { 'data-testid': 'waiter' }, jobLink(id)))),
      ids.length > shown.length && el('span', { class: 'faint' }, `and ${num(ids.length - shown.length)} more`));
  }

  function uniqueKeys(items) {
    if (!items.length) return empty('No unique key is held.', 'unique-keys');
    return table(['Key', 'Held by', 'Until'], items.map(u => el('tr', { 'data-testid': 'unique-row' },
      td(u.key, 'mono'), td(jobLink(u.holder)), td(timeEl(u.until)))), { class: 'stack', 'data-testid': 'unique-keys' });
  }

  function locksTable(locks) {
    if (!locks.length) return empty('No lock is held.', 'locks');
    return table(['Name', 'Owner', th('Token', 'num'), 'Acquired', 'Expires'], locks.map(l => el('tr', { 'data-testid': 'lock-row', 'data-name': l.name },
      td(l.name, 'mono'), td(l.owner || '—', 'mono'), td(l.token != null ? String(l.token) : '—', 'num mono'), td(timeEl(l.acquiredAt)), td(timeEl(l.until)))), { class: 'stack', 'data-testid': 'locks' });
  }

  // ======================================================================================
  // Boot
  // ======================================================================================

  async function boot() {
    renderHeader();
    document.addEventListener('click', onLinkClick);
    window.addEventListener('popstate', render);
    document.addEventListener('visibilitychange', () => live.onVisibility());
    try {
      me = await get('/me');
    } catch (e) {
      showError(e);
    }
    showMe();
    render(); // also starts the live stream
    setInterval(() => {
      if (!document.hidden) refreshRelativeTimes();
    }, 10000);
  }

  boot();
})();
