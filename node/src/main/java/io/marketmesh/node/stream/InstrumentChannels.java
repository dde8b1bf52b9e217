package io.marketmesh.node.stream;

import io.marketmesh.node.instrument.InstrumentActor;
import io.marketmesh.node.instrument.InstrumentDefinition;
import io.marketmesh.node.instrument.InstrumentOutput;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.ProtocolJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The hub's {@code summary:<instrument>} and {@code arbitrage} subscriptions. Instrument actors publish every summary
 * and arbitrage step to one cluster-wide topic ({@link InstrumentOutput#TOPIC}); the hub subscribes to it while it has
 * at least one such subscription, writes each record once (the Kafka record's JSON) and copies it to every subscriber.
 * A new {@code summary:} subscription first gets the instrument's current summary, asked of its actor. Owned by the hub.
 */
final class InstrumentChannels {

    /** How the hub queues one instrument message for one subscription. */
    interface Delivery {
        /** @param skippable a summary (complete state): a client too far behind may miss one, never an arbitrage step */
        void deliver(Subscription subscription, String record, String event, boolean skippable);
    }

    private final InstrumentsView instruments;
    private final ClusterSharding sharding;
    private final ActorRef<Topic.Command<InstrumentOutput>> outputs;
    private final ActorRef<InstrumentOutput> self;
    private final ActorRef<InstrumentSummary> summaryReplies;
    private final String source;
    private final Delivery delivery;

    private final Map<String, List<Subscription>> summaries = new HashMap<>();
    private final List<Subscription> arbitrage = new ArrayList<>();
    /** Summary subscriptions that have had nothing yet: the first summary they get is the actor's answer or newer. */
    private final Set<Subscription> awaitingFirst = new HashSet<>();
    private boolean onTopic;

    InstrumentChannels(InstrumentsView instruments, ClusterSharding sharding,
                       ActorRef<Topic.Command<InstrumentOutput>> outputs, ActorRef<InstrumentOutput> self,
                       ActorRef<InstrumentSummary> summaryReplies, String source, Delivery delivery) {
        this.instruments = instruments;
        this.sharding = sharding;
        this.outputs = outputs;
        this.self = self;
        this.summaryReplies = summaryReplies;
        this.source = source;
        this.delivery = delivery;
    }

    /** Why the channel cannot be subscribed, null when it can. */
    String problem(StreamChannel channel) {
        if (channel.kind() == StreamChannel.Kind.SUMMARY && instruments.get(channel.instrument()) == null) {
            return "'" + channel.name() + "': no instrument '" + channel.instrument() + "' (GET /api/v1/instruments)";
        }
        return null;
    }

    void subscribe(Subscription subscription) {
        StreamChannel channel = subscription.channel;
        if (channel.kind() == StreamChannel.Kind.ARBITRAGE) {
            arbitrage.add(subscription);
        } else {
            summaries.computeIfAbsent(channel.instrument(), k -> new ArrayList<>()).add(subscription);
            awaitingFirst.add(subscription);
            InstrumentDefinition definition = instruments.get(channel.instrument());
            if (definition != null) {
                sharding.entityRefFor(InstrumentActor.TYPE_KEY, definition.id())
                        .tell(new InstrumentActor.GetSummary(definition, summaryReplies));
            }
        }
        if (!onTopic) {
            onTopic = true;
            outputs.tell(Topic.subscribe(self));
        }
    }

    void unsubscribe(Subscription subscription) {
        arbitrage.remove(subscription);
        awaitingFirst.remove(subscription);
        String instrument = subscription.channel.instrument();
        if (instrument != null) {
            List<Subscription> list = summaries.get(instrument);
            if (list != null) {
                list.remove(subscription);
                if (list.isEmpty()) {
                    summaries.remove(instrument);
                }
            }
        }
        if (onTopic && arbitrage.isEmpty() && summaries.isEmpty()) {
            onTopic = false;
            outputs.tell(Topic.unsubscribe(self));
        }
    }

    /** The hub is restarting empty: off the topic, so the next hub is not sent every instrument's outputs for nothing. */
    void leaveTopic() {
        if (onTopic) {
            onTopic = false;
            outputs.tell(Topic.unsubscribe(self));
        }
    }

    /** A summary from the topic ({@code answer} false) or an actor's answer to a new subscription's question. */
    void onSummary(InstrumentSummary summary, boolean answer) {
        List<Subscription> subscribers = summaries.get(summary.instrument());
        if (subscribers == null) {
            return;
        }
        String record = record(summary.instrument(), Channel.SUMMARIES, summary.sequence(), summary.updatedAt(), summary);
        for (Subscription subscription : List.copyOf(subscribers)) {
            // An answer may be older than a summary the topic brought meanwhile: only the first gets it.
            if (answer && !awaitingFirst.contains(subscription)) {
                continue;
            }
            awaitingFirst.remove(subscription);
            delivery.deliver(subscription, record, "summary", true);
        }
    }

    void onArbitrage(ArbitrageEvent event) {
        if (arbitrage.isEmpty()) {
            return;
        }
        String record = record(event.instrument(), Channel.ARBITRAGE, 0, event.updatedAt(), event);
        for (Subscription subscription : List.copyOf(arbitrage)) {
            delivery.deliver(subscription, record, "arbitrage", false);
        }
    }

    /** The Kafka record's JSON without its closing brace (each subscription's fields follow). */
    private String record(String instrument, Channel channel, long sequence, long receivedTimestamp, Object payload) {
        String json = ProtocolJson.encodeRecord(new MarketRecord<>(MarketRecord.VERSION, null, instrument, channel,
                sequence, source, receivedTimestamp, System.currentTimeMillis(), payload));
        return json.substring(0, json.length() - 1);
    }
}
