package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.marketmesh.node.api.ApiBodies.DisabledVenue;
import io.marketmesh.node.api.ApiBodies.ErrorBody;
import io.marketmesh.node.api.ApiBodies.FollowAnswer;
import io.marketmesh.node.api.ApiBodies.HealthStatus;
import io.marketmesh.node.api.ApiBodies.MarketRow;
import io.marketmesh.node.api.ApiBodies.MarketsPage;
import io.marketmesh.node.api.ApiBodies.ReadyStatus;
import io.marketmesh.node.api.ApiBodies.SubscriptionRow;
import io.marketmesh.node.api.ApiBodies.SubscriptionsView;
import io.marketmesh.node.api.ApiBodies.UnfollowAnswer;
import io.marketmesh.node.api.ApiBodies.VenueStatusView;
import io.marketmesh.node.api.ApiBodies.VenueView;
import io.marketmesh.node.api.ApiBodies.VenuesView;
import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.cluster.NodeReadiness;
import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.instrument.InstrumentDirectory;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.node.subscription.Subscriptions;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookView;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketState;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
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
import io.marketmesh.node.stream.ClosableWebSocket;
import io.marketmesh.node.stream.ClosableWebSocket.CloseReason;
import io.marketmesh.node.stream.StreamConnections;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API under {@code /api/v1} plus {@code /health} and {@code /metrics} (Prometheus, {@link MetricsEndpoint}).
 * It only asks actors (with a timeout) and renders JSON; errors are {@code {"error","message"}} with 400 for bad input, 404 for an unknown
 * market or venue, 503 while the node is not ready and 504 when an actor does not answer in time.
 */
public final class ApiRoutes extends AllDirectives {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);
    private static final ObjectMapper JSON = ProtocolJson.mapper();
    // The two answers asked for most: their serializers found once, not per response.
    static final ObjectWriter BOOK_JSON = JSON.writerFor(BookView.class);
    static final ObjectWriter STATE_JSON = JSON.writerFor(MarketState.class);

    private final ActorSystem<?> system;
    private final MarketRefs markets;
    private final ActorRef<Subscriptions.Command> subscriptions;
    private final FollowedMarkets followedMarkets;
    private final Map<Venue, VenueSettings> venues;
    private final int workersPerVenue;
    private final WorkerDirectory workers;
    private final ClusterStatus cluster;
    private final HttpSettings settings;
    private final BooleanSupplier ready;
    private final NodeReadiness readiness;
    private final StreamConnections streams;
    private final InstrumentQueries instruments;
    private final InstrumentsView instrumentsView;
    private final CatalogView catalog;
    private final MetricsEndpoint metrics;
    private final SecuritySettings security;
    private final ApiGuard guard;
    private final CorsPolicy cors;

    /**
     * @param subscriptions        this node's door to the cluster's followed markets: follows and unfollows go to it
     * @param followedMarkets      what it publishes of them: reads (is a market followed, which are) come from there
     * @param venues               the venues enabled in this node's configuration
     * @param ready                the node has joined its cluster and read the subscriptions: the API answers only then
     *                             then, the API itself keeps answering
     * @param streams              the client streams (WebSocket {@code /stream}, a market's Server-Sent Events)
     * @param instruments          this node's instruments, as its directory last computed them
     * @param directory            the directory: instruments are added and removed through it
     * @param instrumentDepth      levels a side each instrument holds per member (the consolidated book's deepest)
     * @param catalog              this node's replica of the market catalogue: the metadata {@code /markets} shows
     * @param security             tokens, request limits and CORS (docs/security.md)
     * @throws IllegalArgumentException when the tokens file cannot be read or is malformed (names the line)
     */
    public ApiRoutes(ActorSystem<?> system, ActorRef<Subscriptions.Command> subscriptions,
                     FollowedMarkets followedMarkets, Map<Venue, VenueSettings> venues, int workersPerVenue, HttpSettings settings,
                     BooleanSupplier ready, StreamConnections streams,
                     InstrumentsView instruments, ActorRef<InstrumentDirectory.Command> directory, int instrumentDepth,
                     CatalogView catalog, SecuritySettings security) {
        this.system = system;
        this.security = security;
        this.guard = new ApiGuard(security.tokens(), security, io.marketmesh.node.metrics.HttpRefusals.get(system));
        this.cors = new CorsPolicy(security.corsAllowedOrigins(), security.corsMaxAge());
        this.catalog = catalog;
        this.streams = streams;
        this.metrics = new MetricsEndpoint(system, venues.keySet(), streams, settings.askTimeout(), ready);
        this.markets = new MarketRefs(ClusterSharding.get(system));
        this.subscriptions = subscriptions;
        this.followedMarkets = followedMarkets;
        this.venues = Map.copyOf(venues);
        this.workersPerVenue = workersPerVenue;
        this.workers = new WorkerDirectory(system, settings.askTimeout());
        this.cluster = new ClusterStatus(system, workers, this.venues.keySet(), workersPerVenue, settings.askTimeout());
        this.settings = settings;
        this.ready = ready;
        this.readiness = NodeReadiness.get(system);
        this.instrumentsView = instruments;
        this.instruments = new InstrumentQueries(system, instruments, directory, followedMarkets, this.venues.keySet(),
                settings.askTimeout(), instrumentDepth, catalog);
    }

    public Route routes() {
        Route health = concat(
                path("alive", built(get(built(json(200, new HealthStatus("alive")))))),
                path("ready", built(get(this::readiness))));
        Route all = concat(
                pathPrefix("api", built(pathPrefix("v1", built(apiV1())))),
                pathPrefix("health", built(health)),
                path("metrics", built(get(built(handle(request -> metrics.scrape(
                        request.getHeader("Accept").map(header -> header.value()).orElse(null))
                        .exceptionally(ApiRoutes::errorResponse)))))));
        // CORS outermost, so its headers are on every answer (errors and refusals too) a permitted page reads; the door
        // (tokens, rate limit) before any endpoint.
        return cors.wrap(handleExceptions(exceptionHandler(), built(handleRejections(rejectionHandler(),
                built(guard.protect(all))))));
    }

    /**
     * pekko-http's Java DSL calls a directive's inner-route supplier on every request that reaches it, so a route tree
     * written inline is built again for every request, rejection handler included (most of a query's garbage, and so
     * of its GC pauses). A subtree that takes nothing from the request is built once and handed back by this supplier;
     * handlers ({@link #async}, readiness) and routes over values taken from the request stay suppliers.
     */
    private static Supplier<Route> built(Route route) {
        return () -> route;
    }

    private Route readiness() {
        if (!ready.getAsBoolean()) {
            return error(ApiError.notReady("the node has not joined its cluster yet"));
        }
        // Ready means can serve: Kafka's state is the detail, never a reason for 503 (NodeReadiness).
        return json(200, new ReadyStatus("ready", readiness.kafka()));
    }

    private Route apiV1() {
        Route markets = concat(
                pathEndOrSingleSlash(built(get(built(marketsList())))),
                pathPrefix(PathMatchers.segment(), venue ->
                        pathPrefix(PathMatchers.segment(), symbol -> market(venue, symbol))));
        return concat(
                pathPrefix("markets", built(markets)),
                path("venues", built(get(() -> async(this::venues)))),
                path("cluster", built(get(() -> async(() -> cluster.render().thenApply(body -> response(200, body)))))),
                pathPrefix("subscriptions", built(subscriptionRoutes())),
                pathPrefix("instruments", built(instrumentRoutes())),
                pathPrefix("arbitrage", built(concat(
                        pathEndOrSingleSlash(built(get(() -> async(instruments::arbitrage)))),
                        path("stream", built(get(() -> instrumentEvents(List.of("arbitrage")))))))),
                pathPrefix("stream", built(streamRoutes())));
    }

    private Route streamRoutes() {
        return concat(
                pathEndOrSingleSlash(() -> get(() -> withPeer(ip -> webSocket(ip.toString())))),
                path("clients", built(get(() -> async(() -> streams.clients(settings.askTimeout())
                        .thenApply(report -> response(200, report)))))));
    }

    /** {@code GET /api/v1/stream}: a WebSocket client (docs/streaming.md). */
    private Route webSocket(String remote) {
        if (!ready.getAsBoolean()) {
            return error(ApiError.notReady("the node has not joined its cluster yet"));
        }
        return extractWebSocketUpgrade(upgrade -> {
            CompletableFuture<CloseReason> close = new CompletableFuture<>();
            try {
                // Not upgrade.handleMessagesWith: a slow client is closed with 1008 and a reason, which needs our stack.
                return complete(ClosableWebSocket.handle(upgrade, streams.webSocket(remote, close), close, system,
                        subprotocol(upgrade.getRequestedProtocols())));
            } catch (StreamConnections.Refused refused) {
                return complete(errorBody(refused.status, refused.code, refused.getMessage()));
            }
        });
    }

    /**
     * The subprotocol to answer a WebSocket upgrade with: {@code marketmesh} when offered; else the {@code bearer.}
     * entry that carried the client's token (a browser fails a connection whose answer names none of the
     * subprotocols it offered); else none.
     */
    static java.util.Optional<String> subprotocol(Iterable<String> offered) {
        String bearer = null;
        for (String protocol : offered) {
            if (protocol.equals("marketmesh")) {
                return java.util.Optional.of(protocol);
            }
            if (bearer == null && protocol.startsWith(ApiGuard.SUBPROTOCOL_TOKEN_PREFIX)) {
                bearer = protocol;
            }
        }
        return java.util.Optional.ofNullable(bearer);
    }

    /** The connection's peer address (not a forwarding header a client could forge), as streams show and log it. */
    private Route withPeer(java.util.function.Function<String, Route> inner) {
        return extractRequest(request -> inner.apply(ApiGuard.peerAddress(request)));
    }

    /** {@code GET /api/v1/markets/{venue}/{symbol}/stream?channels=book,trades&depth=10}: Server-Sent Events. */
    private Route serverSentEvents(String venue, String symbol) {
        return parameterOptional("channels", channels -> parameterOptional("depth", depthParam ->
                withPeer(ip -> {
                    if (!ready.getAsBoolean()) {
                        return error(ApiError.notReady("the node has not joined its cluster yet"));
                    }
                    try {
                        int depth = depthParam.isEmpty() ? 0
                                : ApiRequests.intParam("depth", depthParam, 0, 1, streams.settings().maxDepth());
                        List<String> kinds = List.of(channels.orElse("book").split(","));
                        return completeOK(streams.serverSentEvents(ip.toString(), venue, symbol, kinds, depth),
                                EventStreamMarshalling.toEventStream());
                    } catch (ApiError e) {
                        return error(e);
                    } catch (StreamConnections.Refused refused) {
                        return complete(errorBody(refused.status, refused.code, refused.getMessage()));
                    }
                })));
    }

    /** Server-Sent Events of instrument channels ({@code /instruments/{id}/stream}, {@code /arbitrage/stream}). */
    private Route instrumentEvents(List<String> channels) {
        return withPeer(ip -> {
            if (!ready.getAsBoolean()) {
                return error(ApiError.notReady("the node has not joined its cluster yet"));
            }
            for (String channel : channels) {
                if (channel.startsWith("summary:") && instrumentsView.get(channel.substring(8)) == null) {
                    return error(ApiError.notFound("unknown_instrument", "no instrument '" + channel.substring(8)
                            + "' (GET /api/v1/instruments lists them)"));
                }
            }
            try {
                return completeOK(streams.instrumentEvents(ip.toString(), channels),
                        EventStreamMarshalling.toEventStream());
            } catch (StreamConnections.Refused refused) {
                return complete(errorBody(refused.status, refused.code, refused.getMessage()));
            }
        });
    }

    private Route marketsList() {
        return parameterOptional("venue", venue -> parameterOptional("limit", limit ->
                parameterOptional("offset", offset -> parameterOptional("q", q -> parameterOptional("status", status ->
                        parameterOptional("instrument", instrument -> async(() -> listMarkets(
                                MarketQuery.parse(q, venue, status, instrument, instrumentsView), limit, offset))))))));
    }

    private Route market(String venue, String symbol) {
        return concat(
                pathEndOrSingleSlash(() -> get(() -> async(() -> marketState(venue, symbol)))),
                path("book", () -> get(() -> parameterOptional("depth", depth ->
                        async(() -> book(venue, symbol, depth))))),
                path("stream", () -> get(() -> serverSentEvents(venue, symbol))));
    }

    private Route instrumentRoutes() {
        return concat(
                pathEndOrSingleSlash(built(concat(
                        get(() -> async(instruments::list)),
                        post(built(withSizeLimit(security.maxBodyBytes(), built(entity(Unmarshaller.entityToString(),
                                body -> async(() -> instruments.add(body)))))))))),
                pathPrefix(PathMatchers.segment(), id -> concat(
                        pathEndOrSingleSlash(() -> concat(
                                get(() -> async(() -> instruments.summary(id))),
                                delete(() -> async(() -> instruments.remove(id))))),
                        path("book", () -> get(() -> parameterOptional("depth", depth ->
                                async(() -> instruments.book(id, depth))))),
                        path("stream", () -> get(() -> instrumentEvents(List.of("summary:" + id)))))));
    }

    private Route subscriptionRoutes() {
        return concat(
                pathEndOrSingleSlash(built(concat(
                        get(() -> async(this::subscriptions)),
                        post(built(withSizeLimit(security.maxBodyBytes(), built(entity(Unmarshaller.entityToString(),
                                body -> async(() -> follow(body)))))))))),
                path(PathMatchers.segment().slash(PathMatchers.segment()), (venue, symbol) ->
                        delete(() -> async(() -> unfollow(venue, symbol)))));
    }

    // ---- handlers -------------------------------------------------------------------------------

    /** The followed markets that match the query (ApiRequests' checks), one page of them. */
    private CompletionStage<HttpResponse> listMarkets(MarketQuery query, Optional<String> limitParam,
                                                      Optional<String> offsetParam) {
        int limit = ApiRequests.intParam("limit", limitParam, settings.maxPageSize(), 1, settings.maxPageSize());
        int offset = ApiRequests.intParam("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
        List<MarketRow> all = query.apply(followedMarkets.followed(), catalog, instrumentsView);
        List<MarketRow> page = all.stream().skip(offset).limit(limit).toList();
        return CompletableFuture.completedFuture(response(200, new MarketsPage(all.size(), offset, limit, page)));
    }

    private CompletionStage<HttpResponse> marketState(String venueId, String symbol) {
        MarketKey market = ApiRequests.marketKey(venueId, symbol);
        return whenFollowed(market, () -> Replies.of(markets.of(market)
                .<MarketState>ask(MarketActor.GetState::new, settings.askTimeout()))
                .thenApply(state -> ok(STATE_JSON, state)));
    }

    private CompletionStage<HttpResponse> book(String venueId, String symbol, Optional<String> depthParam) {
        MarketKey market = ApiRequests.marketKey(venueId, symbol);
        int depth = ApiRequests.intParam("depth", depthParam, settings.defaultBookDepth(), 1, Integer.MAX_VALUE);
        return whenFollowed(market, () -> Replies.of(markets.of(market)
                .<BookView>ask(replyTo -> new MarketActor.GetBook(depth, replyTo), settings.askTimeout()))
                .thenApply(view -> ok(BOOK_JSON, view)));
    }

    private CompletionStage<HttpResponse> venues() {
        Subscriptions.Followed followed = followedMarkets.followed();
        List<CompletableFuture<VenueView>> answers = new ArrayList<>();
        for (Venue venue : Venue.values()) {
            VenueSettings config = venues.get(venue);
            if (config == null) {
                answers.add(CompletableFuture.completedFuture(DisabledVenue.of(venue)));
            } else {
                answers.add(workers.statuses(venue).thenApply(statuses ->
                        VenueStatusView.of(config, followed.of(venue).size(), workersPerVenue, statuses)));
            }
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done ->
                response(200, new VenuesView(answers.stream().map(CompletableFuture::join).toList())));
    }

    private CompletionStage<HttpResponse> subscriptions() {
        Subscriptions.Followed followed = followedMarkets.followed();
        List<SubscriptionRow> rows = new ArrayList<>();
        for (Venue venue : venues.keySet().stream().sorted().toList()) {
            rows.add(new SubscriptionRow(venue.id(), followed.of(venue).size(), followed.of(venue)));
        }
        return CompletableFuture.completedFuture(response(200, new SubscriptionsView(rows)));
    }

    private CompletionStage<HttpResponse> follow(String body) {
        ApiRequests.Follow follow = ApiRequests.follow(body, venues.keySet(), security.maxSymbolsPerRequest());
        return askSubscriptions((ActorRef<Subscriptions.FollowResult> replyTo) ->
                new Subscriptions.Follow(follow.venue(), follow.symbols(), replyTo))
                .thenApply(result -> {
                    if (result.error() != null) {
                        throw ApiError.notReady("subscription change not written: " + result.error());
                    }
                    return response(200, new FollowAnswer(follow.venue().id(), result.added(), result.alreadyFollowed()));
                });
    }

    private CompletionStage<HttpResponse> unfollow(String venueId, String symbol) {
        MarketKey market = ApiRequests.marketKey(venueId, symbol);
        return askSubscriptions((ActorRef<Subscriptions.UnfollowResult> replyTo) ->
                new Subscriptions.Unfollow(market.venue(), market.symbol(), replyTo))
                .thenApply(result -> {
                    if (!result.wasFollowed()) {
                        throw ApiError.notFound("unknown_market", market.id() + " is not followed");
                    }
                    if (result.error() != null) {
                        throw ApiError.notReady("subscription change not written: " + result.error());
                    }
                    return response(200, new UnfollowAnswer(market.id()));
                });
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Runs {@code then} if the market is followed (as this node's replica has it); else 404 {@code unknown_market}. */
    private CompletionStage<HttpResponse> whenFollowed(MarketKey market, Supplier<CompletionStage<HttpResponse>> then) {
        if (!followedMarkets.contains(market.venue(), market.symbol())) {
            throw ApiError.notFound("unknown_market", market.id() + " is not followed");
        }
        return then.get();
    }

    private <T> CompletableFuture<T> askSubscriptions(java.util.function.Function<ActorRef<T>, Subscriptions.Command> message) {
        return Replies.of(AskPattern.ask(subscriptions, message::apply, settings.askTimeout(), system.scheduler()));
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
        // handle, not completeWithFuture: the response goes out as it is, where the answer completes, without the
        // marshalling step (content negotiation for an HttpResponse, which always wins) and its dispatcher hop.
        CompletionStage<HttpResponse> answered = response.exceptionally(ApiRoutes::errorResponse);
        return handle(request -> answered);
    }

    static HttpResponse errorResponse(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiError e) {
            return errorBody(e.status, e.code, e.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return errorBody(504, "timeout", "no answer from the cluster in time");
        }
        LOG.warn("request failed: {}", ClientText.forLog(cause.toString()));
        return errorBody(500, "internal_error", "unexpected error: " + cause.getClass().getSimpleName());
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

    /** 200 with the body written by {@code writer}; HttpResponse.create() is 200 already (no status lookup). */
    static HttpResponse ok(ObjectWriter writer, Object body) {
        try {
            return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, writer.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render response", e);
        }
    }

    /** The message may quote what the client sent: control characters are escaped and it is cut at 500 characters. */
    static HttpResponse errorBody(int status, String code, String message) {
        return response(status, new ErrorBody(code, ClientText.message(message, 500)));
    }

    private ExceptionHandler exceptionHandler() {
        return ExceptionHandler.newBuilder()
                .match(ApiError.class, e -> complete(errorBody(e.status, e.code, e.getMessage())))
                .match(org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class, e -> complete(errorBody(413,
                        "payload_too_large", "the request body is larger than " + security.maxBodyBytes() + " bytes")))
                .match(Exception.class, e -> complete(errorResponse(e)))
                .build();
    }

    /** Pekko's own rejection answers (404 route, 405 method, ...) with the body turned into our JSON shape. */
    private static RejectionHandler rejectionHandler() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
            int status = response.status().intValue();
            String code = switch (status) {
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 413 -> "payload_too_large";
                default -> "bad_request";
            };
            String message = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                    ? strict.getData().utf8String() : response.status().reason();
            return errorBody(status, code, message);
        });
    }

}
