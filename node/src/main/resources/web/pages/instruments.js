// #/instruments: every instrument (GET /api/v1/instruments, every 10 s) with its legs, the rows in view with their
// cross-venue best bid and ask (GET /api/v1/instruments/{id} every 2 s).
// #/instrument/<id>: the summary live from the WebSocket (summary:<id>), each member's top, and the consolidated
// ladder (GET /api/v1/instruments/{id}/book?depth=10 every 2 s).

import { getJson, poll, pollVisibleRows } from '../api.js';
import { NONE, el, field, marketAnchor, problem, setText, show, syncRows, time } from '../dom.js';

const CONSOLIDATED_DEPTH = 10;

function instrumentPath(id) {
  return `/api/v1/instruments/${encodeURIComponent(id)}`;
}

function instrumentLink(id) {
  return el('a', { href: `#/instrument/${encodeURIComponent(id)}` }, id);
}

export function mountList(main) {
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const count = el('p', { class: 'hint', role: 'status' });
  const columns = [['id', 'Instrument'], ['origin', 'Origin'], ['markets', 'Legs'], ['bestBid', 'Best bid', 'num'],
    ['bestAsk', 'Best ask', 'num'], ['spread', 'Spread', 'num']];
  const grid = el('table', { id: 'instruments-table', class: 'grid' },
    el('caption', { class: 'sr-only' }, 'Instruments'),
    el('thead', {}, el('tr', {}, columns.map(([, label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));
  main.append(el('h1', {}, 'Instruments'),
    el('p', { class: 'hint' }, 'One market across venues: best bid and ask over the fresh legs, each leg\u2019s top, the consolidated book.'),
    count, error, el('div', { class: 'table-wrap' }, grid));

  const summaries = pollVisibleRows(async (row) => {
    const summary = await getJson(instrumentPath(row.dataset.instrument));
    setText(field(row, 'bestBid'), summary.bestBid ? summary.bestBid.price : NONE, true);
    setText(field(row, 'bestAsk'), summary.bestAsk ? summary.bestAsk.price : NONE, true);
    setText(field(row, 'spread'), show(summary.spread), true);
    row.dataset.stateLoaded = 'true';
  });
  const lister = poll(async () => {
    try {
      const answer = await getJson('/api/v1/instruments');
      problem(error, '');
      syncRows(grid.tBodies[0], answer.instruments, (i) => i.id, (instrument) => {
        const row = el('tr', {}, columns.map(([name, , cls]) => el('td', { class: cls, dataset: { field: name } })));
        field(row, 'id').append(instrumentLink(instrument.id));
        summaries.observe(row);
        return row;
      }, (row, instrument) => {
        setText(field(row, 'origin'), instrument.origin);
        const legs = instrument.markets.map((leg) => leg.market + (leg.yes ? '' : ' (no)')).join(', ');
        setText(field(row, 'markets'), legs);
      }, 'data-instrument');
      count.textContent = `${answer.instruments.length} instrument${answer.instruments.length === 1 ? '' : 's'}`;
      main.dataset.loaded = 'true';
    } catch (e) {
      problem(error, e.message);
    }
  }, 10000);
  return () => {
    lister.stop();
    summaries.stop();
  };
}

export function mountOne(main, { id }, { stream }) {
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const summaryFacts = [['bestBid', 'Best bid'], ['bestBidSize', 'Best bid size'], ['bestBidMarket', 'Best bid on'],
    ['bestAsk', 'Best ask'], ['bestAskSize', 'Best ask size'], ['bestAskMarket', 'Best ask on'], ['spread', 'Spread'],
    ['mid', 'Mid'], ['updatedAt', 'Updated']];
  const summary = el('dl', { id: 'summary', class: 'facts wide' },
    summaryFacts.map(([name, label]) => [el('dt', {}, label), el('dd', { dataset: { field: name } }, NONE)]));
  const memberColumns = [['market', 'Market'], ['yes', 'Yes side'], ['bestBid', 'Bid', 'num'], ['bestBidSize', 'Bid size', 'num'],
    ['bestAsk', 'Ask', 'num'], ['bestAskSize', 'Ask size', 'num'], ['stale', 'Stale']];
  const members = el('table', { id: 'members', class: 'grid' },
    el('caption', { class: 'sr-only' }, 'Each leg\u2019s top of book'),
    el('thead', {}, el('tr', {}, memberColumns.map(([, label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));
  const consolidated = el('table', { id: 'consolidated', class: 'grid ladder' },
    el('caption', { class: 'sr-only' }, `Consolidated book, top ${CONSOLIDATED_DEPTH} levels of each fresh leg`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Side'), el('th', { scope: 'col', class: 'num' }, 'Price'),
      el('th', { scope: 'col', class: 'num' }, 'Size'), el('th', { scope: 'col' }, 'Market'))),
    el('tbody'));
  const staleNote = el('p', { class: 'hint' });
  main.append(el('h1', {}, id), error,
    el('div', { class: 'market-grid' },
      el('section', { class: 'panel' }, el('h2', {}, 'Summary'), summary),
      el('section', { class: 'panel' }, el('h2', {}, 'Legs'), el('div', { class: 'table-wrap' }, members)),
      el('section', { class: 'panel span-2' }, el('h2', {}, 'Consolidated book'), staleNote,
        el('div', { class: 'table-wrap' }, consolidated))));

  let summaryShown = false;
  let bookShown = false;
  const loaded = () => {
    if (summaryShown && bookShown) {
      main.dataset.loaded = 'true';
    }
  };
  const showSummary = (s) => {
    const put = (name, value) => setText(field(summary, name), value, true);
    put('bestBid', s.bestBid ? s.bestBid.price : NONE);
    put('bestBidSize', s.bestBid ? s.bestBid.size : NONE);
    put('bestBidMarket', s.bestBid ? s.bestBid.market : NONE);
    put('bestAsk', s.bestAsk ? s.bestAsk.price : NONE);
    put('bestAskSize', s.bestAsk ? s.bestAsk.size : NONE);
    put('bestAskMarket', s.bestAsk ? s.bestAsk.market : NONE);
    put('spread', show(s.spread));
    put('mid', show(s.mid));
    put('updatedAt', time(s.updatedAt));
    syncRows(members.tBodies[0], s.venues || [], (v) => v.market, (v) => {
      const row = el('tr', {}, memberColumns.map(([name, , cls]) => el('td', { class: cls, dataset: { field: name } })));
      field(row, 'market').append(marketAnchor(v.market));
      return row;
    }, (row, v) => {
      setText(field(row, 'yes'), show(v.yes));
      setText(field(row, 'bestBid'), v.bestBid ? v.bestBid.price : NONE, true);
      setText(field(row, 'bestBidSize'), v.bestBid ? v.bestBid.size : NONE, true);
      setText(field(row, 'bestAsk'), v.bestAsk ? v.bestAsk.price : NONE, true);
      setText(field(row, 'bestAskSize'), v.bestAsk ? v.bestAsk.size : NONE, true);
      setText(field(row, 'stale'), v.stale ? `yes: ${v.staleReason || ''}` : 'no');
      row.classList.toggle('stale', Boolean(v.stale));
    }, 'data-market');
    summaryShown = true;
    loaded();
  };

  getJson(instrumentPath(id)).then(showSummary).catch((e) => problem(error, e.code === 'unknown_instrument'
    ? `No instrument '${id}' (the instruments page lists them).` : e.message));
  const stopSummary = stream.subscribe(`summary:${id}`, {
    message(message) {
      showSummary(message.payload);
    },
    error(message) {
      problem(error, message.message);
    },
  });

  const book = poll(async () => {
    try {
      const answer = await getJson(`${instrumentPath(id)}/book?depth=${CONSOLIDATED_DEPTH}`);
      const levels = [...answer.bids.map((level) => ['bid', level]), ...answer.asks.map((level) => ['ask', level])];
      syncRows(consolidated.tBodies[0], levels, ([side, l]) => `${side}|${l.price}|${l.market}`, ([side, l]) => {
        const row = el('tr', { class: side },
          el('td', { dataset: { field: 'side' } }, side),
          el('td', { class: 'num', dataset: { field: 'price' } }, l.price),
          el('td', { class: 'num', dataset: { field: 'size' } }),
          el('td', { dataset: { field: 'market' } }, marketAnchor(l.market)));
        row.dataset.side = side;
        row.dataset.price = l.price;
        row.dataset.market = l.market;
        return row;
      }, (row, [, l]) => setText(field(row, 'size'), l.size, true), 'data-key');
      staleNote.textContent = answer.staleMarkets?.length ? `Left out (stale): ${answer.staleMarkets.join(', ')}` : '';
      bookShown = true;
      loaded();
    } catch (e) {
      problem(error, e.message);
    }
  }, 2000);

  return () => {
    stopSummary();
    book.stop();
  };
}
