package io.marketmesh.node.catalog;

import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.Venue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market catalogue, one actor per node: every followed market's venue metadata, replicated over the cluster in
 * Pekko Distributed Data ({@link CatalogKeys}: per venue, in buckets), mirrored here and published as a
 * {@link CatalogView} after every change for readers that must not ask (the HTTP API, the instrument directory).
 *
 * <p>Each bucket is an {@link LWWMap} of symbol to {@link MarketMetadata}, not an {@code ORMap}: an entry is one
 * immutable answer of the venue, always replaced whole (nothing in it merges field by field, as an ORMap's
 * {@code ReplicatedData} values would), and the newest answer is the right one. Writers are few and rarely concurrent
 * (each venue's connection worker 0 feeds its venue), so last-writer-wins loses nothing that matters, and a removed
 * entry stays removed unless a later write puts it back. Writes are local ({@code WriteLocal}) and spread by gossip:
 * metadata is not worth a majority round trip, and a node that lost a write has it back at the next refresh.
 *
 * <p>Writers send {@link Put} (the venue's answers), {@link MarkClosed} (markets the venue no longer lists) and
 * {@link Forget} (markets no longer followed). Only entries that changed (anything but {@code updatedAt}) are
 * written, and each of them is published to the compacted {@code marketmesh.markets} topic by this node's publisher
 * (a tombstone for a forgotten market): the node that writes a change publishes it, so each change is published once.
 */
public final class MarketCatalog extends AbstractBehavior<MarketCatalog.Command> {

    public sealed interface Command permits Put, MarkClosed, Forget, Changed, Flush, Written {
    }

    /**
     * What the venue says about markets (discovery, describe), as of {@code fetchedAt} (epoch ms; 0 for an entry that
     * only says the market exists, which stays "never described"). A market not active gets {@code closedSince}.
     */
    public record Put(Venue venue, List<MarketInfo> markets, long fetchedAt) implements Command, CborSerializable {
    }

    /** The venue no longer lists these markets (or says they closed) as of {@code at}: shown with {@code status}. */
    public record MarkClosed(Venue venue, List<String> symbols, String status, long at)
            implements Command, CborSerializable {
    }

    /** These markets are no longer followed: their entries go, and the markets topic gets a tombstone for each. */
    public record Forget(Venue venue, List<String> symbols) implements Command, CborSerializable {
    }

    private record Changed(Venue venue, int bucket, Map<String, MarketMetadata> entries) implements Command {
    }

    /** Buckets changed: the view is rebuilt once for however many. */
    private enum Flush implements Command {
        INSTANCE
    }

    private record Written(Venue venue, String error) implements Command {
    }

    public static Behavior<Command> create(CatalogView view, MarketPublisher publisher) {
        Behavior<Command> catalog = Behaviors.setup(context -> DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, MarketMetadata>> maps) ->
                        new MarketCatalog(context, maps, view, publisher)));
        return Behaviors.supervise(catalog).onFailure(SupervisorStrategy.restart());
    }

    private static final Logger LOG = LoggerFactory.getLogger(MarketCatalog.class);

    private final ReplicatorMessageAdapter<Command, LWWMap<String, MarketMetadata>> maps;
    private final SelfUniqueAddress self;
    private final CatalogView view;
    private final MarketPublisher publisher;
    /** Each venue's buckets as this replica last saw them (or this node last wrote them). */
    private final Map<Venue, List<Map<String, MarketMetadata>>> buckets = new EnumMap<>(Venue.class);
    private boolean flushing;
    /** The envelope's sequence of this node's markets records: rises by one per record. */
    private long published;

    private MarketCatalog(ActorContext<Command> context, ReplicatorMessageAdapter<Command, LWWMap<String, MarketMetadata>> maps,
                          CatalogView view, MarketPublisher publisher) {
        super(context);
        this.maps = maps;
        this.view = view;
        this.publisher = publisher;
        this.self = DistributedData.get(context.getSystem()).selfUniqueAddress();
        for (Venue venue : Venue.values()) {
            buckets.put(venue, new ArrayList<>(Collections.nCopies(CatalogKeys.BUCKETS, Map.<String, MarketMetadata>of())));
            for (int bucket = 0; bucket < CatalogKeys.BUCKETS; bucket++) {
                // The current value comes first (when there is one), then every change, local or gossiped.
                maps.subscribe(CatalogKeys.key(venue, bucket), MarketCatalog::changed);
            }
        }
    }

    private static Command changed(Replicator.SubscribeResponse<LWWMap<String, MarketMetadata>> response) {
        CatalogKeys.Bucket bucket = CatalogKeys.bucketOf(response.key());
        return new Changed(bucket.venue(), bucket.index(),
                response instanceof Replicator.Changed<LWWMap<String, MarketMetadata>> c
                        ? Map.copyOf(c.get(response.key()).getEntries()) : Map.of());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Put.class, this::onPut)
                .onMessage(MarkClosed.class, this::onMarkClosed)
                .onMessage(Forget.class, this::onForget)
                .onMessage(Changed.class, m -> {
                    buckets.get(m.venue()).set(m.bucket(), m.entries());
                    return scheduleFlush();
                })
                .onMessageEquals(Flush.INSTANCE, this::onFlush)
                .onMessage(Written.class, m -> {
                    if (m.error() != null) {
                        LOG.warn("catalogue of {}: write failed: {}", m.venue().id(), m.error());
                    }
                    return this;
                })
                .build();
    }

    private MarketMetadata current(Venue venue, String symbol) {
        return buckets.get(venue).get(CatalogKeys.bucketOf(symbol)).get(symbol);
    }

    private Behavior<Command> onPut(Put put) {
        Map<String, MarketMetadata> changes = new LinkedHashMap<>();
        for (MarketInfo info : put.markets()) {
            MarketMetadata before = current(put.venue(), info.symbol());
            if (before != null && put.fetchedAt() == 0) {
                continue; // "it exists" adds nothing to what is known
            }
            MarketMetadata after = metadata(MarketKey.of(put.venue(), info.symbol()), info, before, put.fetchedAt());
            if (!sameContent(before, after)) {
                changes.put(info.symbol(), after);
            }
        }
        return write(put.venue(), changes);
    }

    private Behavior<Command> onMarkClosed(MarkClosed closed) {
        Map<String, MarketMetadata> changes = new LinkedHashMap<>();
        for (String symbol : closed.symbols()) {
            MarketKey key = MarketKey.of(closed.venue(), symbol);
            MarketMetadata before = current(closed.venue(), symbol);
            MarketMetadata base = before != null ? before : MarketMetadata.unknown(key);
            MarketMetadata after = new MarketMetadata(key, base.title(), base.outcome(), base.event(), base.base(),
                    base.quote(), base.kind(), base.tickSize(), base.lotSize(), closed.status(), false, base.openTime(),
                    base.closeTime(), base.url(), base.closedSince() > 0 ? base.closedSince() : closed.at(), closed.at());
            if (!sameContent(before, after)) {
                changes.put(symbol, after);
            }
        }
        return write(closed.venue(), changes);
    }

    private Behavior<Command> onForget(Forget forget) {
        Map<String, MarketMetadata> changes = new LinkedHashMap<>();
        for (String symbol : forget.symbols()) {
            if (current(forget.venue(), symbol) != null) {
                changes.put(symbol, null);
            }
        }
        return write(forget.venue(), changes);
    }

    /** Writes changed entries (null: removed) bucket by bucket, mirrors them here and publishes each to Kafka. */
    private Behavior<Command> write(Venue venue, Map<String, MarketMetadata> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        Map<Integer, Map<String, MarketMetadata>> byBucket = new HashMap<>();
        changes.forEach((symbol, entry) -> byBucket.computeIfAbsent(CatalogKeys.bucketOf(symbol),
                b -> new LinkedHashMap<>()).put(symbol, entry));
        byBucket.forEach((bucket, entries) -> {
            Map<String, MarketMetadata> mirror = new HashMap<>(buckets.get(venue).get(bucket));
            entries.forEach((symbol, entry) -> {
                if (entry == null) {
                    mirror.remove(symbol);
                } else {
                    mirror.put(symbol, entry);
                }
            });
            buckets.get(venue).set(bucket, Map.copyOf(mirror));
            Key<LWWMap<String, MarketMetadata>> key = CatalogKeys.key(venue, bucket);
            maps.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(), Replicator.writeLocal(), replyTo,
                            map -> {
                                LWWMap<String, MarketMetadata> result = map;
                                for (Map.Entry<String, MarketMetadata> e : entries.entrySet()) {
                                    result = e.getValue() == null ? result.remove(self, e.getKey())
                                            : result.put(self, e.getKey(), e.getValue());
                                }
                                return result;
                            }),
                    response -> new Written(venue, response instanceof Replicator.UpdateSuccess ? null
                            : response.toString()));
        });
        long now = System.currentTimeMillis();
        changes.forEach((symbol, entry) -> {
            MarketPublisher.Outlet outlet = publisher.open(venue, MarketKey.of(venue, symbol).id(), () -> { });
            // A closed outlet's last record is sent again by the publisher if a producer restart loses it.
            outlet.publish(Channel.MARKETS, ++published,
                    entry == null || entry.updatedAt() == 0 ? now : entry.updatedAt(), entry);
            outlet.close();
        });
        LOG.debug("catalogue of {}: {} entries changed", venue.id(), changes.size());
        return scheduleFlush();
    }

    private Behavior<Command> scheduleFlush() {
        if (!flushing) {
            flushing = true;
            getContext().getSelf().tell(Flush.INSTANCE);
        }
        return this;
    }

    private Behavior<Command> onFlush() {
        flushing = false;
        Map<MarketKey, MarketMetadata> all = new HashMap<>();
        buckets.forEach((venue, list) -> list.forEach(bucket -> bucket.values().forEach(e -> all.put(e.market(), e))));
        view.publish(all);
        return this;
    }

    /** The catalogue's entry for what the venue said; {@code closedSince} kept from before while it stays closed. */
    static MarketMetadata metadata(MarketKey key, MarketInfo info, MarketMetadata before, long fetchedAt) {
        long closedSince = info.active() ? 0
                : before != null && before.closedSince() > 0 ? before.closedSince() : Math.max(fetchedAt, 1);
        return new MarketMetadata(key, blankToNull(info.title()), blankToNull(info.outcome()), blankToNull(info.event()),
                blankToNull(info.base()), blankToNull(info.quote()), blankToNull(info.kind()), stripped(info.tickSize()),
                stripped(info.lotSize()), blankToNull(info.status()), info.active(), millis(info.openTime()),
                millis(info.closeTime()), blankToNull(info.url()), closedSince, fetchedAt);
    }

    /** Equal in everything but when the venue said it. */
    static boolean sameContent(MarketMetadata a, MarketMetadata b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(new MarketMetadata(b.market(), b.title(), b.outcome(), b.event(), b.base(), b.quote(), b.kind(),
                b.tickSize(), b.lotSize(), b.status(), b.active(), b.openTime(), b.closeTime(), b.url(), b.closedSince(),
                a.updatedAt()));
    }

    /** As the replicated copy reads back (exact decimals travel without trailing zeros): equal entries compare equal. */
    private static java.math.BigDecimal stripped(java.math.BigDecimal value) {
        if (value == null) {
            return null;
        }
        java.math.BigDecimal plain = value.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0) : plain;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }
}
