/* global document, window, Chart */
// The status page: polls /page/data, renders it with DOM text (never HTML from data), draws the
// equity and drawdown charts with chart.js, and sends kill-switch commands and manual trades
// with the CSRF token.
'use strict';

/** How often the page refreshes itself, ms. */
const REFRESH_MS = 3000;
const csrfToken = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
/** `{ available, pairs }`: whether this dashboard has a trade desk, and the pairs it trades. */
const trades = JSON.parse(document.querySelector('meta[name="trades"]').getAttribute('content'));
/** True while a trade request is in flight: every trade button waits for its answer. */
let tradeInFlight = false;
const charts = {};

/** `el('td', 'text', 'class')`. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** Replaces a table's body with `rows` (arrays of cells: text or { text, className }), or one "none" row. */
function fillTable(id, rows, emptyText) {
  const body = document.querySelector(`#${id} tbody`);
  const columns = document.querySelectorAll(`#${id} thead th`).length;
  body.replaceChildren();
  if (rows.length === 0) {
    const cell = el('td', emptyText, 'empty');
    cell.colSpan = columns;
    const tr = el('tr');
    tr.append(cell);
    body.append(tr);
    return;
  }
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row) tr.append(cell !== null && typeof cell === 'object' ? el('td', cell.text, cell.className) : el('td', cell ?? '–'));
    body.append(tr);
  }
}

/** A table cell's content: text, or `{ text, className }`. */
function cellOf(cell) {
  return cell !== null && typeof cell === 'object' ? cell : { text: cell ?? '–', className: '' };
}

/**
 * Like `fillTable`, but keeps each row by its key and its last cell, built once by `actionsOf`:
 * a percentage the operator is typing survives the refresh. `keyOf` must change when the row's
 * actions would (the row is then built again).
 */
function syncTable(id, items, keyOf, cellsOf, actionsOf, emptyText) {
  const body = document.querySelector(`#${id} tbody`);
  const existing = new Map();
  for (const tr of body.querySelectorAll('tr')) {
    if (tr.dataset.key === undefined) tr.remove();
    else existing.set(tr.dataset.key, tr);
  }
  items.forEach((item, index) => {
    const key = keyOf(item);
    const cells = cellsOf(item);
    let tr = existing.get(key);
    existing.delete(key);
    if (!tr) {
      tr = el('tr');
      tr.dataset.key = key;
      for (let i = 0; i < cells.length; i += 1) tr.append(el('td'));
      const actions = el('td', undefined, 'actions');
      actions.append(...actionsOf(item));
      tr.append(actions);
    }
    cells.forEach((cell, i) => {
      const { text, className } = cellOf(cell);
      tr.children[i].textContent = String(text);
      tr.children[i].className = className ?? '';
    });
    // Moved only when out of place: moving a row would take the focus from its input.
    if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] ?? null);
  });
  for (const tr of existing.values()) tr.remove();
  if (items.length === 0) fillTable(id, [], emptyText);
}

function setText(id, text, className) {
  const node = document.getElementById(id);
  node.textContent = text;
  if (className !== undefined) node.className = className;
}

/** Display only: the value stays a decimal string everywhere else. */
function usd(value, digits = 2) {
  if (value === null || value === undefined) return '–';
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(value);
}

function time(ms) {
  return ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '–';
}

function stateClass(state) {
  if (state === 'RUNNING' || state === 'ACTIVE' || state === 'NORMAL') return 'badge ok';
  if (state === 'HALTED' || state === 'EMERGENCY') return 'badge bad';
  return 'badge warn';
}

function isError(part) {
  return part !== null && typeof part === 'object' && typeof part.error === 'string';
}

const BREAKERS = { dailyLoss: 'daily loss', weeklyLoss: 'weekly loss', drawdown: 'drawdown' };

/** The Redis part: kill switch, degradation, breakers, queues, bus. */
function renderRedisPart(part) {
  const c = part.control;
  // No state in Redis: workers trade nothing until one restores it; never shown as RUNNING.
  const state = c.stored ? c.state : 'UNKNOWN';
  setText('trading-state', state, stateClass(state));
  setText('degradation', `degradation ${part.degradation.level}`, stateClass(part.degradation.level));
  const detail = [`version ${c.version}`];
  if (c.requestedBy) detail.push(`by ${c.requestedBy} at ${time(c.changedAtMs)}`);
  if (c.reason) detail.push(`"${c.reason}"`);
  const paused = c.pausedQueues;
  detail.push(`paused queues: ${paused.join(', ') || 'none'}`, `submissions in flight: ${c.submissionsInFlight.length}`);
  if (c.protectionPending.length > 0) detail.push(`stops pending: ${c.protectionPending.join(', ')}`);
  setText('state-detail', detail.join(' · '));

  const r = part.risk;
  if (r === null) {
    setText('risk-state', 'risk: no decision yet', 'badge');
    fillTable('breakers', [], 'no risk decision yet');
  } else {
    setText('risk-state', `risk ${r.tradingState}`, stateClass(r.tradingState));
    const rows = Object.entries(BREAKERS).map(([key, name]) => {
      const b = r.breakers[key];
      return [name, { text: b.tripped ? 'TRIPPED' : 'armed', className: b.tripped ? 'no' : 'yes' }, b.tripped ? `loss ${b.lossPct ?? '?'} % at ${time(b.trippedAtMs)}` : ''];
    });
    if (r.cooldownUntilMs !== null) rows.push(['cooldown', { text: 'ON', className: 'no' }, `no entries until ${time(r.cooldownUntilMs)} (${r.consecutiveLosses} losses in a row)`]);
    if (r.entriesPausedUntilMs !== null) rows.push(['entries', { text: 'PAUSED', className: 'no' }, `until ${time(r.entriesPausedUntilMs)}`]);
    fillTable('breakers', rows, '');
  }
  fillTable('queues', part.queues.map((q) => [q.name, q.waiting, q.active, q.delayed, { text: q.failed, className: q.failed > 0 ? 'neg' : '' }, { text: q.paused ? 'yes' : 'no', className: q.paused ? 'no' : '' }]), 'no queues');
  fillTable(
    'bus',
    part.bus.flatMap((t) => t.groups.map((g) => [t.topic, g.group, g.consumers, g.pending, `${g.lag}${g.lagExact ? '' : '+'}`, t.deadLetters])),
    'no consumer groups yet',
  );
}

/** The database part: account, positions with their stops, open orders, today's P&L, decisions. */
function renderDatabasePart(part) {
  const p = part.portfolio;
  setText('equity', p ? `$${usd(p.equityUsd)}` : 'not valued yet');
  setText('equity-detail', p ? `${part.account}, valued ${time(p.valuedAtMs)}` : part.account);
  setText('cash', p ? `$${usd(p.cashUsd)}` : '–');
  setText('exposure', p ? `exposure $${usd(p.exposureUsd)} · unrealized ${usd(p.unrealizedPnlUsd)}` : '');
  const t = part.today;
  const pnl = t ? signed(t.pnlUsd) : { text: 'no valuation today', className: '' };
  setText('pnl-today', pnl.text, `figure ${pnl.className}`);
  setText('pnl-detail', t ? `equity ${usd(t.equityUsd)} against ${usd(t.baseEquityUsd)} at ${time(t.baseAtMs)}` : '');

  syncTable(
    'positions',
    part.positions,
    (x) => `${x.symbol} ${x.side}`,
    (x) => {
      const stop = x.stop.stopLoss ?? x.stop.trailingStop;
      const onExchange = x.stop.onExchange ? { text: `yes (${x.stop.order?.status ?? ''})`, className: 'yes' } : { text: x.stop.order ? `no (${x.stop.order.status})` : 'NO', className: 'no' };
      return [x.symbol, x.side, x.quantity, usd(x.avgEntryPrice), x.markPrice === null ? '–' : usd(x.markPrice), signed(x.unrealizedPnlUsd), stop === null ? { text: 'NONE', className: 'no' } : usd(stop), onExchange];
    },
    closeControls,
    'no open positions',
  );
  // A position's protective stop gets no cancel button: the trade desk refuses to cancel it (close the position instead).
  const held = new Set(part.positions.map((x) => x.symbol));
  const protective = (o) => o.purpose === 'stop_loss' && held.has(o.symbol);
  syncTable(
    'orders',
    part.openOrders,
    (o) => `${o.clientOrderId}${protective(o) ? ' protective' : ''}`,
    (o) => [o.symbol, o.side, o.type, o.purpose, o.quantity, o.filledQuantity, o.limitPrice ?? o.triggerPrice ?? '–', o.status, time(o.createdAtMs), o.clientOrderId],
    (o) => (protective(o) ? [] : cancelControls(o)),
    'no open orders',
  );
  fillTable('decisions', part.decisions.map((d) => [time(d.atMs), d.symbol, d.action, d.outcome, d.risk ?? '–', d.signalId]), 'no decisions yet');
}

/** `"-12.5"` → `{ text: "-12.50", className: "neg" }`, for P&L cells. */
function signed(value) {
  if (value === null || value === undefined) return { text: '–', className: '' };
  const n = Number(value);
  return { text: `${n > 0 ? '+' : ''}${usd(value)}`, className: n > 0 ? 'pos' : n < 0 ? 'neg' : '' };
}

function renderExtras(extras) {
  const spend = extras.spend;
  setText('spend', `$${usd(spend.spentUsd)} of $${usd(spend.budgetUsd)}`);
  const bar = document.getElementById('spend-bar');
  bar.value = Number(spend.budgetUsd) > 0 ? Math.min(1, Number(spend.spentUsd) / Number(spend.budgetUsd)) : 0;

  fillTable('denials', extras.denials.byRule.map((d) => [d.rule, d.count]), 'no denials today');
  fillTable(
    'signals',
    extras.signals.map((s) => [
      time(s.createdAtMs),
      s.symbol,
      s.action,
      s.confidence.toFixed(2),
      s.agreement.toFixed(2),
      [...s.votes.map((v) => `${v.model}: ${v.action} ${v.confidence.toFixed(2)}`), ...s.abstentions.map((a) => `${a.model}: abstained`)].join(' · '),
    ]),
    'no signals yet',
  );
  const labels = extras.equity.map((p) => time(p.atMs).slice(0, 16));
  drawChart('equity-chart', labels, extras.equity.map((p) => Number(p.equityUsd)), 'equity (USD)', '#1a73e8');
  drawChart('drawdown-chart', labels, extras.equity.map((p) => -Number(p.drawdownPct)), 'drawdown (%)', '#b3261e');
}

/** Creates the chart the first time, then only swaps its data (no re-animation). */
function drawChart(id, labels, values, label, color) {
  if (typeof Chart === 'undefined') return;
  const existing = charts[id];
  if (existing) {
    existing.data.labels = labels;
    existing.data.datasets[0].data = values;
    existing.update('none');
    return;
  }
  charts[id] = new Chart(document.getElementById(id), {
    type: 'line',
    data: { labels, datasets: [{ label, data: values, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, fill: false }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 8 } } } },
  });
}

function showError(messages) {
  const box = document.getElementById('error');
  box.hidden = messages.length === 0;
  box.textContent = messages.join(' — ');
}

async function refresh() {
  try {
    // Bounded, so a request that never ends cannot stop the refreshes.
    const response = await fetch('/page/data', { headers: { accept: 'application/json' }, cache: 'no-store', signal: AbortSignal.timeout(4 * REFRESH_MS) });
    if (!response.ok) throw new Error(`the dashboard answered ${response.status}`);
    const data = await response.json();
    const problems = [];
    if (isError(data.status)) problems.push(`status: ${data.status.error}`);
    else {
      if (data.status.redis.available) renderRedisPart(data.status.redis);
      else problems.push(`Redis: ${data.status.redis.error}`);
      if (data.status.database.available) renderDatabasePart(data.status.database);
      else problems.push(`database: ${data.status.database.error}`);
    }
    if (isError(data.extras)) problems.push(`charts and tables: ${data.extras.error}`);
    else renderExtras(data.extras);
    showError(problems);
    setText('updated', `updated ${time(data.generatedAtMs)} UTC`);
  } catch (err) {
    showError([`could not refresh: ${err.message}`]);
  } finally {
    window.setTimeout(refresh, REFRESH_MS);
  }
}

/** Resuming and resetting let trading start again: asked twice. Pausing and halting are not. */
const CONFIRM = { resume: 'Resume trading?', reset: 'Reset the halt (the cluster goes to PAUSED)?' };

async function sendCommand(button) {
  const command = button.dataset.command;
  if (CONFIRM[command] && !window.confirm(CONFIRM[command])) return;
  const body = { reason: document.getElementById('command-reason').value };
  if (command === 'halt') {
    body.cancelOrders = document.getElementById('halt-cancel-orders').checked;
    body.flatten = document.getElementById('halt-flatten').checked;
  }
  const buttons = document.querySelectorAll('button[data-command]');
  for (const b of buttons) b.disabled = true;
  setText('command-result', `${command}…`, 'muted');
  try {
    const response = await fetch(`/page/control/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    });
    const result = await response.json();
    if (!response.ok) throw new Error(result.error ?? `the dashboard answered ${response.status}`);
    setText('command-result', `${command}: ${result.from} → ${result.to}`, '');
    setText('trading-state', result.to, stateClass(result.to));
  } catch (err) {
    setText('command-result', `${command} failed: ${err.message}`, 'neg');
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** A trade button: disabled while another trade is in flight. */
function tradeButton(text, onClick) {
  const button = el('button', text);
  button.type = 'button';
  button.dataset.trade = '';
  button.disabled = tradeInFlight;
  button.addEventListener('click', onClick);
  return button;
}

/** A position row's close: the share to close (default all) and its button, confirmed first. */
function closeControls(position) {
  if (!trades.available) return [];
  const pct = el('input', undefined, 'pct');
  pct.type = 'text';
  pct.inputMode = 'decimal';
  pct.value = '100';
  pct.setAttribute('aria-label', `share of the ${position.symbol} position to close, %`);
  const button = tradeButton('Close', () => {
    const share = pct.value.trim();
    if (!window.confirm(`Close ${share} % of the ${position.symbol} position at market?`)) return;
    // By id: the position shown, not whichever one holds the pair by the time the request lands.
    void sendTrade('close', { positionId: position.id, pct: share });
  });
  return [pct, button];
}

/** An order row's cancel. */
function cancelControls(order) {
  if (!trades.available) return [];
  return [tradeButton('Cancel', () => void sendTrade('cancel', { order: order.clientOrderId }))];
}

/** Disables (or enables) every trade button and the form while a request is in flight. */
function setTradeBusy(busy) {
  tradeInFlight = busy;
  for (const b of document.querySelectorAll('button[data-trade]')) b.disabled = busy;
  document.getElementById('trade-fields').disabled = busy || !trades.available;
}

/** Sends a trade and shows its outcome's summary (the risk decision with every reason, the order's status), or why it was refused. */
async function sendTrade(action, body) {
  setTradeBusy(true);
  setText('trade-result', `${action}: waiting for risk and execution…`, 'muted');
  try {
    const response = await fetch(`/page/trade/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    });
    const result = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(result.error ?? `the dashboard answered ${response.status}`);
    const done = result.status === 'placed' || result.status === 'canceled';
    setText('trade-result', `${action} ${result.status}: ${result.summary}`, done ? 'pos' : result.status === 'pending' ? 'muted' : 'neg');
  } catch (err) {
    setText('trade-result', `${action} failed: ${err.message}`, 'neg');
  } finally {
    setTradeBusy(false);
  }
}

/** The open form: its pairs, or why there is none. */
function setUpTradeForm() {
  if (!trades.available) {
    setText('trade-result', 'Manual trades are unavailable: this dashboard has no trade desk (no database).', 'neg');
    return;
  }
  const select = document.getElementById('trade-pair');
  for (const pair of trades.pairs) select.append(el('option', pair));
  document.getElementById('trade-fields').disabled = false;
  document.getElementById('trade-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { pair: select.value, usd: document.getElementById('trade-usd').value.trim() };
    const stop = document.getElementById('trade-stop').value.trim();
    const takeProfit = document.getElementById('trade-take-profit').value.trim();
    if (stop) body.stopPct = stop;
    if (takeProfit) body.takeProfitPct = takeProfit;
    const levels = [stop ? `stop ${stop} % below` : 'no stop', takeProfit ? `take profit ${takeProfit} % above` : ''].filter(Boolean).join(', ');
    if (!window.confirm(`Buy ${body.usd} USD of ${body.pair} at market (${levels})?`)) return;
    void sendTrade('open', body);
  });
}

setUpTradeForm();
for (const button of document.querySelectorAll('button[data-command]')) {
  button.addEventListener('click', () => void sendCommand(button));
}
refresh();
