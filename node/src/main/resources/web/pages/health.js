// #/venues (GET /api/v1/venues every 2 s) and #/cluster (GET /api/v1/cluster every 2 s): the cluster-wide view of
// each venue's health and sockets, and of the members with their shards, markets and connection workers.

import { getJson, poll } from '../api.js';
import { NONE, age, el, field, problem, setText, show, syncRows, time } from '../dom.js';

function grid(id, caption, columns) {
  return el('table', { id, class: 'grid' }, el('caption', { class: 'sr-only' }, caption),
    el('thead', {}, el('tr', {}, columns.map(([, label, cls]) => el('th', { scope: 'col', class: cls }, label)))),
    el('tbody'));
}

function plainRow(columns) {
  return () => el('tr', {}, columns.map(([name, , cls]) => el('td', { class: cls, dataset: { field: name } })));
}

function sum(items, key) {
  return items.reduce((total, item) => total + (Number(item[key]) || 0), 0);
}

const VENUE_COLUMNS = [['venue', 'Venue'], ['healthy', 'Healthy'], ['connections', 'Sockets open', 'num'],
  ['reconnects', 'Reconnects', 'num'], ['badFrames', 'Bad frames', 'num'], ['sequenceFailures', 'Sequence failures', 'num'],
  ['checksumFailures', 'Checksum failures', 'num'], ['booksStale', 'Books stale', 'num'], ['followed', 'Markets', 'num'],
  ['workers', 'Workers', 'num'], ['lastUpdate', 'Last frame'], ['lastError', 'Last error'], ['reasons', 'Why not healthy']];
const SOCKET_COLUMNS = [['venue', 'Venue'], ['worker', 'Worker', 'num'], ['socket', 'Socket', 'num'], ['node', 'Node'],
  ['state', 'State'], ['subscriptions', 'Markets', 'num'], ['framesReceived', 'Frames', 'num'],
  ['badFrames', 'Bad frames', 'num'], ['reconnects', 'Reconnects', 'num'], ['lastMessageAt', 'Last message'],
  ['lastError', 'Last error']];

export function mountVenues(main) {
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const venues = grid('venues-table', 'Venues', VENUE_COLUMNS);
  const sockets = grid('venue-sockets', 'Every socket of every venue', SOCKET_COLUMNS);
  main.append(el('h1', {}, 'Venues'), error,
    el('div', { class: 'table-wrap' }, venues),
    el('section', { 'aria-labelledby': 'sockets-h' }, el('h2', { id: 'sockets-h' }, 'Sockets'),
      el('div', { class: 'table-wrap' }, sockets)));

  const poller = poll(async () => {
    try {
      const answer = await getJson('/api/v1/venues');
      problem(error, '');
      const now = Date.now();
      syncRows(venues.tBodies[0], answer.venues, (v) => v.venue, plainRow(VENUE_COLUMNS), (row, v) => {
        setText(field(row, 'venue'), v.venue);
        row.classList.toggle('disabled', !v.enabled);
        if (!v.enabled) {
          setText(field(row, 'healthy'), 'disabled');
          for (const [name] of VENUE_COLUMNS.slice(2)) {
            setText(field(row, name), NONE);
          }
          row.classList.remove('unhealthy');
          return;
        }
        const connections = v.connections || [];
        const health = v.health || {};
        setText(field(row, 'healthy'), show(health.healthy));
        row.classList.toggle('unhealthy', !health.healthy);
        setText(field(row, 'connections'), `${connections.filter((c) => c.state === 'open').length}/${connections.length}`, true);
        setText(field(row, 'reconnects'), String(sum(connections, 'reconnects')), true);
        setText(field(row, 'badFrames'), String(sum(connections, 'badFrames')), true);
        setText(field(row, 'sequenceFailures'), show(v.integrity?.sequenceFailures), true);
        setText(field(row, 'checksumFailures'), show(v.integrity?.checksumFailures), true);
        setText(field(row, 'booksStale'), show(health.booksStale), true);
        setText(field(row, 'followed'), show(v.followed));
        setText(field(row, 'workers'), `${v.workersRunning}/${v.workersConfigured}`);
        setText(field(row, 'lastUpdate'), health.lastUpdate ? `${age(health.lastUpdate, now)} ago` : NONE);
        const last = health.lastError;
        setText(field(row, 'lastError'), last ? last.message : NONE);
        field(row, 'lastError').title = last ? `${last.kind} at ${time(last.at)}, worker ${last.worker}`
          + (last.socket === null || last.socket === undefined ? '' : `, socket ${last.socket}`) : '';
        setText(field(row, 'reasons'), (health.reasons || []).join('; ') || NONE);
      }, 'data-venue');
      const allSockets = answer.venues.flatMap((v) => (v.connections || []).map((c) => ({ ...c, venue: v.venue })));
      syncRows(sockets.tBodies[0], allSockets, (c) => `${c.venue}/${c.socket}`, plainRow(SOCKET_COLUMNS), (row, c) => {
        for (const name of ['venue', 'worker', 'socket', 'node', 'state', 'subscriptions', 'framesReceived', 'badFrames',
          'reconnects']) {
          setText(field(row, name), show(c[name]));
        }
        row.classList.toggle('unhealthy', c.state !== 'open');
        setText(field(row, 'lastMessageAt'), c.lastMessageAt ? `${age(c.lastMessageAt, now)} ago` : NONE);
        setText(field(row, 'lastError'), show(c.lastError));
        field(row, 'lastError').title = c.lastErrorAt ? time(c.lastErrorAt) : '';
      }, 'data-socket');
      main.dataset.loaded = 'true';
    } catch (e) {
      problem(error, e.message);
    }
  }, 2000);
  return () => poller.stop();
}

const MEMBER_COLUMNS = [['address', 'Address'], ['status', 'Status'], ['reachable', 'Reachable'], ['role', 'Role'],
  ['shards', 'Shards', 'num'], ['markets', 'Markets', 'num'], ['workers', 'Workers', 'num'], ['workerIds', 'Connection workers']];
const WORKER_COLUMNS = [['venue', 'Venue'], ['running', 'Running', 'num'], ['configured', 'Configured', 'num']];

export function mountCluster(main) {
  const error = el('p', { class: 'problem', role: 'alert', hidden: true });
  const totals = el('dl', { id: 'cluster-totals', class: 'facts wide' });
  const members = grid('members-table', 'Cluster members as the node answering sees them', MEMBER_COLUMNS);
  const workers = grid('cluster-workers', 'Connection workers per venue', WORKER_COLUMNS);
  const incomplete = el('p', { class: 'problem', hidden: true });
  main.append(el('h1', {}, 'Cluster'), error, totals, incomplete,
    el('div', { class: 'table-wrap' }, members),
    el('section', { 'aria-labelledby': 'workers-h' }, el('h2', { id: 'workers-h' }, 'Connection workers'),
      el('div', { class: 'table-wrap' }, workers)));

  const totalCells = new Map();
  const fact = (name, label, value) => {
    if (!totalCells.has(name)) {
      const cell = el('dd', { dataset: { field: name } });
      totalCells.set(name, cell);
      totals.append(el('dt', {}, label), cell);
    }
    setText(totalCells.get(name), value, true);
  };
  const poller = poll(async () => {
    try {
      const answer = await getJson('/api/v1/cluster');
      problem(error, '');
      fact('self', 'This node', show(answer.self));
      fact('leader', 'Leader', show(answer.leader));
      for (const [name, value] of Object.entries(answer.totals || {})) {
        fact(name, name, show(value));
      }
      problem(incomplete, answer.incomplete?.length ? `No answer in time from: ${answer.incomplete.join(', ')}` : '');
      syncRows(members.tBodies[0], answer.members, (m) => m.address, plainRow(MEMBER_COLUMNS), (row, m) => {
        setText(field(row, 'address'), m.address);
        setText(field(row, 'status'), show(m.status));
        setText(field(row, 'reachable'), show(m.reachable));
        row.classList.toggle('unhealthy', !m.reachable || m.status !== 'Up');
        const roles = [m.address === answer.self ? 'this node' : '', m.address === answer.leader ? 'leader' : '']
          .filter(Boolean).join(', ');
        setText(field(row, 'role'), roles || NONE);
        setText(field(row, 'shards'), show(m.shards), true);
        setText(field(row, 'markets'), show(m.markets), true);
        const ids = m.connectionWorkers || [];
        setText(field(row, 'workers'), String(ids.length), true);
        setText(field(row, 'workerIds'), ids.join(', ') || NONE);
      }, 'data-address');
      const perVenue = Object.entries(answer.connectionWorkers || {}).map(([venue, w]) => ({ venue, ...w }));
      syncRows(workers.tBodies[0], perVenue, (w) => w.venue, plainRow(WORKER_COLUMNS), (row, w) => {
        setText(field(row, 'venue'), w.venue);
        setText(field(row, 'running'), show(w.running));
        setText(field(row, 'configured'), show(w.configured));
        row.classList.toggle('unhealthy', w.running !== w.configured);
      }, 'data-venue');
      main.dataset.loaded = 'true';
    } catch (e) {
      problem(error, e.message);
    }
  }, 2000);
  return () => poller.stop();
}
