// #/markets (default page): every followed market the API lists (all pages of GET /api/v1/markets, filtered by
// ?q=, venue and status like the API), re-read every 10 s; the rows in view get their live state (stale, best bid
// and ask, last trade) from GET /api/v1/markets/{venue}/{symbol} every 2 s.

import { allMarkets, getJson, marketPath, poll, pollVisibleRows } from '../api.js';
import { NONE, el, field, marketLink, problem, setText, show, splitMarket, syncRows } from '../dom.js';

const FIELDS = [['venue', 'Venue'], ['symbol', 'Symbol'], ['title', 'Title'], ['status', 'Status'],
  ['stale', 'Stale'], ['bestBid', 'Best bid', 'num'], ['bestAsk', 'Best ask', 'num'], ['lastTrade', 'Last trade', 'num']];

export function mount(main, params) {
  const query = params.query;
  const search = el('input', { id: 'markets-q', type: 'search', value: query.get('q') || '', maxlength: '256',
    placeholder: 'btc usdt, index 105', autocomplete: 'off' });
  const venue = el('select', { id: 'markets-venue' }, el('option', { value: '' }, 'all venues'));
  const status = el('select', { id: 'markets-status' },
    el('option', { value: '' }, 'any'), el('option', { value: 'open' }, 'open'), el('option', { value: 'closed' }, 'closed'));
  if (query.get('venue')) {
    venue.append(el('option', { value: query.get('venue') }, query.get('venue')));
    venue.value = query.get('venue');
  }
  status.value = ['open', 'closed'].includes(query.get('status')) ? query.get('status') : '';
  const count = el('p', { id: 'markets-count', class: 'hint', role: 'status', 'aria-live': 'polite' });
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const grid = el('table', { id: 'markets-table', class: 'grid' },
    el('caption', { class: 'sr-only' }, 'Followed markets'),
    el('thead', {}, el('tr', {}, FIELDS.map(([, label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));

  main.append(
    el('h1', {}, 'Markets'),
    el('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); filtersChanged(); } },
      el('label', {}, 'Search ', search),
      el('label', {}, 'Venue ', venue),
      el('label', {}, 'Status ', status)),
    count, error,
    el('div', { class: 'table-wrap' }, grid));

  const visibleState = pollVisibleRows(async (row) => {
    const { venue: v, symbol } = splitMarket(row.dataset.market);
    try {
      fillState(row, await getJson(marketPath(v, symbol)));
    } catch (e) {
      if (e.code === 'unknown_market') {
        row.classList.add('gone'); // unfollowed since the list was read; the next read drops it
      }
      throw e;
    }
  });

  let generation = 0;
  const load = async () => {
    const mine = ++generation;
    const filters = { q: search.value.trim(), venue: venue.value, status: status.value };
    try {
      const rows = await allMarkets(filters);
      if (mine !== generation) {
        return; // the filters changed meanwhile: a newer read is under way
      }
      problem(error, '');
      syncRows(grid.tBodies[0], rows, (row) => row.market, makeRow, fillRow, 'data-market');
      count.textContent = `${rows.length} market${rows.length === 1 ? '' : 's'}`;
      main.dataset.loaded = 'true';
    } catch (e) {
      if (mine === generation) {
        problem(error, e.message);
      }
    }
  };
  const makeRow = (market) => {
    const row = el('tr', {}, FIELDS.map(([name, , cls]) => el('td', { class: cls, dataset: { field: name } })));
    field(row, 'symbol').append(el('a', { href: marketLink(market.venue, market.symbol) }, market.symbol));
    visibleState.observe(row);
    return row;
  };
  const fillRow = (row, market) => {
    setText(field(row, 'venue'), market.venue);
    setText(field(row, 'title'), show(market.title));
    setText(field(row, 'status'), show(market.status));
  };
  const lister = poll(load, 10000);

  getJson('/api/v1/venues').then((answer) => {
    const chosen = venue.value;
    venue.replaceChildren(el('option', { value: '' }, 'all venues'),
      answer.venues.filter((v) => v.enabled).map((v) => el('option', { value: v.venue }, v.venue)));
    venue.value = chosen;
  }).catch(() => {});

  let typing = null;
  function filtersChanged() {
    clearTimeout(typing);
    const wanted = new URLSearchParams();
    for (const [key, input] of [['q', search], ['venue', venue], ['status', status]]) {
      if (input.value.trim()) {
        wanted.set(key, input.value.trim());
      }
    }
    // The filters go into the address (shareable, kept on reload) without a history entry per keystroke.
    history.replaceState(null, '', `#/markets${wanted.toString() ? '?' + wanted : ''}`);
    load();
  }
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(filtersChanged, 300);
  });
  venue.addEventListener('change', filtersChanged);
  status.addEventListener('change', filtersChanged);

  return () => {
    clearTimeout(typing);
    lister.stop();
    visibleState.stop();
    generation++;
  };
}

function fillState(row, state) {
  setText(field(row, 'stale'), state.stale ? 'yes' : 'no');
  field(row, 'stale').title = state.stale ? state.staleReason || '' : '';
  row.classList.toggle('stale', Boolean(state.stale));
  setText(field(row, 'bestBid'), show(state.bestBid), true);
  field(row, 'bestBid').title = state.bestBidSize ? `size ${state.bestBidSize}` : '';
  setText(field(row, 'bestAsk'), show(state.bestAsk), true);
  field(row, 'bestAsk').title = state.bestAskSize ? `size ${state.bestAskSize}` : '';
  setText(field(row, 'lastTrade'), state.lastTrade ? state.lastTrade.price : NONE, true);
  field(row, 'lastTrade').title = state.lastTrade ? `size ${state.lastTrade.size}, ${state.lastTrade.aggressor || ''}` : '';
  row.dataset.stateLoaded = 'true';
}
