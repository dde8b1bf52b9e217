package io.marketmesh.node.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Cross-origin requests (CORS) from browser pages of the origins in {@code marketmesh.http.cors.allowed-origins}
 * (docs/security.md). Off when the list is empty: no {@code Access-Control-*} header, a preflight {@code OPTIONS} is
 * answered like any other unknown method (405), so a browser page of another origin can read nothing.
 * <p>
 * A small directive rather than a library: pekko-http has no CORS support of its own and pekko-http-cors is not
 * among this build's dependencies (nor in the package mirror); an exact-origin allow list needs nothing more.
 * Origins are matched exactly (scheme, host and port), {@code *} allows any origin. No
 * {@code Access-Control-Allow-Credentials}: the API uses bearer tokens, not cookies.
 */
final class CorsPolicy extends AllDirectives {

    private static final String METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    private static final String REQUEST_HEADERS = "Authorization, Content-Type, Accept";
    /** Headers a page may read from an answer beyond the simple ones. */
    private static final String EXPOSED = "Retry-After, WWW-Authenticate";

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final String maxAgeSeconds;

    CorsPolicy(List<String> origins, Duration maxAge) {
        this.origins = Set.copyOf(origins);
        this.anyOrigin = origins.contains("*");
        this.maxAgeSeconds = Long.toString(maxAge.toSeconds());
    }

    /** {@code inner} answering CORS; with no origin configured, {@code inner} itself. */
    Route wrap(Route inner) {
        if (origins.isEmpty()) {
            return inner;
        }
        return extractRequest(request -> {
            Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value).filter(this::allowed);
            if (origin.isEmpty()) {
                return inner;
            }
            if (isPreflight(request)) {
                return complete(HttpResponse.create().withStatus(204).addHeaders(List.of(
                        allowOrigin(origin.get()), VARY,
                        RawHeader.create("Access-Control-Allow-Methods", METHODS),
                        RawHeader.create("Access-Control-Allow-Headers", REQUEST_HEADERS),
                        RawHeader.create("Access-Control-Max-Age", maxAgeSeconds))));
            }
            return respondWithHeaders(List.of(allowOrigin(origin.get()), VARY,
                    RawHeader.create("Access-Control-Expose-Headers", EXPOSED)), () -> inner);
        });
    }

    private static final HttpHeader VARY = RawHeader.create("Vary", "Origin");

    private static HttpHeader allowOrigin(String origin) {
        return RawHeader.create("Access-Control-Allow-Origin", origin);
    }

    boolean allowed(String origin) {
        return anyOrigin || origins.contains(origin);
    }

    private static boolean isPreflight(HttpRequest request) {
        return request.method().equals(HttpMethods.OPTIONS)
                && request.getHeader("Access-Control-Request-Method").isPresent();
    }
}
