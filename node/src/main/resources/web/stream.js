// One WebSocket to the node's stream (/api/v1/stream, docs/streaming.md) shared by every page: channels are
// subscribed while a page wants them, the socket is reopened with backoff when it drops, and every channel held is
// subscribed again then (each starts over with a snapshot).

import { apiToken } from './api.js';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10000;
// The node lets a connection go after 120 s without a subscription or a message from it: a page that holds none
// (venues, cluster) pings to keep its socket, and so its connection status, steady.
const PING_EVERY_MS = 30000;

export class StreamClient {
  /** onState(state) is told 'live', 'reconnecting' or 'offline' whenever that changes. */
  constructor(url, onState) {
    this.url = url;
    this.onState = onState;
    this.state = null;
    this.socket = null;
    this.attempts = 0;
    this.nextId = 1;
    this.requests = new Map(); // request id -> {op, channels}
    this.channels = new Map(); // channel -> {depth, listeners, requestId, active, lastSeq}
    this.reconnectTimer = null;
    this.pingTimer = null;
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => this.setState('offline'));
    this.setState('offline');
    this.connect();
  }

  setState(state) {
    if (this.state !== state) {
      this.state = state;
      this.onState(state);
    }
  }

  connect() {
    this.reconnectTimer = null;
    let socket;
    try {
      // A browser cannot set Authorization on a WebSocket: the token travels as a subprotocol entry, beside the
      // protocol the node answers with (docs/security.md).
      const token = apiToken();
      socket = token ? new WebSocket(this.url, ['marketmesh', 'bearer.' + token]) : new WebSocket(this.url);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.setState('live');
      this.pingTimer = setInterval(() => this.send({ op: 'ping', id: 'keepalive' }), PING_EVERY_MS);
      this.subscribeAll();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      clearInterval(this.pingTimer);
      this.requests.clear();
      for (const entry of this.channels.values()) {
        entry.active = false;
        entry.requestId = null;
        for (const listener of entry.listeners) {
          listener.lost?.('connection to the node lost, reconnecting');
        }
      }
      this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempts);
    this.attempts += 1;
    const jittered = backoff * (0.8 + Math.random() * 0.4);
    this.reconnectTimer = setTimeout(() => this.connect(), jittered);
  }

  reconnectNow() {
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.attempts = 0;
      this.connect();
    }
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  request(op, channels, depth) {
    const id = this.nextId++;
    const message = { op, id, channels };
    if (depth) {
      message.depth = depth;
    }
    if (!this.send(message)) {
      return null;
    }
    this.requests.set(id, { op, channels });
    return id;
  }

  /** Subscribes every channel held (after a (re)connect), one request per depth asked. */
  subscribeAll() {
    const byDepth = new Map();
    for (const [channel, entry] of this.channels) {
      if (!byDepth.has(entry.depth)) {
        byDepth.set(entry.depth, []);
      }
      byDepth.get(entry.depth).push(channel);
    }
    for (const [depth, channels] of byDepth) {
      const id = this.request('subscribe', channels, depth);
      for (const channel of channels) {
        this.channels.get(channel).requestId = id;
      }
    }
  }

  /**
   * Follows a channel: listener.message(msg) for each data message of it (in order, seq checked),
   * listener.subscribed() when it (re)starts (a book's snapshot follows), listener.error(error) when the node
   * refuses it, listener.lost(reason) when the socket dropped. Returns the function that stops following.
   * depth (book channels) is the number of levels a side; 0 for the whole book.
   */
  subscribe(channel, listener, depth = 0) {
    let entry = this.channels.get(channel);
    if (entry && entry.depth !== depth) {
      throw new Error(`${channel} is held with depth ${entry.depth}`);
    }
    if (!entry) {
      entry = { depth, listeners: new Set(), requestId: null, active: false, lastSeq: 0 };
      this.channels.set(channel, entry);
      entry.requestId = this.request('subscribe', [channel], depth);
    } else if (entry.active) {
      // Joining a channel already running: the newcomer has missed its snapshot, so start it over for everyone.
      this.restart(channel, entry);
    }
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.channels.get(channel) === entry) {
        this.channels.delete(channel);
        this.request('unsubscribe', [channel]);
      }
    };
  }

  /** Unsubscribes and subscribes a channel again: it starts over with a snapshot. */
  restart(channel, entry) {
    entry.active = false;
    this.request('unsubscribe', [channel]);
    entry.requestId = this.request('subscribe', [channel], entry.depth);
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      console.warn('stream: not JSON', text);
      return;
    }
    if (message.subscription !== undefined) {
      this.data(message);
    } else if (message.type === 'subscribed') {
      this.requests.delete(message.id);
      for (const channel of message.channels) {
        const entry = this.channels.get(channel);
        if (entry && entry.requestId === message.id) {
          entry.active = true;
          entry.lastSeq = 0;
          for (const listener of entry.listeners) {
            listener.subscribed?.();
          }
        }
      }
    } else if (message.type === 'error') {
      const request = this.requests.get(message.id);
      this.requests.delete(message.id);
      if (request?.op !== 'subscribe') {
        return; // an unsubscribe of a channel the node had already let go, or a ping: nothing to do
      }
      for (const channel of request.channels) {
        const entry = this.channels.get(channel);
        if (entry && entry.requestId === message.id) {
          this.channels.delete(channel);
          for (const listener of entry.listeners) {
            listener.error?.(message);
          }
        }
      }
    } else if (message.type === 'unsubscribed' || message.type === 'pong') {
      this.requests.delete(message.id);
    }
  }

  data(message) {
    const entry = this.channels.get(message.subscription);
    if (!entry || !entry.active) {
      return; // the tail of a subscription being replaced: its successor starts with a snapshot
    }
    if (message.seq !== entry.lastSeq + 1) {
      // Cannot happen on a live socket (docs/streaming.md); if it ever does, start the channel over.
      console.warn(`stream: ${message.subscription} seq ${message.seq} after ${entry.lastSeq}, subscribing again`);
      this.restart(message.subscription, entry);
      return;
    }
    entry.lastSeq = message.seq;
    for (const listener of entry.listeners) {
      listener.message?.(message);
    }
  }
}
