// The node's HTTP API (docs/http-api.md), as any client reads it.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// A node started with marketmesh.http.auth.protect-reads wants a token on every read (docs/security.md): the page asks
// for one on the first 401 and keeps it for this tab only (sessionStorage: gone when the tab closes).
const TOKEN_KEY = 'marketmesh.api-token';

/** The API token this tab was given, or '' (a node without protect-reads needs none). */
export function apiToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function askForToken() {
  const token = window.prompt('This node wants an API token (a read-only one is enough):');
  if (!token || !token.trim()) {
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

async function fetchWithToken(path, signal) {
  const token = apiToken();
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = 'Bearer ' + token;
  }
  return { token, response: await fetch(path, { signal, headers }) };
}

/** GET a JSON answer; a non-2xx answer throws an ApiError with the API's error code and message. */
export async function getJson(path, { timeoutMs = 10000, signal } = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const onCancel = () => abort.abort();
  signal?.addEventListener('abort', onCancel);
  try {
    let { token, response } = await fetchWithToken(path, abort.signal);
    // Another request may have been given a token meanwhile: then try with it before asking.
    if (response.status === 401 && (apiToken() !== token || askForToken())) {
      ({ response } = await fetchWithToken(path, abort.signal));
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new ApiError(response.status, body?.error || 'http_' + response.status,
        body?.message || `${path} answered ${response.status}`);
    }
    return body;
  } catch (e) {
    if (e instanceof ApiError) {
      throw e;
    }
    throw new ApiError(0, 'unreachable', abort.signal.aborted ? `${path}: no answer in time` : `${path}: ${e.message}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
}

export function marketPath(venue, symbol) {
  return `/api/v1/markets/${encodeURIComponent(venue)}/${encodeURIComponent(symbol)}`;
}

/** Every page of GET /api/v1/markets for the filters given (q, venue, status): all rows, in the API's order. */
export async function allMarkets(filters, options) {
  const rows = [];
  let total = Infinity;
  while (rows.length < total) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) {
      if (value) {
        query.set(key, value);
      }
    }
    query.set('offset', String(rows.length));
    const page = await getJson('/api/v1/markets?' + query, options);
    total = page.total;
    rows.push(...page.markets);
    if (page.markets.length === 0) {
      break; // the list shrank while paging: what we have is all there is
    }
  }
  return rows;
}

/**
 * Calls task now and again intervalMs after each run ends (never two at once), until stopped. A hidden tab is not
 * polled; it is polled at once when shown again.
 */
export function poll(task, intervalMs) {
  let timer = null;
  let stopped = false;
  let running = false;
  const run = async () => {
    timer = null;
    if (stopped || running) {
      return;
    }
    if (document.hidden) {
      return; // resumed by visibilitychange
    }
    running = true;
    try {
      await task();
    } catch (e) {
      console.warn('poll failed', e);
    } finally {
      running = false;
      if (!stopped) {
        timer = setTimeout(run, intervalMs);
      }
    }
  };
  const onVisible = () => {
    if (!document.hidden && !running && !stopped) {
      clearTimeout(timer);
      run();
    }
  };
  document.addEventListener('visibilitychange', onVisible);
  run();
  return {
    now() {
      if (!running && !stopped) {
        clearTimeout(timer);
        run();
      }
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/**
 * Refreshes the rows of a table that are scrolled into view, every intervalMs, at most `parallel` requests at a
 * time: a catalogue of thousands of markets costs what one screen of it costs. refresh(row) returns a promise.
 */
export function pollVisibleRows(refresh, { intervalMs = 2000, parallel = 4 } = {}) {
  const visible = new Set();
  const observer = new IntersectionObserver((entries) => {
    let appeared = false;
    for (const entry of entries) {
      if (entry.isIntersecting) {
        appeared = appeared || !visible.has(entry.target);
        visible.add(entry.target);
      } else {
        visible.delete(entry.target);
      }
    }
    if (appeared) {
      poller.now();
    }
  }, { rootMargin: '100px 0px' });
  const poller = poll(async () => {
    for (const row of visible) {
      if (!row.isConnected) { // removed from its table (the list changed)
        visible.delete(row);
        observer.unobserve(row);
      }
    }
    const rows = [...visible];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        try {
          await refresh(row);
        } catch (e) {
          row.dataset.error = e.message;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, rows.length) }, worker));
  }, intervalMs);
  return {
    observe(row) {
      observer.observe(row);
    },
    unobserve(row) {
      observer.unobserve(row);
      visible.delete(row);
    },
    stop() {
      poller.stop();
      observer.disconnect();
    },
  };
}
