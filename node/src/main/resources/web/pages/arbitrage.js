// #/arbitrage: the open opportunities (GET /api/v1/arbitrage once the `arbitrage` channel is subscribed, then every
// step from the WebSocket), highest profit first, and the ones closed recently (kept in this tab's memory, since
// the API lists only open ones).

import { getJson } from '../api.js';
import { compareDecimal } from '../decimal.js';
import { age, el, field, marketAnchor, problem, setText, show, syncRows, time } from '../dom.js';

const CLOSED_KEPT = 100;
/** Recently closed, newest first: kept across visits of the page while the tab lives. */
const recentlyClosed = [];

const OPEN_COLUMNS = [['instrument', 'Instrument'], ['buyMarket', 'Buy on'], ['buyPrice', 'Buy at', 'num'],
  ['sellMarket', 'Sell on'], ['sellPrice', 'Sell at', 'num'], ['profitPercent', 'Profit %', 'num'],
  ['size', 'Size', 'num'], ['openedAt', 'Open for', 'num']];
const CLOSED_COLUMNS = [['instrument', 'Instrument'], ['buyMarket', 'Buy on'], ['buyPrice', 'Buy at', 'num'],
  ['sellMarket', 'Sell on'], ['sellPrice', 'Sell at', 'num'], ['profitPercent', 'Profit %', 'num'],
  ['size', 'Size', 'num'], ['durationMs', 'Lasted', 'num'], ['closedAt', 'Closed', 'num'], ['reason', 'Why']];

function grid(id, caption, columns) {
  return el('table', { id, class: 'grid' }, el('caption', { class: 'sr-only' }, caption),
    el('thead', {}, el('tr', {}, columns.map(([, label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));
}

function makeRow(columns) {
  return (event) => {
    const row = el('tr', {}, columns.map(([name, , cls]) => el('td', { class: cls, dataset: { field: name } })));
    field(row, 'buyMarket').append(marketAnchor(event.buyMarket));
    field(row, 'sellMarket').append(marketAnchor(event.sellMarket));
    const instrument = field(row, 'instrument');
    instrument.append(el('a', { href: `#/instrument/${encodeURIComponent(event.instrument)}` }, event.instrument));
    return row;
  };
}

function fillCommon(row, event) {
  for (const name of ['buyPrice', 'sellPrice', 'profitPercent', 'size']) {
    setText(field(row, name), show(event[name]), true);
  }
  row.title = `fees: buy ${event.buyFee}, sell ${event.sellFee}`;
}

export function mount(main, params, { stream }) {
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const count = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const openGrid = grid('arbitrage-open', 'Open opportunities', OPEN_COLUMNS);
  const closedGrid = grid('arbitrage-closed', 'Recently closed opportunities', CLOSED_COLUMNS);
  main.append(el('h1', {}, 'Arbitrage'),
    el('p', { class: 'hint' }, 'Buying on one venue at its ask and selling on another at its bid pays after taker fees.'),
    count, error,
    el('section', { 'aria-labelledby': 'open-h' }, el('h2', { id: 'open-h' }, 'Open'),
      el('div', { class: 'table-wrap' }, openGrid)),
    el('section', { 'aria-labelledby': 'closed-h' }, el('h2', { id: 'closed-h' }, 'Recently closed (since this tab opened)'),
      el('div', { class: 'table-wrap' }, closedGrid)));

  const open = new Map(); // id -> latest event
  let listed = false;
  let early = []; // steps received before the list answered, applied over it
  let renderQueued = false;

  const apply = (event) => {
    if (event.type === 'closed') {
      open.delete(event.id);
      if (!recentlyClosed.some((closed) => closed.id === event.id)) {
        recentlyClosed.unshift(event);
        recentlyClosed.length = Math.min(recentlyClosed.length, CLOSED_KEPT);
      }
    } else {
      const held = open.get(event.id);
      if (!held || held.updatedAt <= event.updatedAt) {
        open.set(event.id, event);
      }
    }
  };
  const render = () => {
    renderQueued = false;
    const now = Date.now();
    const rows = [...open.values()].sort((a, b) => compareDecimal(b.profitPercent, a.profitPercent)
      || (a.id < b.id ? -1 : 1));
    syncRows(openGrid.tBodies[0], rows, (e) => e.id, makeRow(OPEN_COLUMNS), (row, event) => {
      fillCommon(row, event);
      setText(field(row, 'openedAt'), age(event.openedAt, now));
    }, 'data-id');
    syncRows(closedGrid.tBodies[0], recentlyClosed, (e) => e.id, makeRow(CLOSED_COLUMNS), (row, event) => {
      fillCommon(row, event);
      setText(field(row, 'durationMs'), `${(event.durationMs / 1000).toFixed(1)} s`);
      setText(field(row, 'closedAt'), time(event.closedAt));
      setText(field(row, 'reason'), show(event.reason));
    }, 'data-id');
    count.textContent = `${open.size} open`;
    if (listed) {
      main.dataset.loaded = 'true';
    }
  };
  const queueRender = () => {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  };

  // Subscribe first, list once subscribed: every step after the list is then seen, none before it is missed.
  const list = async () => {
    listed = false;
    early = [];
    try {
      const answer = await getJson('/api/v1/arbitrage');
      problem(error, answer.unanswered?.length ? `Not answered in time: ${answer.unanswered.join(', ')}` : '');
      open.clear();
      for (const event of answer.opportunities) {
        open.set(event.id, event);
      }
      for (const event of early) {
        apply(event);
      }
      listed = true;
      early = [];
      queueRender();
    } catch (e) {
      problem(error, e.message);
    }
  };
  const stop = stream.subscribe('arbitrage', {
    subscribed() {
      list();
    },
    message(message) {
      if (listed) {
        apply(message.payload);
        queueRender();
      } else {
        early.push(message.payload);
      }
    },
    error(message) {
      problem(error, message.message);
    },
  });
  const ages = setInterval(queueRender, 1000);
  // Without the socket (the node refusing it, a proxy without WebSocket), still show what is open now.
  const fallback = setTimeout(() => listed || list(), 3000);
  render();
  return () => {
    stop();
    clearInterval(ages);
    clearTimeout(fallback);
  };
}
