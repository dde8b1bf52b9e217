package io.marketmesh.node.market;

import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.MarketKey;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A MarketActor asking its venue connection for a fresh snapshot. Published on the venue's resync topic
 * ({@link ResyncTopics}); the connection that carries the market acts on it, the others ignore it, and the worker that
 * would carry it but does not follow it answers {@link MarketActor.NotFollowed} to {@code replyTo}.
 *
 * @param attempt 1 for the first request since the last snapshot, counting up while none arrives, so the
 *                connection can escalate when asking the venue on the live socket does not work
 */
public record ResyncRequest(MarketKey market, String reason, int attempt, ActorRef<MarketActor.Command> replyTo)
        implements CborSerializable {

    /** How the reason of a resync asked for because the venue's checksum did not match the book begins. */
    public static final String CHECKSUM_MISMATCH = "checksum mismatch";

}
