package io.marketmesh.node.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.Pacing;
import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A venue session that can only follow {@link SpliceVenue} through the session seams: it buffers the diff stream,
 * asks the connection for the REST snapshot ({@link SessionOutput#fetch}), fetches again later
 * ({@link SessionOutput#schedule}) when the snapshot is older than what it buffered, then splices: the diffs the
 * snapshot already holds are dropped, the first kept one must bridge it, each next one must follow the last. One
 * market ({@code binance:ABC}); it subscribes with several frames so the venue's pace matters.
 */
final class SpliceSession implements VenueSession {

    static final String SYMBOL = "ABC";
    static final MarketKey MARKET = MarketKey.of(Venue.BINANCE, SYMBOL);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The adapter: the seam's settings (REST URL, pace) come from here. */
    static final class Adapter implements VenueAdapter {
        private final String restUrl;
        private final Pacing pacing;

        Adapter(String restUrl, Pacing pacing) {
            this.restUrl = restUrl;
            this.pacing = pacing;
        }

        @Override
        public Venue venue() {
            return Venue.BINANCE;
        }

        @Override
        public ConnectRequest connectRequest(VenueSettings settings) {
            return ConnectRequest.of(settings.wsUrl());
        }

        @Override
        public VenueSession newSession(VenueSettings settings) {
            return new SpliceSession(restUrl);
        }

        @Override
        public List<String> discoverMarkets(VenueSettings settings) {
            return List.of(SYMBOL);
        }

        @Override
        public Pacing pacing() {
            return pacing;
        }
    }

    private final String restUrl;
    private final List<JsonNode> buffered = new ArrayList<>();
    private boolean synced;
    private long lastUpdateId;
    int snapshotsFetched;
    int refetchesScheduled;

    SpliceSession(String restUrl) {
        this.restUrl = restUrl;
    }

    @Override
    public void subscribe(List<String> symbols, SessionOutput out) {
        for (int i = 1; i <= 4; i++) {
            out.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"abc@depth\"],\"id\":" + i + "}");
        }
        fetch(out);
    }

    @Override
    public void unsubscribe(List<String> symbols, SessionOutput out) {
    }

    @Override
    public void resync(String symbol, SessionOutput out) {
        synced = false;
        buffered.clear();
        fetch(out);
    }

    @Override
    public Duration heartbeatInterval() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void heartbeat(SessionOutput out) {
    }

    @Override
    public void onText(String frame, long receivedAt, SessionOutput out) {
        JsonNode diff;
        try {
            diff = JSON.readTree(frame);
        } catch (Exception e) {
            out.badFrame("not JSON", frame);
            return;
        }
        if (!synced) {
            buffered.add(diff);
            return;
        }
        apply(diff, receivedAt, out);
    }

    @Override
    public void onFetched(String tag, FetchResponse response, SessionOutput out) {
        if (!response.ok()) {
            out.venueError("snapshot fetch failed: " + response.status() + " " + response.error());
            out.schedule("refetch", Duration.ofMillis(100));
            return;
        }
        JsonNode snapshot;
        try {
            snapshot = JSON.readTree(response.body());
        } catch (Exception e) {
            out.badFrame("snapshot not JSON", response.body());
            return;
        }
        long snapshotId = snapshot.get("lastUpdateId").asLong();
        // The snapshot must reach at least to the first diff we hold; an older one cannot be spliced.
        if (buffered.isEmpty() || snapshotId + 1 < buffered.get(0).get("U").asLong()) {
            refetchesScheduled++;
            out.schedule("refetch", Duration.ofMillis(50));
            return;
        }
        List<PriceLevel> bids = new ArrayList<>();
        List<PriceLevel> asks = new ArrayList<>();
        snapshot.get("bids").forEach(l -> bids.add(new PriceLevel(Decimals.parse(l.get(0).asText()), Decimals.parse(l.get(1).asText()))));
        snapshot.get("asks").forEach(l -> asks.add(new PriceLevel(Decimals.parse(l.get(0).asText()), Decimals.parse(l.get(1).asText()))));
        out.event(new BookSnapshot(MARKET, bids, asks, snapshotId, 0, System.currentTimeMillis()));
        lastUpdateId = snapshotId;
        synced = true;
        for (JsonNode diff : buffered) {
            if (diff.get("u").asLong() > lastUpdateId) {
                apply(diff, System.currentTimeMillis(), out);
            }
        }
        buffered.clear();
    }

    @Override
    public void onTimer(String tag, SessionOutput out) {
        fetch(out);
    }

    private void fetch(SessionOutput out) {
        snapshotsFetched++;
        out.fetch("snapshot", FetchRequest.get(restUrl + "/depth?symbol=" + SYMBOL, Duration.ofSeconds(5)));
    }

    private void apply(JsonNode diff, long receivedAt, SessionOutput out) {
        long first = diff.get("U").asLong();
        long last = diff.get("u").asLong();
        if (first > lastUpdateId + 1) {
            out.stale(SYMBOL, "diff " + first + " does not follow " + lastUpdateId);
            resync(SYMBOL, out);
            return;
        }
        List<LevelUpdate> updates = new ArrayList<>();
        diff.get("b").forEach(l -> updates.add(new LevelUpdate(Side.BID, Decimals.parse(l.get(0).asText()), Decimals.parse(l.get(1).asText()))));
        diff.get("a").forEach(l -> updates.add(new LevelUpdate(Side.ASK, Decimals.parse(l.get(0).asText()), Decimals.parse(l.get(1).asText()))));
        out.event(new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE, updates, last, 0, receivedAt));
        lastUpdateId = last;
    }
}
