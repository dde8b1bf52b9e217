package io.marketmesh.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.connection.ConnectionManager;
import io.marketmesh.node.connection.SocketStatus;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API under {@code /api/v1} plus {@code /health}. It only asks actors (with a timeout) and
 * renders JSON; errors are {@code {"error","message"}} with 400 for bad input, 404 for an unknown
 * market or venue, 503 while the node is not ready and 504 when an actor does not answer in time.
 */
public final class ApiRoutes extends AllDirectives {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final ObjectMapper JSON = ProtocolJson.mapper();

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final ActorRef<Subscriptions.Command> subscriptions;
    private final Map<Venue, VenueSettings> venues;
    private final int workersPerVenue;
    private final WorkerDirectory workers;
    private final ClusterStatus cluster;
    private final HttpSettings settings;
    private final BooleanSupplier ready;
    private final Supplier<Optional<String>> dependenciesNotReady;

    /**
     * @param subscriptions        this node's view of the cluster's followed markets
     * @param venues               the venues enabled in this node's configuration
     * @param ready                the node has joined its cluster and read the subscriptions: the API answers only then
     * @param dependenciesNotReady why a dependency (Kafka) is not ready yet, if so: {@code /health/ready} is 503
     *                             then, the API itself keeps answering
     */
    public ApiRoutes(ActorSystem<?> system, ActorRef<Subscriptions.Command> subscriptions,
                     Map<Venue, VenueSettings> venues, int workersPerVenue, HttpSettings settings,
                     BooleanSupplier ready, Supplier<Optional<String>> dependenciesNotReady) {
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.subscriptions = subscriptions;
        this.venues = Map.copyOf(venues);
        this.workersPerVenue = workersPerVenue;
        this.workers = new WorkerDirectory(system, settings.askTimeout());
        this.cluster = new ClusterStatus(system, workers, this.venues.keySet(), workersPerVenue, settings.askTimeout());
        this.settings = settings;
        this.ready = ready;
        this.dependenciesNotReady = dependenciesNotReady;
    }

    public Route routes() {
        return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> concat(
                pathPrefix("api", () -> pathPrefix("v1", this::apiV1)),
                pathPrefix("health", () -> concat(
                        path("alive", () -> get(() -> json(200, Map.of("status", "alive")))),
                        path("ready", () -> get(this::readiness))))
        )));
    }

    private Route readiness() {
        if (!ready.getAsBoolean()) {
            return error(ApiError.notReady("the node has not joined its cluster yet"));
        }
        Optional<String> dependency = dependenciesNotReady.get();
        return dependency.isPresent() ? error(ApiError.notReady(dependency.get()))
                : json(200, Map.of("status", "ready"));
    }

    private Route apiV1() {
        return concat(
                pathPrefix("markets", () -> concat(
                        pathEndOrSingleSlash(() -> get(this::marketsList)),
                        pathPrefix(PathMatchers.segment(), venue ->
                                pathPrefix(PathMatchers.segment(), symbol -> market(venue, symbol))))),
                path("venues", () -> get(() -> async(this::venues))),
                path("cluster", () -> get(() -> async(() -> cluster.render().thenApply(body -> response(200, body))))),
                pathPrefix("subscriptions", this::subscriptionRoutes));
    }

    private Route marketsList() {
        return parameterOptional("venue", venue -> parameterOptional("limit", limit ->
                parameterOptional("offset", offset -> async(() -> listMarkets(venue, limit, offset)))));
    }

    private Route market(String venue, String symbol) {
        return concat(
                pathEndOrSingleSlash(() -> get(() -> async(() -> marketState(venue, symbol)))),
                path("book", () -> get(() -> parameterOptional("depth", depth ->
                        async(() -> book(venue, symbol, depth))))));
    }

    private Route subscriptionRoutes() {
        return concat(
                pathEndOrSingleSlash(() -> concat(
                        get(() -> async(this::subscriptions)),
                        post(() -> entity(Unmarshaller.entityToString(), body -> async(() -> follow(body)))))),
                path(PathMatchers.segment().slash(PathMatchers.segment()), (venue, symbol) ->
                        delete(() -> async(() -> unfollow(venue, symbol)))));
    }

    // ---- handlers -------------------------------------------------------------------------------

    private CompletionStage<HttpResponse> listMarkets(Optional<String> venueParam, Optional<String> limitParam,
                                                      Optional<String> offsetParam) {
        int limit = intParam("limit", limitParam, settings.maxPageSize(), 1, settings.maxPageSize());
        int offset = intParam("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
        Optional<Venue> only = venueParam.map(v -> parseVenue(v, true));
        return followed().thenApply(followed -> {
            List<MarketKey> all = new ArrayList<>();
            followed.symbols().forEach((venue, symbols) -> {
                if (only.isEmpty() || only.get() == venue) {
                    symbols.forEach(symbol -> all.add(MarketKey.of(venue, symbol)));
                }
            });
            all.sort(Comparator.comparing(MarketKey::id));
            List<Map<String, Object>> page = new ArrayList<>();
            for (int i = offset; i < all.size() && page.size() < limit; i++) {
                MarketKey key = all.get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("market", key.id());
                row.put("venue", key.venue().id());
                row.put("symbol", key.symbol());
                page.add(row);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("total", all.size());
            body.put("offset", offset);
            body.put("limit", limit);
            body.put("markets", page);
            return response(200, body);
        });
    }

    private CompletionStage<HttpResponse> marketState(String venueId, String symbol) {
        MarketKey market = marketKey(venueId, symbol);
        return whenFollowed(market, () -> sharding.entityRefFor(MarketActor.TYPE_KEY, market.id())
                .<MarketState>ask(MarketActor.GetState::new, settings.askTimeout())
                .thenApply(state -> response(200, state)));
    }

    private CompletionStage<HttpResponse> book(String venueId, String symbol, Optional<String> depthParam) {
        MarketKey market = marketKey(venueId, symbol);
        int depth = intParam("depth", depthParam, settings.defaultBookDepth(), 1, Integer.MAX_VALUE);
        return whenFollowed(market, () -> sharding.entityRefFor(MarketActor.TYPE_KEY, market.id())
                .<BookView>ask(replyTo -> new MarketActor.GetBook(depth, replyTo), settings.askTimeout())
                .thenApply(view -> response(200, view)));
    }

    private CompletionStage<HttpResponse> venues() {
        return followed().thenCompose(followed -> {
            List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>();
            for (Venue venue : Venue.values()) {
                VenueSettings config = venues.get(venue);
                if (config == null) {
                    Map<String, Object> off = new LinkedHashMap<>();
                    off.put("venue", venue.id());
                    off.put("enabled", false);
                    answers.add(CompletableFuture.completedFuture(off));
                } else {
                    answers.add(workers.statuses(venue).thenApply(statuses ->
                            venueStatus(config, followed.of(venue).size(), statuses)).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done ->
                    response(200, Map.of("venues", answers.stream().map(CompletableFuture::join).toList())));
        });
    }

    /** One venue over the whole cluster: its workers (where they run) and every socket they hold. */
    private Map<String, Object> venueStatus(VenueSettings config, int followed, List<ConnectionManager.WorkerStatus> statuses) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("venue", config.venue().id());
        row.put("enabled", true);
        row.put("wsUrl", config.wsUrl());
        row.put("followed", followed);
        row.put("discovery", statuses.stream().filter(w -> w.worker() == 0).map(ConnectionManager.WorkerStatus::discovery)
                .findFirst().orElse(null));
        row.put("workersConfigured", workersPerVenue);
        row.put("workersRunning", statuses.size());
        List<Map<String, Object>> workerRows = new ArrayList<>();
        List<SocketStatus> sockets = new ArrayList<>();
        for (ConnectionManager.WorkerStatus status : statuses) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("worker", status.worker());
            w.put("node", status.node());
            w.put("markets", status.markets());
            w.put("sockets", status.connections().size());
            workerRows.add(w);
            sockets.addAll(status.connections());
        }
        row.put("workers", workerRows);
        row.put("connections", sockets);
        return row;
    }

    private CompletionStage<HttpResponse> subscriptions() {
        return followed().thenApply(followed -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Venue venue : venues.keySet().stream().sorted().toList()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("venue", venue.id());
                row.put("count", followed.of(venue).size());
                row.put("symbols", followed.of(venue));
                rows.add(row);
            }
            return response(200, Map.of("subscriptions", rows));
        });
    }

    private CompletionStage<HttpResponse> follow(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body is not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiError.badRequest("body must be a JSON object like {\"venue\":\"kalshi\",\"symbols\":[\"TICKER\"]}");
        }
        JsonNode venueNode = json.get("venue");
        if (venueNode == null || !venueNode.isTextual()) {
            throw ApiError.badRequest("\"venue\" is required (one of " + venueList() + ")");
        }
        Venue venue = parseVenue(venueNode.asText(), false);
        if (!venues.containsKey(venue)) {
            throw ApiError.badRequest("venue " + venue.id() + " is not enabled on this node");
        }
        List<String> symbols = new ArrayList<>();
        JsonNode many = json.get("symbols");
        JsonNode one = json.get("symbol");
        if (many != null) {
            if (!many.isArray()) {
                throw ApiError.badRequest("\"symbols\" must be an array of strings");
            }
            many.forEach(n -> symbols.add(validSymbol(n)));
        }
        if (one != null) {
            symbols.add(validSymbol(one));
        }
        if (symbols.isEmpty()) {
            throw ApiError.badRequest("give \"symbol\" or a non-empty \"symbols\" array");
        }
        return askSubscriptions((ActorRef<Subscriptions.FollowResult> replyTo) ->
                new Subscriptions.Follow(venue, List.copyOf(symbols), replyTo))
                .thenApply(result -> {
                    if (result.error() != null) {
                        throw ApiError.notReady("subscription change not written: " + result.error());
                    }
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("venue", venue.id());
                    answer.put("added", result.added());
                    answer.put("alreadyFollowed", result.alreadyFollowed());
                    return response(200, answer);
                });
    }

    private CompletionStage<HttpResponse> unfollow(String venueId, String symbol) {
        MarketKey market = marketKey(venueId, symbol);
        return askSubscriptions((ActorRef<Subscriptions.UnfollowResult> replyTo) ->
                new Subscriptions.Unfollow(market.venue(), market.symbol(), replyTo))
                .thenApply(result -> {
                    if (!result.wasFollowed()) {
                        throw ApiError.notFound("unknown_market", market.id() + " is not followed");
                    }
                    if (result.error() != null) {
                        throw ApiError.notReady("subscription change not written: " + result.error());
                    }
                    return response(200, Map.of("removed", market.id()));
                });
    }

    // ---- helpers --------------------------------------------------------------------------------

    private CompletionStage<HttpResponse> whenFollowed(MarketKey market, Supplier<CompletionStage<HttpResponse>> then) {
        return askSubscriptions((ActorRef<Boolean> replyTo) ->
                new Subscriptions.IsFollowed(market.venue(), market.symbol(), replyTo))
                .thenCompose(followed -> {
                    if (!followed) {
                        throw ApiError.notFound("unknown_market", market.id() + " is not followed");
                    }
                    return then.get();
                });
    }

    private CompletionStage<Subscriptions.Followed> followed() {
        return askSubscriptions(Subscriptions.GetFollowed::new);
    }

    private <T> CompletionStage<T> askSubscriptions(java.util.function.Function<ActorRef<T>, Subscriptions.Command> message) {
        return AskPattern.ask(subscriptions, message::apply, settings.askTimeout(), system.scheduler());
    }

    /** Runs a handler, turning its errors (thrown at once or completed later) into JSON responses. */
    private Route async(Supplier<CompletionStage<HttpResponse>> handler) {
        if (!ready.getAsBoolean()) {
            return error(ApiError.notReady("the node has not joined its cluster yet"));
        }
        CompletionStage<HttpResponse> response;
        try {
            response = handler.get();
        } catch (ApiError e) {
            return error(e);
        }
        return completeWithFuture(response.exceptionally(ApiRoutes::errorResponse));
    }

    static HttpResponse errorResponse(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiError e) {
            return errorBody(e.status, e.code, e.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return errorBody(504, "timeout", "no answer from the cluster in time");
        }
        LOG.warn("request failed: {}", cause.toString());
        return errorBody(500, "internal_error", "unexpected error: " + cause.getClass().getSimpleName());
    }

    private MarketKey marketKey(String venueId, String symbol) {
        Venue venue = parseVenue(venueId, true);
        if (symbol.isBlank()) {
            throw ApiError.badRequest("symbol must not be blank");
        }
        return MarketKey.of(venue, symbol);
    }

    private static Venue parseVenue(String id, boolean unknownIsNotFound) {
        try {
            return Venue.fromId(id);
        } catch (IllegalArgumentException e) {
            throw unknownIsNotFound ? ApiError.notFound("unknown_venue", e.getMessage()) : ApiError.badRequest(e.getMessage());
        }
    }

    private static String validSymbol(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw ApiError.badRequest("every symbol must be a non-empty string");
        }
        String symbol = node.asText().trim();
        if (symbol.length() > 256 || symbol.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw ApiError.badRequest("symbol '" + symbol + "' is not valid (no spaces or '/', at most 256 chars)");
        }
        return symbol;
    }

    private static int intParam(String name, Optional<String> value, int fallback, int min, int max) {
        if (value.isEmpty()) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.get().trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer, got '" + value.get() + "'");
        }
        if (parsed < min || parsed > max) {
            throw ApiError.badRequest(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static String venueList() {
        StringBuilder sb = new StringBuilder();
        for (Venue v : Venue.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v.id());
        }
        return sb.toString();
    }

    private Route json(int status, Object body) {
        return complete(response(status, body));
    }

    private Route error(ApiError e) {
        return complete(errorBody(e.status, e.code, e.getMessage()));
    }

    static HttpResponse response(int status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render response", e);
        }
    }

    static HttpResponse errorBody(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return response(status, body);
    }

    private ExceptionHandler exceptionHandler() {
        return ExceptionHandler.newBuilder()
                .match(ApiError.class, e -> complete(errorBody(e.status, e.code, e.getMessage())))
                .match(Exception.class, e -> complete(errorResponse(e)))
                .build();
    }

    /** Pekko's own rejection answers (404 route, 405 method, ...) with the body turned into our JSON shape. */
    private static RejectionHandler rejectionHandler() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
            int status = response.status().intValue();
            String code = status == 404 ? "not_found" : status == 405 ? "method_not_allowed" : "bad_request";
            String message = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                    ? strict.getData().utf8String() : response.status().reason();
            return errorBody(status, code, message);
        });
    }

}
