// #/market/<venue>/<symbol>: the live ladder (top N levels a side, N chosen by the user), a depth chart, the trades
// tape, and the market's state and counters. Book and trades come from the WebSocket (book:<venue>:<symbol> with
// depth, trades:<venue>:<symbol>); state and counters from GET /api/v1/markets/{venue}/{symbol} every 2 s.

import { getJson, marketPath, poll } from '../api.js';
import { HeldBook, drawDepthChart } from '../book.js';
import { compareDecimal } from '../decimal.js';
import { NONE, el, field, problem, setText, show, syncRows, time } from '../dom.js';

const DEFAULT_DEPTH = 10;
const MAX_DEPTH = 1000;
const TRADES_KEPT = 50;
const STATE_FIELDS = ['status', 'stale', 'staleReason', 'sequence', 'venueSequence', 'bidLevels', 'askLevels',
  'crossed', 'updatedAt', 'snapshotAt', 'streamedTo'];

export function mount(main, { venue, symbol }, { stream }) {
  const market = `${venue}:${symbol}`;
  const book = new HeldBook();
  const seenTrades = new Set();
  let depth = DEFAULT_DEPTH;
  let snapshotShown = false;
  let renderQueued = false;

  const depthInput = el('input', {
    id: 'book-depth', type: 'number', min: '1', max: String(MAX_DEPTH), step: '1', value: String(DEFAULT_DEPTH),
    inputmode: 'numeric', 'aria-describedby': 'book-depth-help',
  });
  const state = el('span', { id: 'book-state', role: 'status', 'aria-live': 'polite' }, 'stale: no snapshot yet');
  state.dataset.state = 'stale';
  const spread = el('span', { class: 'spread' });
  const ladder = el('table', { id: 'ladder', class: 'grid ladder' },
    el('caption', { class: 'hint' }, 'Asks above, bids below, exact prices and sizes'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Side'), el('th', { scope: 'col', class: 'num' }, 'Price'),
      el('th', { scope: 'col', class: 'num' }, 'Size'), el('th', { scope: 'col', class: 'bar-col' }, el('span', { class: 'sr-only' }, 'Depth')))),
    el('tbody'));
  const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  chart.id = 'depth-chart';
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', 'Depth chart');
  const trades = el('ol', { id: 'trades', class: 'tape', 'aria-live': 'off' });
  const counters = el('dl', { id: 'market-counters', class: 'facts' });
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });

  main.append(
    el('h1', {}, market),
    error,
    el('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); changeDepth(); } },
      el('label', { for: 'book-depth' }, 'Depth'), depthInput, el('button', { type: 'submit' }, 'Show'),
      el('span', { id: 'book-depth-help', class: 'hint' }, `levels a side, 1 to ${MAX_DEPTH}`),
      el('span', { class: 'state-box' }, 'Book: ', state), spread),
    el('div', { class: 'market-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'ladder-h' }, el('h2', { id: 'ladder-h' }, 'Ladder'),
        el('div', { class: 'table-wrap' }, ladder)),
      el('section', { class: 'panel', 'aria-labelledby': 'chart-h' }, el('h2', { id: 'chart-h' }, 'Depth'), chart),
      el('section', { class: 'panel', 'aria-labelledby': 'trades-h' }, el('h2', { id: 'trades-h' }, 'Trades'), trades),
      el('section', { class: 'panel', 'aria-labelledby': 'counters-h' },
        el('h2', { id: 'counters-h' }, 'State and counters'), counters)));

  const render = () => {
    renderQueued = false;
    const bids = book.sortedBids().slice(0, depth);
    const asks = book.sortedAsks().slice(0, depth);
    const rows = [...asks.slice().reverse().map((level) => ['ask', level]), ...bids.map((level) => ['bid', level])];
    const biggest = Math.max(0, ...rows.map(([, [, size]]) => Number(size)));
    syncRows(ladder.tBodies[0], rows, ([side, [price]]) => `${side}|${price}`, ([side, [price]]) => {
      const row = el('tr', { class: side },
        el('td', { dataset: { field: 'side' } }, side),
        el('td', { class: 'num', dataset: { field: 'price' } }, price),
        el('td', { class: 'num', dataset: { field: 'size' } }),
        el('td', { class: 'bar-col', 'aria-hidden': 'true' }, el('span', { class: 'bar' })));
      row.dataset.side = side;
      row.dataset.price = price;
      return row;
    }, (row, [, [, size]]) => {
      setText(field(row, 'size'), size, true);
      row.querySelector('.bar').style.width = `${biggest > 0 ? (100 * Number(size)) / biggest : 0}%`;
    }, 'data-key');
    drawDepthChart(chart, bids, asks);
    if (bids.length && asks.length) {
      const crossed = compareDecimal(bids[0][0], asks[0][0]) >= 0;
      spread.textContent = `best bid ${bids[0][0]} · best ask ${asks[0][0]}${crossed ? ' (crossed)' : ''}`;
    } else {
      spread.textContent = '';
    }
    const text = book.stale ? `stale: ${book.staleReason}` : 'fresh';
    setText(state, text);
    state.dataset.state = book.stale ? 'stale' : 'fresh';
    if (snapshotShown) {
      main.dataset.loaded = 'true';
    }
  };
  const queueRender = () => {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  };

  const bookListener = {
    subscribed() {},
    message(message) {
      const payload = message.payload;
      if (message.channel === 'continuity') {
        if (payload.kind === 'book_stale' || payload.kind === 'gap_detected') {
          book.markStale(payload.reason);
        }
      } else if (payload.type === 'book_snapshot') {
        book.snapshot(payload, message.stale, message.staleReason);
        snapshotShown = true;
      } else if (payload.type === 'book_delta') {
        book.delta(payload);
      } else if (payload.type === 'book_reset') {
        book.reset(payload.reason);
        snapshotShown = true;
      }
      queueRender();
    },
    error(message) {
      problem(error, `The node refused the book stream: ${message.message}`);
    },
    lost(reason) {
      book.markStale(reason);
      queueRender();
    },
  };

  const addTrade = (trade) => {
    if (!trade || seenTrades.has(trade.tradeId)) {
      return;
    }
    seenTrades.add(trade.tradeId);
    const item = el('li', { class: trade.aggressor === 'bid' ? 'buy' : trade.aggressor === 'ask' ? 'sell' : '' },
      el('span', { class: 'num', dataset: { field: 'price' } }, trade.price),
      el('span', { class: 'num', dataset: { field: 'size' } }, trade.size),
      el('span', { dataset: { field: 'aggressor' } }, show(trade.aggressor)),
      el('time', { dataset: { field: 'time' } }, time(trade.venueTimestamp || trade.receivedAt)));
    item.dataset.tradeId = trade.tradeId;
    trades.prepend(item);
    while (trades.children.length > TRADES_KEPT) {
      seenTrades.delete(trades.lastElementChild.dataset.tradeId);
      trades.lastElementChild.remove();
    }
  };
  const tradesListener = {
    message(message) {
      if (message.payload.type === 'trade') {
        addTrade(message.payload);
      }
    },
    error(message) {
      problem(error, `The node refused the trades stream: ${message.message}`);
    },
  };

  let stopBook = stream.subscribe(`book:${market}`, bookListener, depth);
  const stopTrades = stream.subscribe(`trades:${market}`, tradesListener);

  function changeDepth() {
    const wanted = Number(depthInput.value);
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_DEPTH) {
      depthInput.setAttribute('aria-invalid', 'true');
      return;
    }
    depthInput.removeAttribute('aria-invalid');
    if (wanted === depth) {
      return;
    }
    depth = wanted;
    stopBook();
    book.clear();
    book.markStale('waiting for the snapshot at the new depth');
    queueRender();
    stopBook = stream.subscribe(`book:${market}`, bookListener, depth);
  }
  depthInput.addEventListener('change', changeDepth);

  const counterCells = new Map();
  const fact = (name, value) => {
    let cell = counterCells.get(name);
    if (!cell) {
      cell = el('dd', { dataset: { field: name } });
      counterCells.set(name, cell);
      counters.append(el('dt', {}, name), cell);
    }
    setText(cell, value, true);
  };
  const stateTimer = poll(async () => {
    try {
      const answer = await getJson(marketPath(venue, symbol));
      problem(error, '');
      for (const name of STATE_FIELDS) {
        const value = answer[name];
        fact(name, name.endsWith('At') ? time(value) : Array.isArray(value) ? value.join(', ') || NONE : show(value));
      }
      for (const [name, value] of Object.entries(answer.counters || {})) {
        fact(name, show(value));
      }
      if (trades.children.length === 0) {
        addTrade(answer.lastTrade);
      }
      if (!answer.hasBook && !snapshotShown) {
        // Nothing to wait for: the node holds no book yet, and the empty ladder says so.
        snapshotShown = true;
        queueRender();
      }
    } catch (e) {
      problem(error, e.code === 'unknown_market' ? `${market} is not followed by this cluster.` : e.message);
    }
  }, 2000);

  render();
  return () => {
    stopBook();
    stopTrades();
    stateTimer.stop();
  };
}
