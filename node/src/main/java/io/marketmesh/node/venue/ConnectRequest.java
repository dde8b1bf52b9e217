package io.marketmesh.node.venue;

import java.util.Map;

/** Where and how to open a venue socket. Header values may be secrets: never log them. */
public record ConnectRequest(String url, Map<String, String> headers) {

    public ConnectRequest {
        headers = Map.copyOf(headers);
    }

    public static ConnectRequest of(String url) {
        return new ConnectRequest(url, Map.of());
    }

    @Override
    public String toString() {
        return "ConnectRequest[url=" + url + ", headers=" + headers.keySet() + "]";
    }
}
