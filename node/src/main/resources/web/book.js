// A market's book as the stream keeps it (docs/streaming.md "Keeping a book"): a snapshot replaces it, a delta sets
// each level to its absolute size ("0" removes it), a reset empties it. Prices and sizes stay the strings the node
// sent; levels are keyed and ordered exactly (decimal.js), never through floating point.

import { canonical, compareDecimal, isZero } from './decimal.js';

const SVG = 'http://www.w3.org/2000/svg';

export class HeldBook {
  constructor() {
    this.clear();
    this.stale = true;
    this.staleReason = 'no snapshot yet';
  }

  clear() {
    this.bids = new Map(); // canonical price -> [price text, size text]
    this.asks = new Map();
    this.hasBook = false;
  }

  /** A book_snapshot's payload, with the message's stale flag and reason. */
  snapshot(payload, stale, staleReason) {
    this.clear();
    for (const [price, size] of payload.bids) {
      this.bids.set(canonical(price), [price, size]);
    }
    for (const [price, size] of payload.asks) {
      this.asks.set(canonical(price), [price, size]);
    }
    this.hasBook = true;
    this.stale = Boolean(stale);
    this.staleReason = stale ? staleReason || 'stale' : null;
  }

  /** A book_delta's payload: absolute sizes per level. */
  delta(payload) {
    for (const update of payload.updates) {
      const side = update.side === 'bid' ? this.bids : this.asks;
      const key = canonical(update.price);
      if (isZero(update.size)) {
        side.delete(key);
      } else {
        side.set(key, [update.price, update.size]);
      }
    }
  }

  reset(reason) {
    this.clear();
    this.markStale(reason ? `book reset: ${reason}` : 'book reset');
  }

  markStale(reason) {
    this.stale = true;
    this.staleReason = reason;
  }

  /** Bids highest first. */
  sortedBids() {
    return [...this.bids.values()].sort((a, b) => compareDecimal(b[0], a[0]));
  }

  /** Asks lowest first. */
  sortedAsks() {
    return [...this.asks.values()].sort((a, b) => compareDecimal(a[0], b[0]));
  }
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/**
 * Draws both sides' cumulative size against price into an <svg>: bids stepping down to the left of the best bid,
 * asks up to the right of the best ask. Numbers are parsed only to place the lines; the labels are the exact strings.
 */
export function drawDepthChart(chart, bids, asks) {
  // Drawn at the size it is shown (labels stay readable on a phone); 600 wide until it has been laid out.
  const width = Math.max(280, Math.round(chart.getBoundingClientRect().width) || 600);
  const height = 220;
  const pad = { left: 8, right: 8, top: 12, bottom: 26 };
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren();
  if (bids.length === 0 && asks.length === 0) {
    chart.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'no levels'));
    chart.setAttribute('aria-label', 'Depth chart: no levels');
    return;
  }
  const cumulative = (levels) => {
    let total = 0;
    return levels.map(([price, size]) => {
      total += Number(size);
      return [Number(price), total];
    });
  };
  const bidSteps = cumulative(bids);
  const askSteps = cumulative(asks);
  const prices = [...bidSteps, ...askSteps].map(([price]) => price);
  let low = Math.min(...prices);
  let high = Math.max(...prices);
  if (high === low) {
    low -= 1;
    high += 1;
  }
  const most = Math.max(1e-12, ...bidSteps.map(([, total]) => total), ...askSteps.map(([, total]) => total));
  const x = (price) => pad.left + ((price - low) / (high - low)) * (width - pad.left - pad.right);
  const y = (total) => height - pad.bottom - (total / most) * (height - pad.top - pad.bottom);
  const base = y(0);
  const area = (steps, towardLow) => {
    if (steps.length === 0) {
      return '';
    }
    let path = `M${x(steps[0][0])},${base}`;
    let level = base;
    for (const [price, total] of steps) {
      path += ` L${x(price)},${level} L${x(price)},${y(total)}`;
      level = y(total);
    }
    const end = towardLow ? pad.left : width - pad.right;
    return `${path} L${end},${level} L${end},${base} Z`;
  };
  chart.append(
    svg('line', { x1: pad.left, y1: base, x2: width - pad.right, y2: base, class: 'chart-axis' }),
    svg('path', { d: area(bidSteps, true), class: 'chart-bids' }),
    svg('path', { d: area(askSteps, false), class: 'chart-asks' }));
  const label = (text, at, anchor) => svg('text', { x: at, y: height - 8, 'text-anchor': anchor, class: 'chart-label' }, text);
  const lowest = bids.length ? bids[bids.length - 1][0] : asks[0][0];
  const highest = asks.length ? asks[asks.length - 1][0] : bids[0][0];
  chart.append(label(lowest, pad.left, 'start'), label(highest, width - pad.right, 'end'));
  if (bids.length && asks.length) {
    chart.append(label(`${bids[0][0]} | ${asks[0][0]}`, (x(Number(bids[0][0])) + x(Number(asks[0][0]))) / 2, 'middle'));
  }
  chart.setAttribute('aria-label', `Depth chart: ${bids.length} bid and ${asks.length} ask levels from ${lowest} to ${highest}`);
}
