// Small DOM helpers: elements built with textContent only (never innerHTML), so whatever a venue names a market
// is shown as text, and table rows updated in place, keyed by an attribute.

export const NONE = '\u2014';

/** el('td', {dataset: {field: 'price'}}, '0.51') */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'class') {
      node.className = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (key in node && typeof value !== 'string') {
      node[key] = value;
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** What a cell shows for an API value: the text as given, "yes"/"no" for booleans, a dash for nothing. */
export function show(value) {
  if (value === null || value === undefined || value === '') {
    return NONE;
  }
  if (value === true) {
    return 'yes';
  }
  if (value === false) {
    return 'no';
  }
  return String(value);
}

/** Sets a text only when it changed (no layout work for an unchanged cell); marks the change for a short flash. */
export function setText(node, text, flash = false) {
  if (node.textContent !== text) {
    node.textContent = text;
    if (flash) {
      node.classList.remove('changed');
      void node.offsetWidth; // restart the animation
      node.classList.add('changed');
    }
  }
}

/** The cell of a row with data-field=name. */
export function field(row, name) {
  return row.querySelector(`[data-field="${name}"]`);
}

/**
 * Makes a tbody hold exactly one row per item, in the items' order: rows are reused by key (their cells updated by
 * fill), created by make, and removed when their item is gone.
 */
export function syncRows(tbody, items, keyOf, make, fill, keyAttribute) {
  const existing = new Map();
  for (const row of tbody.rows) {
    existing.set(row.getAttribute(keyAttribute), row);
  }
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    let row = existing.get(key);
    if (row) {
      existing.delete(key);
    } else {
      row = make(item);
      row.setAttribute(keyAttribute, key);
    }
    fill(row, item);
    const wanted = previous ? previous.nextSibling : tbody.firstChild;
    if (wanted !== row) {
      tbody.insertBefore(row, wanted);
    }
    previous = row;
  }
  for (const row of existing.values()) {
    row.remove();
  }
}

/** A table with a caption and column headers; its tbody is returned as table.tBodies[0]. */
export function table(id, caption, columns) {
  return el('table', { id, class: 'grid' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, columns.map(([label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));
}

/** Local time of an epoch-millisecond timestamp, to the millisecond. */
export function time(epochMillis) {
  if (!epochMillis) {
    return NONE;
  }
  const date = new Date(epochMillis);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** "3 s", "4 min", "2 h" since an epoch-millisecond timestamp. */
export function age(epochMillis, now = Date.now()) {
  if (!epochMillis) {
    return NONE;
  }
  const seconds = Math.max(0, Math.round((now - epochMillis) / 1000));
  if (seconds < 120) {
    return `${seconds} s`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${Math.round(seconds / 3600)} h`;
}

/** The hash link of a market page (the symbol URL-encoded: Kraken's BTC/USD stays one segment). */
export function marketLink(venue, symbol) {
  return `#/market/${encodeURIComponent(venue)}/${encodeURIComponent(symbol)}`;
}

/** "venue:symbol" (the symbol may itself hold ':' — everything after the first one). */
export function splitMarket(id) {
  const at = id.indexOf(':');
  return { venue: id.slice(0, at), symbol: id.slice(at + 1) };
}

/** A link to a market's page, its text the market id. */
export function marketAnchor(id) {
  const { venue, symbol } = splitMarket(id);
  return el('a', { href: marketLink(venue, symbol) }, id);
}

/** A status line under a page heading: what went wrong fetching, or nothing. */
export function problem(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
}
