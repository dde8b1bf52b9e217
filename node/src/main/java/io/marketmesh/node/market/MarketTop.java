package io.marketmesh.node.market;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.marketmesh.node.serialization.CborSerializable;
import io.marketmesh.protocol.MarketKey;
import java.math.BigDecimal;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A market's top levels as its MarketActor serves them, sent to the followers of its top (instrument actors, see
 * {@link MarketActor.WatchTop}) when they change: each message is the whole top, so one lost on the way is healed by
 * the next. Prices and sizes are {@code Decimals} longs, best first; a size wider than a long holds has its exact value
 * in the wide arrays (null arrays when no level is wide, else null entries for the exact ones).
 *
 * @param actor        the MarketActor, so a follower can watch it and follow the market again when it stops
 * @param number       rises by one per message to any follower of this actor
 * @param stale        the book is not trusted now (the levels are what is served, flagged)
 * @param updatedAt    epoch ms when the change behind it reached the node
 * @param changedNanos {@code System.nanoTime()} when the actor applied the change; only meaningful in the sender's
 *                     JVM (0 after crossing nodes)
 */
public record MarketTop(MarketKey market, ActorRef<MarketActor.Command> actor, long number,
                        long[] bidPrices, long[] bidSizes, BigDecimal[] bidWideSizes,
                        long[] askPrices, long[] askSizes, BigDecimal[] askWideSizes,
                        boolean stale, String staleReason, long updatedAt,
                        @JsonIgnore long changedNanos) implements CborSerializable {
}
