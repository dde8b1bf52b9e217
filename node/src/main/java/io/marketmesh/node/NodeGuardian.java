package io.marketmesh.node;

import io.marketmesh.node.cluster.ClusterSettings;
import io.marketmesh.node.cluster.NodeReadiness;
import com.typesafe.config.Config;
import io.marketmesh.node.api.ApiRoutes;
import io.marketmesh.node.catalog.CatalogFeeder;
import io.marketmesh.node.catalog.CatalogSettings;
import io.marketmesh.node.catalog.MarketCatalog;
import io.marketmesh.node.api.HttpServer;
import io.marketmesh.node.api.WebDashboard;
import io.marketmesh.node.api.HttpSettings;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.connection.ConnectionActor;
import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.ConnectionSettings;
import io.marketmesh.node.connection.ConnectionWorkers;
import io.marketmesh.node.connection.MarketPlacement;
import io.marketmesh.node.connection.WorkerLossWatch;
import io.marketmesh.node.stream.StreamConnections;
import io.marketmesh.node.stream.StreamSettings;
import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.instrument.InstrumentActor;
import io.marketmesh.node.instrument.InstrumentDirectory;
import io.marketmesh.node.instrument.InstrumentOutput;
import io.marketmesh.node.instrument.InstrumentSettings;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketSettings;
import io.marketmesh.node.market.ResyncTopics;
import io.marketmesh.node.publish.KafkaBookSource;
import io.marketmesh.node.market.BookSource;
import io.marketmesh.node.publish.KafkaPublisher;
import io.marketmesh.node.publish.KafkaSettings;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.publish.NodeKafka;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The node's root: joins the cluster (itself, when neither seed nodes nor Cluster Bootstrap are configured),
 * starts pekko-management when enabled, sharding of MarketActors, this node's view of the replicated
 * subscriptions and of the market catalogue, the connection workers of every enabled venue (spread over the cluster), Kafka (an embedded
 * broker when no cluster is configured, see {@link NodeKafka}) and the HTTP API. It holds no state of its own.
 */
public final class NodeGuardian {

    private NodeGuardian() {
    }

    public static Behavior<Void> create() {
        return Behaviors.setup(context -> {
            var system = context.getSystem();
            Config config = system.settings().config();
            Cluster cluster = Cluster.get(system);
            ClusterSettings clusterSettings = ClusterSettings.fromConfig(config);
            clusterSettings.startManagement(system);
            if (clusterSettings.joinSelf(config)) {
                context.getLog().info("no seed nodes configured: forming a one-node cluster (others may join it)");
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }

            // Kafka first: the embedded broker takes a few seconds, started on a thread of its own meanwhile.
            KafkaSettings kafkaSettings = KafkaSettings.fromConfig(config.getConfig("marketmesh.kafka"));
            Optional<NodeKafka> kafka = kafkaSettings.enabled()
                    ? Optional.of(NodeKafka.start(system, kafkaSettings)) : Optional.empty();
            if (kafka.isEmpty()) {
                context.getLog().info("Kafka disabled by configuration (marketmesh.kafka.enabled = false)");
            }

            // Records queue (bounded) while the broker starts; MarketActors never wait for Kafka.
            MarketPublisher publisher = kafka.<MarketPublisher>map(k -> KafkaPublisher.start(system, kafkaSettings,
                    k.bootstrapServers(), ConnectionWorkers.nodeAddress(system))).orElse(MarketPublisher.NONE);

            ResyncTopics resyncTopics = ResyncTopics.spawn(context);
            // Each MarketActor starting on this node (now, or later when a rebalance moves markets here) first serves
            // the last book published to Kafka, flagged, until its venue's snapshot.
            BookSource bookSource = kafka.isPresent() && !kafkaSettings.bootstrapLookBack().isZero()
                    ? KafkaBookSource.spawn(context, kafka.get().bootstrapServers(), kafkaSettings) : BookSource.NONE;
            ConnectionSettings connectionSettings = ConnectionSettings.fromConfig(config.getConfig("marketmesh.connection"));
            int workers = connectionSettings.workersPerVenue();
            // A market's actor runs where its connection worker runs: one shard per worker (MarketPlacement).
            MarketActor.initSharding(system, new MarketActor.Dependencies(resyncTopics,
                    MarketSettings.fromConfig(config.getConfig("marketmesh.market")), publisher,
                    kafkaSettings.snapshotInterval(), bookSource),
                    MarketPlacement.messageExtractor(workers), MarketPlacement.allocationStrategy(system));

            Map<Venue, VenueSettings> venues = new EnumMap<>(Venue.class);
            for (Venue venue : Venue.values()) {
                if (VenueAdapters.forVenue(venue).isEmpty() || !config.hasPath("marketmesh.venues." + venue.id())) {
                    continue;
                }
                VenueSettings settings = NodeConfig.venue(config, venue);
                if (settings.enabled()) {
                    venues.put(venue, settings);
                } else {
                    context.getLog().info("{} disabled by configuration", venue.id());
                }
            }
            Map<Venue, List<String>> configuredMarkets = new EnumMap<>(Venue.class);
            venues.forEach((venue, settings) -> configuredMarkets.put(venue, settings.markets()));
            AtomicBoolean subscriptionsRead = new AtomicBoolean();
            FollowedMarkets followedMarkets = new FollowedMarkets();
            ActorRef<Subscriptions.Command> subscriptions = context.spawn(Subscriptions.create(
                    clusterSettings.subscriptionsTimeout(), subscriptionsRead, configuredMarkets, followedMarkets),
                    "subscriptions");

            // Instruments: markets that trade the same thing, one sharded actor each (docs/instruments.md).
            CatalogView catalog = new CatalogView();
            InstrumentSettings instrumentSettings = InstrumentSettings.from(config);
            ActorRef<Topic.Command<InstrumentOutput>> instrumentOutputs = context.spawn(
                    Topic.create(InstrumentOutput.class, InstrumentOutput.TOPIC), "instrument-outputs");
            InstrumentActor.initSharding(system, new InstrumentActor.Dependencies(instrumentSettings, publisher,
                    followedMarkets, catalog, instrumentOutputs));
            InstrumentsView instruments = new InstrumentsView();
            ActorRef<InstrumentDirectory.Command> instrumentDirectory = context.spawn(InstrumentDirectory.create(
                    instrumentSettings, catalog, followedMarkets, instruments), "instruments");
            // The catalogue's replica on this node; each venue's worker 0 feeds it (wherever that worker runs).
            ActorRef<MarketCatalog.Command> marketCatalog = context.spawn(MarketCatalog.create(catalog, publisher),
                    "market-catalog");
            CatalogSettings catalogSettings = CatalogSettings.fromConfig(config.getConfig("marketmesh.catalog"));

            int venueIndex = 0;
            for (Map.Entry<Venue, VenueSettings> entry : venues.entrySet()) {
                Venue venue = entry.getKey();
                VenueSettings settings = entry.getValue();
                VenueAdapter adapter = VenueAdapters.forVenue(venue).orElseThrow();
                // Every node registers the same N workers; the daemon process runs each on one node of the cluster.
                ConnectionManager.Dependencies dependencies = new ConnectionManager.Dependencies(
                        new ConnectionActor.Dependencies(adapter, settings, connectionSettings, publisher),
                        resyncTopics, subscriptions, workers, new CatalogFeeder.Dependencies(adapter, settings,
                        catalogSettings, marketCatalog, catalog, subscriptions));
                ConnectionWorkers.start(system, venue, venueIndex++, workers,
                        worker -> ConnectionManager.create(dependencies, worker));
            }

            context.spawn(WorkerLossWatch.create(venues.keySet(), workers, subscriptions, WorkerLossWatch.Settings.fromConfig(
                    config.getConfig("marketmesh.connection.worker-loss-watch"))), "worker-loss-watch");

            HttpSettings httpSettings = HttpSettings.fromConfig(config.getConfig("marketmesh.http"));
            BooleanSupplier serving = () -> cluster.selfMember().status() == MemberStatus.up() && subscriptionsRead.get();
            NodeReadiness.get(system).install(() -> !serving.getAsBoolean()
                    ? Optional.of("the node has not joined its cluster or read the followed markets yet")
                    : kafka.flatMap(NodeKafka::notReadyReason));
            StreamConnections streams = StreamConnections.start(context,
                    StreamSettings.fromConfig(config.getConfig("marketmesh.stream")), followedMarkets, subscriptions,
                    instruments, instrumentOutputs);
            ApiRoutes routes = new ApiRoutes(system, subscriptions, followedMarkets, venues, workers, httpSettings, serving,
                    () -> kafka.flatMap(NodeKafka::notReadyReason), streams, instruments, instrumentDirectory,
                    instrumentSettings.depth(), catalog,
                    io.marketmesh.node.api.SecuritySettings.fromConfig(config.getConfig("marketmesh.http")));
            // The dashboard's files first: it rejects every other path untouched, and the API answers those.
            HttpServer.start(system, new WebDashboard().routes().orElse(routes.routes()), httpSettings);
            return Behaviors.empty();
        });
    }
}
