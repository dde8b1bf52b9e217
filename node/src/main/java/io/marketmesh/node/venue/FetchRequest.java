package io.marketmesh.node.venue;

import java.time.Duration;
import java.util.Map;

/**
 * An HTTP GET a venue session asks its connection to make (a REST book snapshot to splice into a diff stream, say).
 * Header values may be secrets: never logged.
 */
public record FetchRequest(String url, Map<String, String> headers, Duration timeout) {

    public FetchRequest {
        headers = Map.copyOf(headers);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static FetchRequest get(String url, Duration timeout) {
        return new FetchRequest(url, Map.of(), timeout);
    }

    @Override
    public String toString() {
        return "FetchRequest[url=" + url + ", headers=" + headers.keySet() + ", timeout=" + timeout + "]";
    }
}
