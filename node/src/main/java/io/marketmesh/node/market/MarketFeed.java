package io.marketmesh.node.market;

import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a MarketActor tells the actors that follow it live ({@link MarketActor.Watch}): one node's stream hub, which
 * fans the market out to that node's clients. A follower gets a {@link Snapshot} first (the actor's book as it serves
 * it, flagged when stale), then every {@link Update}, numbered: a follower that sees a number skipped lost a message on
 * the way (between nodes) and asks for a fresh snapshot. A market's follower set lives in its actor: when the actor
 * stops (unfollowed, its shard moved, its node lost) the follower, which watches it, follows it again through sharding
 * and is given a snapshot by the new actor.
 */
public sealed interface MarketFeed extends CborSerializable permits MarketFeed.Snapshot, MarketFeed.Update {

    MarketKey market();

    /**
     * {@code host:port} of a node's address, as a {@link Snapshot}'s {@code source} names it. The system's own address
     * is its cluster member's (Artery's canonical address); without remoting (a unit test) it reads {@code ?:?}.
     */
    static String hostPort(org.apache.pekko.actor.Address address) {
        return address.getHost().orElse("?") + ":" + address.getPort().map(String::valueOf).orElse("?");
    }

    /** Which run of the market's actor sent it: numbers of one run only follow on from that run's snapshot. */
    long run();

    /**
     * The book as the actor serves it, for a new follower, or for every follower when the book was replaced (a venue
     * snapshot that changed it, a resync, a book from Kafka). Followers start over from it.
     *
     * @param actor        the actor that sent it (a follower watches it)
     * @param lastUpdate   sent to every follower (the book was replaced): its own number, taken in the sequence of the
     *                     updates; sent to one follower (its answer to {@link MarketActor.Watch}): the number of the
     *                     last update before it. Either way the next update is {@code lastUpdate + 1}, and a second
     *                     answer with the same run and number is the same book
     * @param bookSequence the number of changes the actor has applied to its book (see {@link Update#bookSequence})
     * @param stale        whether the book is not trusted now; {@code staleReason} says why
     * @param source       {@code host:port} of the node the actor runs on
     */
    record Snapshot(MarketKey market, long run, ActorRef<MarketActor.Command> actor, long lastUpdate, long bookSequence,
                    BookSnapshot book, boolean stale, String staleReason, String source) implements MarketFeed {
    }

    /**
     * One record for the market's followers, in the actor's order.
     *
     * @param number            1 for the run's first update, +1 for each next one
     * @param channel           {@code BOOK} (a {@code book_delta} with absolute sizes, or a {@code book_reset}),
     *                          {@code TRADES}, {@code TICKERS}, {@code STATUS} or {@code CONTINUITY}
     * @param bookSequence      the number of changes (snapshots, deltas, resets) the actor had applied to its book when
     *                          it sent this: the {@code sequence} of {@code GET /api/v1/markets/{venue}/{symbol}}
     * @param receivedTimestamp epoch ms when the venue frame behind it arrived (or when it was made)
     * @param event             the event; null on {@code CONTINUITY}
     * @param continuity        the continuity record; null on the other channels
     */
    record Update(MarketKey market, long run, long number, Channel channel, long bookSequence, long receivedTimestamp,
                  MarketEvent event, Continuity continuity) implements MarketFeed {
    }
}
