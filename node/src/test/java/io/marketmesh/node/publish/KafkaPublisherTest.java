package io.marketmesh.node.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.node.metrics.NodeMetrics;
import io.marketmesh.node.testkit.KafkaRecords;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's producer stream against a real broker: a record that cannot be encoded is skipped, never fatal. */
class KafkaPublisherTest {

    /** A payload Jackson cannot write: its one property throws. */
    public static final class Unencodable {
        public String getBroken() {
            throw new IllegalStateException("cannot be written");
        }
    }

    @Test
    void aRecordThatCannotBeEncodedIsCountedItsMarketToldAndPublishingGoesOn(@TempDir Path dataDir) throws Exception {
        KafkaSettings settings = KafkaSettings.fromConfig(NodeConfig.load(ConfigFactory.empty()).getConfig("marketmesh.kafka"));
        ActorTestKit testKit = ActorTestKit.create();
        try (EmbeddedKafka broker = EmbeddedKafka.start(TestNode.freePort(), dataDir, 0)) {
            KafkaTopics.ensure(broker.bootstrapServers(), settings);
            KafkaPublisher publisher = KafkaPublisher.start(testKit.system(), settings,
                    CompletableFuture.completedFuture(broker.bootstrapServers()), "test-node");
            NodeMetrics metrics = NodeMetrics.get(testKit.system());
            MarketKey market = MarketKey.of(Venue.KALSHI, "KXENC-1");
            AtomicInteger losses = new AtomicInteger();
            MarketPublisher.Outlet outlet = publisher.open(Venue.KALSHI, market.id(), losses::incrementAndGet);

            assertTrue(outlet.publish(Channel.BOOK, 1, 1, new Unencodable()), "queued: encoding comes later");
            assertTrue(outlet.publish(Channel.TRADES, 1, 1, new Unencodable()));
            assertTrue(outlet.publish(Channel.BOOK, 2, 2, new BookReset(market, "after the bad ones", 0, 2)));
            TestNode.await(() -> metrics.kafkaAcknowledged() >= 1, Duration.ofSeconds(30), "the good record is acknowledged");

            assertEquals(2, metrics.kafkaEncodeFailed());
            assertEquals(1, losses.get(), "the market is told of its lost book record (not of the trade)");
            List<MarketRecord<MarketEvent>> book = KafkaRecords.readAll(broker.bootstrapServers(),
                    settings.topic(Channel.BOOK).name(), KafkaRecords.EVENT);
            assertEquals(1, book.size());
            assertEquals(2, book.get(0).sequence());
            assertEquals("test-node", book.get(0).source());
            assertEquals(market.id(), book.get(0).market());
        } finally {
            testKit.shutdownTestKit();
        }
    }

    /**
     * A producer that fails cancels its upstream at once and fails downstream a little later (under load, later than
     * the restart operator waited for it). The publish queue in front must live through that: every later offer is
     * taken, and records flow again through the restarted stage.
     */
    @Test
    void aProducerStageThatCancelsBeforeItFailsIsRestartedAndTheQueueLivesOn() {
        ActorTestKit testKit = ActorTestKit.create();
        try {
            AtomicInteger starts = new AtomicInteger();
            Flow<Integer, Integer, NotUsed> stage = KafkaPublisher.restarting(() -> starts.incrementAndGet() == 1
                    ? Flow.fromSinkAndSource(Sink.cancelled(),
                            Source.<Integer>never().completionTimeout(Duration.ofMillis(500)))
                    : Flow.<Integer>create().map(i -> -i));
            Queue<Integer> received = new ConcurrentLinkedQueue<>();
            BoundedSourceQueue<Integer> queue = Source.<Integer>queue(16).via(stage)
                    .to(Sink.foreach(received::add)).run(testKit.system());
            AtomicInteger offered = new AtomicInteger();
            TestNode.await(() -> {
                QueueOfferResult result = queue.offer(offered.incrementAndGet());
                assertTrue(result == QueueOfferResult.enqueued() || result == QueueOfferResult.dropped(),
                        "the publish queue failed with its producer: " + result);
                return !received.isEmpty();
            }, Duration.ofSeconds(30), "a record through the restarted stage");
            assertTrue(starts.get() >= 2, "the stage was started again");
            assertTrue(received.stream().allMatch(i -> i < 0), "only the restarted stage emitted: " + received);
        } finally {
            testKit.shutdownTestKit();
        }
    }
}
