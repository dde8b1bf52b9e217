package io.marketmesh.node.market;

import io.marketmesh.protocol.Venue;
import java.util.EnumMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * One pub-sub topic per venue for {@link ResyncRequest}s. MarketActors publish; connection managers
 * subscribe. A topic (rather than a direct reference) lets the requester stay ignorant of which node
 * and which socket carries its market.
 */
public final class ResyncTopics {

    private final Map<Venue, ActorRef<Topic.Command<ResyncRequest>>> topics;

    private ResyncTopics(Map<Venue, ActorRef<Topic.Command<ResyncRequest>>> topics) {
        this.topics = topics;
    }

    /** How the topic actors get spawned: {@code context::spawn} in the node, a test kit's spawn in tests. */
    @FunctionalInterface
    public interface Spawner {
        ActorRef<Topic.Command<ResyncRequest>> spawn(Behavior<Topic.Command<ResyncRequest>> behavior, String name);
    }

    /** Spawns the topic actors of every venue as children of {@code context} (the node guardian). */
    public static ResyncTopics spawn(ActorContext<?> context) {
        return spawn(context::spawn);
    }

    public static ResyncTopics spawn(Spawner spawner) {
        Map<Venue, ActorRef<Topic.Command<ResyncRequest>>> topics = new EnumMap<>(Venue.class);
        for (Venue venue : Venue.values()) {
            topics.put(venue, spawner.spawn(Topic.create(ResyncRequest.class, "marketmesh-resync-" + venue.id()),
                    "resync-topic-" + venue.id()));
        }
        return new ResyncTopics(topics);
    }

    public void publish(ResyncRequest request) {
        topics.get(request.market().venue()).tell(Topic.publish(request));
    }

    public void subscribe(Venue venue, ActorRef<ResyncRequest> subscriber) {
        topics.get(venue).tell(Topic.subscribe(subscriber));
    }

    /** Asks a venue's topic how many subscribers it has here (a subscription is registered once it counts). */
    public void stats(Venue venue, ActorRef<Topic.TopicStats> replyTo) {
        topics.get(venue).tell(Topic.getTopicStats(replyTo));
    }
}
