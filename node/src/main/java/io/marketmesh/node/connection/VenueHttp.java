package io.marketmesh.node.connection;

import io.marketmesh.node.venue.FetchRequest;
import io.marketmesh.node.venue.FetchResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP GETs venue sessions ask for ({@link io.marketmesh.node.venue.SessionOutput#fetch}), made with
 * {@code java.net.http} without blocking any actor. Every outcome is an answer: a failure (timeout, refused
 * connection, bad URL) is a {@link FetchResponse} with status 0 and the reason.
 */
final class VenueHttp {

    private static final AtomicInteger THREADS = new AtomicInteger();

    // HTTP/1.1: over plain http the JDK's default (HTTP/2) asks to upgrade with "Upgrade: h2c", which servers that
    // share the port with a WebSocket endpoint take for a WebSocket upgrade and refuse.
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .executor(Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "marketmesh-venue-http-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }))
            .build();

    private VenueHttp() {
    }

    static CompletionStage<FetchResponse> get(FetchRequest request) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(request.url())).timeout(request.timeout()).GET();
            for (Map.Entry<String, String> header : request.headers().entrySet()) {
                builder.header(header.getKey(), header.getValue());
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(FetchResponse.failed("bad request: " + e.getMessage()));
        }
        return CLIENT.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> failure != null
                        ? FetchResponse.failed(VenueSocket.rootMessage(failure))
                        : new FetchResponse(response.statusCode(), response.body(), null));
    }
}
