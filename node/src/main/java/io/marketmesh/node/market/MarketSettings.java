package io.marketmesh.node.market;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code marketmesh.market}: how a MarketActor heals a book it cannot trust. */
public record MarketSettings(Duration resyncMinBackoff, Duration resyncMaxBackoff, int maxDepth) {

    public static MarketSettings fromConfig(Config c) {
        return new MarketSettings(c.getDuration("resync-min-backoff"), c.getDuration("resync-max-backoff"),
                c.getInt("max-book-depth"));
    }
}
