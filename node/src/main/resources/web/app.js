// The dashboard's entry: hash routes to pages, one shared WebSocket to the node, and the connection status in the
// header. Each page is a function that fills its <main id="page-<name>"> and returns what stops it (timers,
// subscriptions) when another page is shown.

import { StreamClient } from './stream.js';
import * as markets from './pages/markets.js';
import * as market from './pages/market.js';
import * as instruments from './pages/instruments.js';
import * as arbitrage from './pages/arbitrage.js';
import * as health from './pages/health.js';

const PAGES = {
  markets: { mount: markets.mount, title: 'Markets' },
  market: { mount: market.mount, title: 'Market' },
  instruments: { mount: instruments.mountList, title: 'Instruments' },
  instrument: { mount: instruments.mountOne, title: 'Instrument' },
  arbitrage: { mount: arbitrage.mount, title: 'Arbitrage' },
  venues: { mount: health.mountVenues, title: 'Venues' },
  cluster: { mount: health.mountCluster, title: 'Cluster' },
};

/** '#/market/kraken/BTC%2FUSD?x=1' -> {name: 'market', params: {venue: 'kraken', symbol: 'BTC/USD', query}} */
export function route(hash) {
  const text = hash.replace(/^#\/?/, '');
  const at = text.indexOf('?');
  const path = at < 0 ? text : text.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : text.slice(at + 1));
  const segments = path.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch (e) {
      return s;
    }
  });
  const [name, ...rest] = segments;
  if (name === 'market' && rest.length >= 2) {
    // An unencoded '/' in a symbol (Kraken's BTC/USD typed by hand) still names one market.
    return { name, params: { venue: rest[0], symbol: rest.slice(1).join('/'), query } };
  }
  if (name === 'instrument' && rest.length >= 1) {
    return { name, params: { id: rest.join('/'), query } };
  }
  if (PAGES[name] && name !== 'market' && name !== 'instrument') {
    return { name, params: { query } };
  }
  return { name: 'markets', params: { query } };
}

const status = document.getElementById('connection-status');
const STATUS_TEXT = { live: 'live', reconnecting: 'reconnecting', offline: 'offline' };
const stream = new StreamClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`,
  (state) => {
    status.textContent = STATUS_TEXT[state];
    status.dataset.state = state;
    status.title = state === 'live' ? 'Live: updates stream from the node'
      : state === 'reconnecting' ? 'The stream to the node dropped: reconnecting (what is shown may be behind)'
        : 'Not connected to the node';
  });

const content = document.getElementById('content');
let stopPage = null;
let shownHash = null;

function show() {
  if (location.hash === shownHash) {
    return;
  }
  const first = shownHash === null;
  shownHash = location.hash;
  const { name, params } = route(location.hash);
  if (stopPage) {
    try {
      stopPage();
    } catch (e) {
      console.warn('stopping the page failed', e);
    }
    stopPage = null;
  }
  const main = document.createElement('main');
  main.id = `page-${name}`;
  main.className = 'page';
  content.replaceChildren(main);
  const section = name === 'market' ? 'markets' : name === 'instrument' ? 'instruments' : name;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.page === section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  document.title = `${params.venue ? `${params.venue}:${params.symbol}` : params.id || PAGES[name].title} · marketmesh`;
  stopPage = PAGES[name].mount(main, params, { stream });
  if (!first) {
    content.focus({ preventScroll: false }); // a keyboard or screen reader user lands on the new page
  }
}

window.addEventListener('hashchange', show);
show();
