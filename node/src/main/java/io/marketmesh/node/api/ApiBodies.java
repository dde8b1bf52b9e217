package io.marketmesh.node.api;

import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.IntegrityCounts;
import io.marketmesh.node.connection.SocketStatus;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Exact;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSON bodies the API answers with (docs/http-api.md), written by {@code ProtocolJson.mapper()}. Jackson writes a
 * record's components in declaration order, so the order here is the field order clients see: keep it.
 */
final class ApiBodies {

    private ApiBodies() {
    }

    /** {@code /health/alive}. */
    record HealthStatus(String status) {
    }

    /** {@code /health/ready} once ready: Kafka's state beside it, which readiness does not wait for. */
    record ReadyStatus(String status, io.marketmesh.node.cluster.KafkaState kafka) {
    }

    /** Every error: a stable code for programs and a message for people. */
    record ErrorBody(String error, String message) {
    }

    /** {@code GET /markets}: how many markets match in all, and one page of them. */
    record MarketsPage(int total, int offset, int limit, List<MarketRow> markets) {
    }

    /**
     * One followed market with the catalogue's metadata (null where unknown; times in epoch ms) and the ids of the
     * instruments it is a leg of.
     */
    record MarketRow(String market, String venue, String symbol, String title, String outcome, String event,
                     String base, String quote, String kind, @Exact BigDecimal tickSize, @Exact BigDecimal lotSize,
                     String status, Boolean active, Long openTime, Long closeTime, String url, Long closedSince,
                     List<String> instruments) {

        static MarketRow of(MarketKey key, MarketMetadata m, List<String> instruments) {
            if (m == null) {
                return new MarketRow(key.id(), key.venue().id(), key.symbol(), null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, instruments);
            }
            return new MarketRow(key.id(), key.venue().id(), key.symbol(), m.title(), m.outcome(), m.event(), m.base(),
                    m.quote(), m.kind(), m.tickSize(), m.lotSize(), m.status(), m.active(), millis(m.openTime()),
                    millis(m.closeTime()), m.url(), millis(m.closedSince()), instruments);
        }

        private static Long millis(long epochMillis) {
            return epochMillis == 0 ? null : epochMillis;
        }
    }

    /** {@code GET /venues}: every known venue, enabled on this node or not. */
    record VenuesView(List<VenueView> venues) {
    }

    sealed interface VenueView permits VenueStatusView, DisabledVenue {
    }

    /** A venue this node's configuration does not enable: nothing more to say about it. */
    record DisabledVenue(String venue, boolean enabled) implements VenueView {

        static DisabledVenue of(Venue venue) {
            return new DisabledVenue(venue.id(), false);
        }
    }

    /** One venue over the whole cluster: its health, its workers (where they run) and every socket they hold. */
    record VenueStatusView(String venue, boolean enabled, VenueHealth health, String wsUrl, int followed, String discovery,
                           int workersConfigured, int workersRunning, IntegrityCounts integrity, List<WorkerRow> workers,
                           List<SocketStatus> connections) implements VenueView {

        /** {@code statuses}: the workers that answered, by worker index; worker 0 did the discovery. */
        static VenueStatusView of(VenueSettings config, int followed, int workersConfigured,
                                  List<ConnectionManager.WorkerStatus> statuses) {
            String discovery = statuses.stream().filter(w -> w.worker() == 0).map(ConnectionManager.WorkerStatus::discovery)
                    .findFirst().orElse(null);
            List<WorkerRow> workers = new ArrayList<>();
            List<SocketStatus> sockets = new ArrayList<>();
            for (ConnectionManager.WorkerStatus status : statuses) {
                workers.add(new WorkerRow(status.worker(), status.node(), status.markets(), status.connections().size()));
                sockets.addAll(status.connections());
            }
            IntegrityCounts integrity = sockets.stream().map(SocketStatus::integrity)
                    .reduce(IntegrityCounts.NONE, IntegrityCounts::plus);
            return new VenueStatusView(config.venue().id(), true, VenueHealth.of(followed, workersConfigured, discovery, statuses),
                    config.wsUrl(), followed, discovery, workersConfigured,
                    statuses.size(), integrity, workers, sockets);
        }
    }

    record WorkerRow(int worker, String node, int markets, int sockets) {
    }

    /** {@code GET /subscriptions}: the followed markets of each venue enabled on this node. */
    record SubscriptionsView(List<SubscriptionRow> subscriptions) {
    }

    record SubscriptionRow(String venue, int count, Set<String> symbols) {
    }

    /** {@code POST /subscriptions}: which of the markets asked for are new and which were followed already. */
    record FollowAnswer(String venue, List<String> added, List<String> alreadyFollowed) {
    }

    /** {@code DELETE /subscriptions/{venue}/{symbol}}: the market's id. */
    record UnfollowAnswer(String removed) {
    }
}
