package io.marketmesh.node.api;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code marketmesh.http}. */
public record HttpSettings(String host, int port, Duration askTimeout, int maxPageSize, int defaultBookDepth) {

    public static HttpSettings fromConfig(Config c) {
        return new HttpSettings(c.getString("interface"), c.getInt("port"), c.getDuration("ask-timeout"),
                c.getInt("max-page-size"), c.getInt("default-book-depth"));
    }
}
