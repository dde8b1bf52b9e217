package io.marketmesh.node.api;

import io.marketmesh.node.metrics.HttpRefusals;
import io.marketmesh.node.metrics.HttpRefusals.AuthReason;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The API's door (docs/security.md): API tokens and the mutating endpoints' rate limit, decided before a request
 * reaches its endpoint.
 * <ul>
 *   <li>A mutating request (any method but GET, HEAD and OPTIONS: every POST, PUT, PATCH and DELETE of the API, today
 *   and tomorrow) needs a read-write token once a tokens file is configured: none or an unknown one is 401 with
 *   {@code WWW-Authenticate: Bearer}, a read-only one 403.</li>
 *   <li>With {@code protect-reads}, every other request needs a valid token too, except the probes
 *   {@code /health/alive} and {@code /health/ready} (the dashboard's static files are served before this door).</li>
 *   <li>Mutating requests are rate limited per client: per token when one was presented, else per peer address.</li>
 * </ul>
 * A token comes in {@code Authorization: Bearer <token>}, or, on a WebSocket upgrade only (browsers cannot set headers
 * there), as a {@code Sec-WebSocket-Protocol} entry {@code bearer.<token>}. Tokens are never logged, and neither is
 * the Authorization header.
 */
final class ApiGuard extends AllDirectives {

    /** The subprotocol entry that carries a token on a WebSocket upgrade: {@code bearer.<token>}. */
    static final String SUBPROTOCOL_TOKEN_PREFIX = "bearer.";
    private static final String REALM = "Bearer realm=\"marketmesh\"";

    private enum Need { NOTHING, READ, WRITE }

    private final Optional<ApiTokens> tokens;
    private final boolean protectReads;
    private final ClientRateLimiter limiter;
    private final HttpRefusals refusals;

    ApiGuard(Optional<ApiTokens> tokens, SecuritySettings settings, HttpRefusals refusals) {
        this.tokens = tokens;
        this.protectReads = settings.protectReads() && tokens.isPresent();
        this.limiter = settings.mutationsPerSecond() > 0
                ? new ClientRateLimiter(settings.mutationsPerSecond(), settings.mutationsBurst(),
                settings.rateLimitedClients())
                : null;
        this.refusals = refusals;
    }

    /** {@code inner} behind the door; with neither tokens nor a rate limit configured, {@code inner} itself. */
    Route protect(Route inner) {
        if (tokens.isEmpty() && limiter == null) {
            return inner;
        }
        return extractRequest(request -> {
            HttpResponse refused = refusal(request);
            if (refused == null) {
                return inner;
            }
            // The body is read to its end (at most max-content-length) before the answer: answered with its body
            // unread, pekko-http closes the connection, and a client still sending the body can lose the answer to
            // the reset (found by HttpApiFuzzTest: a 100 KB POST refused 401/429 came back as no answer at all).
            return extractMaterializer(materializer -> completeWithFuture(request.entity().discardBytes(materializer)
                    .completionStage().handle((done, failure) -> refused)));
        });
    }

    /** Why {@code request} may not go ahead, as the answer to send; null when it may. */
    HttpResponse refusal(HttpRequest request) {
        boolean mutating = isMutating(request.method());
        Need need = mutating ? Need.WRITE : protectReads && !isProbe(request.getUri().path()) ? Need.READ : Need.NOTHING;
        int entry = -1;
        if (tokens.isPresent() && need != Need.NOTHING) {
            Optional<String> presented = presentedToken(request);
            if (presented.isEmpty()) {
                refusals.onAuthRefused(AuthReason.MISSING);
                return unauthorized(REALM, "this endpoint needs a token: send Authorization: Bearer <token>");
            }
            entry = tokens.get().indexOf(presented.get());
            if (entry < 0) {
                refusals.onAuthRefused(AuthReason.UNKNOWN);
                return unauthorized(REALM + ", error=\"invalid_token\"", "the token is not valid");
            }
            if (need == Need.WRITE && tokens.get().access(entry) != ApiTokens.Access.READ_WRITE) {
                refusals.onAuthRefused(AuthReason.READ_ONLY);
                return ApiRoutes.errorBody(403, "forbidden", "this endpoint changes the node: it needs a read-write "
                        + "token, and this one is read-only");
            }
        }
        if (mutating && limiter != null) {
            String client = entry >= 0 ? "token:" + entry : "address:" + peerAddress(request);
            long wait = limiter.secondsToWait(client, System.nanoTime());
            if (wait > 0) {
                refusals.onRateLimited();
                return ApiRoutes.errorBody(429, "rate_limited", "too many changes from this client: try again in "
                        + wait + " s").addHeader(RawHeader.create("Retry-After", Long.toString(wait)));
            }
        }
        return null;
    }

    private static HttpResponse unauthorized(String challenge, String message) {
        return ApiRoutes.errorBody(401, "unauthorized", message)
                .addHeader(RawHeader.create("WWW-Authenticate", challenge));
    }

    static boolean isMutating(HttpMethod method) {
        return !(method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD) || method.equals(HttpMethods.OPTIONS));
    }

    /** The probes stay open: a load balancer or Kubernetes has no token. */
    private static boolean isProbe(String path) {
        return path.equals("/health/alive") || path.equals("/health/ready")
                || path.equals("/health/alive/") || path.equals("/health/ready/");
    }

    /** The token of {@code Authorization: Bearer}, else (on a WebSocket upgrade) of a {@code bearer.} subprotocol. */
    static Optional<String> presentedToken(HttpRequest request) {
        Optional<HttpHeader> authorization = request.getHeader("Authorization");
        if (authorization.isPresent()) {
            String value = authorization.get().value();
            return value.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(value.substring(7).strip())
                    : Optional.empty();
        }
        boolean upgrade = request.getHeader("Upgrade").map(h -> h.value().equalsIgnoreCase("websocket")).orElse(false);
        // Only where browsers need it (they cannot set a header on a WebSocket): the stream's upgrade.
        if (upgrade && request.method().equals(org.apache.pekko.http.javadsl.model.HttpMethods.GET)
                && request.getUri().path().equals("/api/v1/stream")) {
            return subprotocolToken(request.getHeader("Sec-WebSocket-Protocol").map(HttpHeader::value).orElse(""));
        }
        return Optional.empty();
    }

    static Optional<String> subprotocolToken(String offered) {
        for (String protocol : offered.split(",")) {
            String entry = protocol.strip();
            if (entry.startsWith(SUBPROTOCOL_TOKEN_PREFIX)) {
                return Optional.of(entry.substring(SUBPROTOCOL_TOKEN_PREFIX.length()));
            }
        }
        return Optional.empty();
    }

    /**
     * The connection's peer address, not a forwarding header: a client could write any X-Forwarded-For and start a
     * fresh bucket on every request. Behind a proxy every client shares the proxy's bucket (docs/security.md).
     */
    static String peerAddress(HttpRequest request) {
        Optional<RemoteAddress> remote = request.getAttribute(AttributeKeys.remoteAddress);
        return remote.flatMap(RemoteAddress::getAddress).map(java.net.InetAddress::getHostAddress).orElse("unknown");
    }
}
