package io.marketmesh.node.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class InstrumentActorTest {

    private static final ActorTestKit testKit = ActorTestKit.create("instrument-actor", ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            """).withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    /**
     * Every node's HTTP API sends its own view of the instrument with each query. A node whose catalogue or followed
     * markets lag behind (gossip) must not change the instrument's members by asking: that would close every open
     * opportunity and reset every member's book, for every client, on a read.
     */
    @Test
    void aQueryCarryingAnotherNodesDefinitionDoesNotChangeTheMembers() {
        TestProbe<Topic.Command<InstrumentOutput>> outputs = testKit.createTestProbe();
        InstrumentActor.Dependencies dependencies = new InstrumentActor.Dependencies(
                InstrumentSettings.from(ConfigFactory.load()), MarketPublisher.NONE, new FollowedMarkets(),
                new io.marketmesh.node.catalog.CatalogView(), outputs.ref());
        ActorRef<InstrumentActor.Command> actor = testKit.spawn(InstrumentActor.create("BTC-USDT", dependencies));
        InstrumentDefinition current = definition("binance:BTCUSDT", "okx:BTC-USDT", "kraken:BTC/USDT");
        InstrumentDefinition lagging = definition("binance:BTCUSDT", "okx:BTC-USDT");
        actor.tell(new InstrumentActor.Define(current));

        TestProbe<InstrumentSummary> reply = testKit.createTestProbe();
        actor.tell(new InstrumentActor.GetSummary(lagging, reply.ref()));
        assertEquals(List.of("binance:BTCUSDT", "okx:BTC-USDT", "kraken:BTC/USDT"),
                reply.receiveMessage().venues().stream().map(InstrumentSummary.Member::market).toList());

        // A fresh actor (moved, restarted) still starts from the definition a query brings.
        ActorRef<InstrumentActor.Command> fresh = testKit.spawn(InstrumentActor.create("BTC-USDT", dependencies));
        fresh.tell(new InstrumentActor.GetSummary(lagging, reply.ref()));
        assertEquals(2, reply.receiveMessage().venues().size());
    }

    private static InstrumentDefinition definition(String... markets) {
        return new InstrumentDefinition("BTC-USDT", Arrays.stream(markets)
                .map(m -> new InstrumentDefinition.Leg(MarketKey.parse(m), true)).toList(), InstrumentDefinition.AUTO);
    }
}
