package io.marketmesh.node.venue.binance;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.SessionOutput;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The REST depth snapshots of one socket's books: {@code GET {rest-url}/api/v3/depth?symbol=X&limit=N} through the
 * connection ({@link SessionOutput#fetch}, answered by {@link #onFetched}), at most {@code snapshots-in-flight} at a
 * time, the rest queued in order. Binance weighs each depth request (50 at limit 1000) against a per-IP budget, so a
 * socket subscribing hundreds of markets must not ask for all their snapshots at once.
 */
final class SnapshotFetches {

    private static final String TAG = "depth:";

    private final String restBase;
    private final BinanceOptions options;
    private final SyncCounters counters;
    private final Map<String, BookSync> inFlight = new HashMap<>();
    private final ArrayDeque<BookSync> queued = new ArrayDeque<>();
    private long fetches;

    SnapshotFetches(String restUrl, BinanceOptions options, SyncCounters counters) {
        this.restBase = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
        this.options = options;
        this.counters = counters;
    }

    void request(BookSync book, SessionOutput out) {
        if (inFlight.size() < options.snapshotsInFlight()) {
            send(book, out);
        } else if (!queued.contains(book)) {
            queued.addLast(book);
        }
    }

    private void send(BookSync book, SessionOutput out) {
        String tag = TAG + book.wireSymbol + "#" + ++fetches;
        book.expectedTag = tag;
        inFlight.put(tag, book);
        counters.snapshotsRequested++;
        out.fetch(tag, FetchRequest.get(url(book.wireSymbol), options.snapshotTimeout()));
    }

    String url(String wireSymbol) {
        return restBase + "/api/v3/depth?symbol=" + URLEncoder.encode(wireSymbol, StandardCharsets.UTF_8)
                + "&limit=" + options.snapshotDepth();
    }

    void onFetched(String tag, FetchResponse response, long receivedAt, SessionOutput out) {
        BookSync book = inFlight.remove(tag);
        sendQueued(out);
        if (book == null || book.removed || !tag.equals(book.expectedTag)) {
            return;
        }
        book.expectedTag = null;
        if (!response.ok()) {
            int status = response.status();
            // 429: over the request-weight budget, 418: banned for it; asking again soon makes it worse. Other 4xx
            // (an unknown symbol) will not pass either. Those wait for the market's own resync backoff.
            boolean retryable = status == 0 || status >= 500;
            book.onSnapshotFailed("GET " + url(book.wireSymbol) + " answered "
                    + (status == 0 ? response.error() : "HTTP " + status + " " + abbreviate(response.body())),
                    retryable, out);
            return;
        }
        DepthSnapshot snapshot;
        try {
            snapshot = DepthSnapshot.parse(response.body());
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            out.badFrame("Binance depth snapshot of " + book.wireSymbol + " not understood: " + e.getMessage(),
                    response.body());
            book.onSnapshotFailed("unreadable depth snapshot", true, out);
            return;
        }
        book.onSnapshot(snapshot, receivedAt, out);
    }

    private void sendQueued(SessionOutput out) {
        while (inFlight.size() < options.snapshotsInFlight() && !queued.isEmpty()) {
            BookSync next = queued.pollFirst();
            if (!next.removed && next.state() == BookSync.State.FETCHING && next.expectedTag == null) {
                send(next, out);
            }
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
