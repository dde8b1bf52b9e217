package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * Polymarket and Kalshi on one port (loopback unless {@link SimulatorSettings#host} says otherwise), speaking their
 * real wire formats, with books that move at a set rate and faults a test (or a curious user, over {@code /sim/...})
 * can inject. The same connector code that follows the live venues follows this.
 *
 * <ul>
 *   <li>Polymarket: WebSocket {@code /ws/market}, Gamma REST {@code /polymarket/markets}</li>
 *   <li>Kalshi: WebSocket {@code /trade-api/ws/v2} (RSA-PSS signed handshake checked when a public key is set),
 *       REST {@code /trade-api/v2/markets}</li>
 * </ul>
 */
public final class VenueSimulator extends AllDirectives implements AutoCloseable {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    /** Frames queued for one socket before it is failed as too slow, as a venue drops a slow consumer. */
    private static final int SOCKET_BUFFER = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorSystem<?> system;
    private final SimulatorSettings settings;
    private final SimCatalog catalog;
    private final PredictionMarketRest prediction;
    private final Map<Venue, ActorRef<SimVenue.Command>> venues = new EnumMap<>(Venue.class);
    private final Map<Venue, CryptoSimulators.Entry> crypto = new EnumMap<>(Venue.class);
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong kalshiAuthFailures = new AtomicLong();
    private ServerBinding binding;

    private VenueSimulator(ActorSystem<?> system, SimulatorSettings settings) {
        this.system = system;
        this.settings = settings;
        this.catalog = SimCatalog.generate(settings.polymarketMarkets(), settings.kalshiMarkets(), settings.seed());
        this.prediction = new PredictionMarketRest(catalog, settings);
        long instance = System.nanoTime();
        venues.put(Venue.POLYMARKET, spawn(PolymarketSimulator.create(catalog, settings.updatesPerSecond(), settings.seed()),
                "sim-polymarket-" + instance));
        venues.put(Venue.KALSHI, spawn(KalshiSimulator.create(catalog, settings.updatesPerSecond(), settings.seed()),
                "sim-kalshi-" + instance));
        for (CryptoSimulators.Entry entry : CryptoSimulators.ALL) {
            venues.put(entry.venue(), spawn(entry.factory().apply(settings), "sim-" + entry.venue().id() + "-" + instance));
            crypto.put(entry.venue(), entry);
        }
    }

    /** Starts the simulated venues and waits until their port is bound. */
    public static VenueSimulator start(ActorSystem<?> system, SimulatorSettings settings) {
        VenueSimulator simulator = new VenueSimulator(system, settings);
        ServerSettings server = ServerSettings.create(system.settings().config());
        // Kalshi pings every 10 s at the WebSocket frame level with the body "heartbeat".
        server = server.withWebsocketSettings(server.getWebsocketSettings()
                .withPeriodicKeepAliveMode("ping")
                .withPeriodicKeepAliveMaxIdle(scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS))
                .withPeriodicKeepAliveData(() -> org.apache.pekko.util.ByteString.fromString("heartbeat")));
        try {
            simulator.binding = Http.get(system).newServerAt(settings.host(), settings.port()).withSettings(server)
                    .bind(simulator.routes()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            simulator.stopVenues();
            throw new IllegalStateException("venue simulator could not bind " + settings.host() + ":" + settings.port()
                    + ": " + e, e);
        }
        system.log().info("venue simulator listening on {}:{}: {} Polymarket market(s), {} Kalshi market(s), "
                        + "{} instrument(s) on each of {}, {} updates/s per venue", settings.host(), simulator.port(),
                settings.polymarketMarkets(), settings.kalshiMarkets(), settings.cryptoMarkets(),
                simulator.cryptoVenues().stream().map(Venue::id).toList(), settings.updatesPerSecond());
        return simulator;
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    public String polymarketWsUrl() {
        return "ws://" + settings.clientHost() + ":" + port() + "/ws/market";
    }

    public String polymarketRestUrl() {
        return "http://" + settings.clientHost() + ":" + port() + "/polymarket";
    }

    public String kalshiWsUrl() {
        return "ws://" + settings.clientHost() + ":" + port() + "/trade-api/ws/v2";
    }

    public String kalshiRestUrl() {
        return "http://" + settings.clientHost() + ":" + port() + "/trade-api/v2";
    }

    /** The venues this simulator serves. */
    public java.util.Set<Venue> servedVenues() {
        return java.util.Collections.unmodifiableSet(venues.keySet());
    }

    /** The crypto venues this simulator serves, in registration order. */
    public List<Venue> cryptoVenues() {
        return List.copyOf(crypto.keySet());
    }

    /** A venue's WebSocket URL, as its {@code ws-url} setting takes it. */
    public String wsUrl(Venue venue) {
        return switch (venue) {
            case POLYMARKET -> polymarketWsUrl();
            case KALSHI -> kalshiWsUrl();
            default -> "ws://" + settings.clientHost() + ":" + port() + "/" + venue.id() + "/"
                    + cryptoEntry(venue).wsPaths().get(0);
        };
    }

    /** A venue's REST base, as its {@code rest-url} setting takes it. */
    public String restUrl(Venue venue) {
        return switch (venue) {
            case POLYMARKET -> polymarketRestUrl();
            case KALSHI -> kalshiRestUrl();
            default -> "http://" + settings.clientHost() + ":" + port() + "/" + cryptoEntry(venue).venue().id();
        };
    }

    private CryptoSimulators.Entry cryptoEntry(Venue venue) {
        CryptoSimulators.Entry entry = crypto.get(venue);
        if (entry == null) {
            throw new IllegalArgumentException("the simulator does not serve " + venue.id());
        }
        return entry;
    }

    /** Base of the control routes ({@code /sim/...}) for a client on this machine. */
    public String controlUrl() {
        return "http://" + settings.clientHost() + ":" + port();
    }

    /** The symbols of every book of a venue: Polymarket token ids, Kalshi tickers. */
    public List<String> markets(Venue venue) {
        return switch (venue) {
            case POLYMARKET -> catalog.polymarket().stream()
                    .flatMap(m -> java.util.stream.Stream.of(m.yesToken(), m.noToken())).toList();
            case KALSHI -> catalog.kalshi().stream().map(SimCatalog.KalshiMarket::ticker).toList();
            default -> crypto.containsKey(venue) ? await(ask(venue, SimVenue.GetMarkets::new)) : List.of();
        };
    }

    /** The venue's true book now, normalized as the node serves it (best first, prices as probabilities). */
    public BookSnapshot trueBook(Venue venue, String symbol) {
        Optional<BookSnapshot> book = await(ask(venue, reply -> new SimVenue.GetTrueBook(symbol, reply)));
        return book.orElseThrow(() -> new IllegalArgumentException("the simulator has no " + venue.id() + " market " + symbol));
    }

    /**
     * The venue lists a new market titled {@code title} now: on Polymarket a market with a YES and a NO token, on Kalshi
     * a new ticker. Its books join the random walk and are served to sockets that subscribe to them; the REST API lists
     * it from the moment this returns. Returns its symbols (Polymarket: YES token, NO token).
     *
     * @throws IllegalArgumentException for a venue that cannot list markets at runtime, or a blank title
     */
    public List<String> listMarket(Venue venue, String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("a listed market needs a title");
        }
        SimCatalog.Listed market = switch (venue) {
            case POLYMARKET -> catalog.newPolymarket(title.strip(), Instant.now());
            case KALSHI -> catalog.newKalshi(title.strip(), Instant.now());
            default -> throw new IllegalArgumentException("the simulator lists markets at runtime on polymarket and "
                    + "kalshi only, not " + venue.id());
        };
        // Books first, then the REST listing: a node that discovers the market finds its books at once.
        boolean listed = await(this.<Boolean>ask(venue, reply -> new SimVenue.ListMarket(market, reply)));
        if (!listed) {
            throw new IllegalStateException("the simulated " + venue.id() + " refused to list " + market.symbols());
        }
        catalog.add(market);
        return market.symbols();
    }

    /**
     * The venue closes a market: from now on its REST API lists it closed (Gamma {@code closed:true}, no longer
     * accepting orders; Kalshi status {@code closed}), so discovery no longer offers it. Its WebSocket keeps serving
     * the last book. {@code symbol} is a Polymarket token (or condition id; both tokens close) or a Kalshi ticker.
     * Returns the symbols closed.
     *
     * @throws IllegalArgumentException when the venue lists no such market
     */
    public List<String> closeMarket(Venue venue, String symbol) {
        List<String> closed = switch (venue) {
            case POLYMARKET -> catalog.closePolymarket(symbol);
            case KALSHI -> catalog.closeKalshi(symbol);
            default -> List.of();
        };
        if (closed.isEmpty()) {
            throw new IllegalArgumentException("the simulated " + venue.id() + " lists no market " + symbol);
        }
        system.log().info("venue simulator: {} closed {}", venue.id(), closed);
        return closed;
    }

    /** Stops every book from moving; the feeds go quiet. */
    public void pause() {
        venues.keySet().forEach(venue -> inject(venue, SimVenue.Fault.PAUSE));
    }

    public void resume() {
        venues.keySet().forEach(venue -> inject(venue, SimVenue.Fault.RESUME));
    }

    public void setUpdatesPerSecond(double updatesPerSecond) {
        venues.values().forEach(ref -> await(AskPattern.<SimVenue.Command, Integer>ask(ref,
                reply -> new SimVenue.SetRate(updatesPerSecond, reply), ASK_TIMEOUT, system.scheduler())));
    }

    /** Closes every open socket of the venue from the server side; returns how many. */
    public int dropConnections(Venue venue) {
        return inject(venue, SimVenue.Fault.DROP_CONNECTIONS);
    }

    /** Sends a truncated JSON frame on every socket of the venue; returns how many sockets got it. */
    public int sendMalformedFrame(Venue venue) {
        return inject(venue, SimVenue.Fault.MALFORMED_FRAME);
    }

    /** Sends a well-formed frame of an event type the venue does not document; returns how many sockets got it. */
    public int sendUnknownEvent(Venue venue) {
        return inject(venue, SimVenue.Fault.UNKNOWN_EVENT);
    }

    /** On each Kalshi socket, the next change of one book subscription is never sent: its seq is skipped. */
    public int injectSequenceGap() {
        return injectSequenceGap(Venue.KALSHI);
    }

    /**
     * The next change of one book subscription on each socket of the venue is never sent, its sequence number (or
     * checksum) spent, so only the venue's own integrity rules can expose it. Returns how many were dropped.
     */
    public int injectSequenceGap(Venue venue) {
        return inject(venue, SimVenue.Fault.SEQUENCE_GAP);
    }

    /** The next REST snapshot of each book is older than the diffs clients buffered (venues that splice). */
    public int serveStaleSnapshots(Venue venue) {
        return inject(venue, SimVenue.Fault.STALE_SNAPSHOT);
    }

    /** The venue asks every socket to reconnect (reconnect request, maintenance notice). Returns how many sockets. */
    public int requestReconnect(Venue venue) {
        return inject(venue, SimVenue.Fault.RECONNECT_REQUEST);
    }

    /** Every socket open on the venue now goes silent for good (not even command answers); new ones work. */
    public int stallFeeds(Venue venue) {
        return inject(venue, SimVenue.Fault.STALL);
    }

    /**
     * Sockets open now ignore later subscription changes (Polymarket {@code operation} frames) and get no more
     * unsolicited full books: only a new socket brings a fresh snapshot. Returns how many sockets.
     */
    public int ignoreResubscriptions(Venue venue) {
        return inject(venue, SimVenue.Fault.IGNORE_RESUBSCRIBE);
    }

    /**
     * Removes the best level of one book a socket follows without sending anything: only the venue's next top-of-book
     * claim on that book can reveal it (Polymarket has no sequence numbers). Returns 1 if a book was changed.
     */
    public int hideTopOfBookChange(Venue venue) {
        return inject(venue, SimVenue.Fault.HIDDEN_TOP_CHANGE);
    }

    /**
     * Moves every level of a crypto venue's book by {@code ticks} ticks (up when positive; down at most as far as keeps
     * every price positive), sent to subscribed sockets as the venue's ordinary book changes, with its sequence and
     * checksum rules, one level at a time and never crossed. Works while paused. This is how a test makes two venues'
     * books cross (one's bid above another's ask) and uncross. Returns the ticks applied.
     *
     * @throws IllegalArgumentException when the venue is not a simulated crypto venue or has no such market
     */
    public long shiftBook(Venue venue, String symbol, long ticks) {
        cryptoEntry(venue);
        Optional<Long> applied = await(this.<Optional<Long>>ask(venue,
                reply -> new SimVenue.ShiftBook(symbol, ticks, reply)));
        return applied.orElseThrow(() -> new IllegalArgumentException("the simulator has no " + venue.id()
                + " market " + symbol));
    }

    /**
     * From now on the crypto venue's REST listing shows the market as the real venue shows one it stopped trading
     * (Binance BREAK, Coinbase delisted, OKX suspend, Bybit Closed, Crypto.com not tradable, Bitstamp Disabled; Kraken
     * leaves it out of AssetPairs), and its book stops moving. Sockets are not touched.
     *
     * @throws IllegalArgumentException when the venue is not a simulated crypto venue or has no such market
     */
    public void delistCryptoMarket(Venue venue, String symbol) {
        cryptoEntry(venue);
        boolean listed = await(this.<Boolean>ask(venue, reply -> new SimVenue.Delist(symbol, reply)));
        if (!listed) {
            throw new IllegalArgumentException("the simulator has no " + venue.id() + " market " + symbol);
        }
    }

    public SimulatorStats stats(Venue venue) {
        return await(ask(venue, SimVenue.GetStats::new));
    }

    /** Kalshi handshakes refused for a missing, stale or wrong signature. */
    public long kalshiAuthFailures() {
        return kalshiAuthFailures.get();
    }

    @Override
    public void close() {
        if (binding != null) {
            try {
                binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                system.log().warn("venue simulator did not unbind cleanly: {}", e.toString());
            }
        }
        stopVenues();
    }

    // ---------------------------------------------------------------- HTTP

    private Route routes() {
        return concat(
                path(PathMatchers.segment("ws").slash("market"), () -> get(() -> socket(Venue.POLYMARKET))),
                path(PathMatchers.segment("polymarket").slash("markets"), () -> get(this::gammaMarkets)),
                path(PathMatchers.segment("trade-api").slash("ws").slash("v2"), () -> get(() -> extractRequest(request -> {
                    String refused = prediction.kalshiAuthFailure(request);
                    if (refused != null) {
                        kalshiAuthFailures.incrementAndGet();
                        system.log().info("venue simulator refused a Kalshi handshake: {}", refused);
                        return complete(HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED).withEntity(
                                ContentTypes.APPLICATION_JSON, "{\"error\":{\"code\":\"authentication_error\",\"message\":\""
                                        + refused + "\"}}"));
                    }
                    return socket(Venue.KALSHI);
                }))),
                path(PathMatchers.segment("trade-api").slash("v2").slash("markets"), () -> get(this::kalshiMarkets)),
                pathPrefix("sim", this::controlRoutes),
                crypto.values().stream().map(this::cryptoRoutes).reduce(Route::orElse)
                        .orElseGet(() -> reject()));
    }

    /** {@code /<venue>/<ws path>} upgrades to the venue's WebSocket; any other GET under {@code /<venue>} is its REST. */
    private Route cryptoRoutes(CryptoSimulators.Entry entry) {
        ActorRef<SimVenue.Command> venue = venues.get(entry.venue());
        return pathPrefix(entry.venue().id(), () -> extractUnmatchedPath(rest -> {
            String path = rest.startsWith("/") ? rest.substring(1) : rest;
            if (entry.wsPaths().contains(path)) {
                return parameterMap(query -> extractWebSocketUpgrade(upgrade ->
                        complete(upgrade.handleMessagesWith(socketFlow(venue, path, Map.copyOf(query))))));
            }
            return get(() -> parameterMap(query -> onSuccess(
                    AskPattern.<SimVenue.Command, SimVenue.RestReply>ask(venue,
                            reply -> new SimVenue.RestGet(rest, Map.copyOf(query), reply), ASK_TIMEOUT, system.scheduler()),
                    reply -> complete(HttpResponse.create().withStatus(reply.status())
                            .withEntity(ContentTypes.APPLICATION_JSON, reply.body())))));
        }));
    }

    private Route socket(Venue venue) {
        return extractWebSocketUpgrade(upgrade -> complete(upgrade.handleMessagesWith(socketFlow(venues.get(venue), "",
                Map.of()))));
    }

    private Flow<Message, Message, NotUsed> socketFlow(ActorRef<SimVenue.Command> venue, String path,
                                                      Map<String, String> query) {
        long id = connectionIds.incrementAndGet();
        Materializer materializer = Materializer.matFromSystem(system);
        Pair<ActorRef<SimConnection.Out>, Source<SimConnection.Out, NotUsed>> outgoing =
                ActorSource.<SimConnection.Out>actorRef(out -> out == SimConnection.Close.INSTANCE, out -> Optional.empty(),
                        SOCKET_BUFFER, OverflowStrategy.fail()).preMaterialize(materializer);
        venue.tell(new SimVenue.Connected(id, outgoing.first(), path, query));
        Source<Message, NotUsed> toClient = outgoing.second()
                .map(out -> (Message) TextMessage.create(((SimConnection.Text) out).text()));
        Sink<Message, NotUsed> fromClient = Flow.<Message>create()
                .mapAsync(1, message -> message.isText()
                        ? message.asTextMessage().toStrict(5_000, materializer).thenApply(strict -> strict.getStrictText())
                        : message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer).thenApply(done -> ""))
                .filter(text -> !text.isEmpty())
                .to(Sink.foreach(text -> venue.tell(new SimVenue.ClientText(id, text))));
        return Flow.fromSinkAndSourceCoupled(fromClient, toClient).watchTermination((notUsed, done) -> {
            done.whenComplete((ok, failure) -> venue.tell(new SimVenue.Disconnected(id)));
            return NotUsed.getInstance();
        });
    }

    private Route gammaMarkets() {
        return parameterMultiMap(query -> completeJson(prediction.gammaMarkets(query)));
    }

    private Route kalshiMarkets() {
        return parameterMultiMap(query -> completeJson(prediction.kalshiMarkets(query)));
    }

    /**
     * {@code POST /sim/{venue}/{fault}}, {@code GET /sim/{venue}/stats}, {@code GET /sim/{venue}/markets} (every
     * book's symbol), {@code GET /sim/{venue}/book/{symbol}}; crypto venues also {@code POST
     * /sim/{venue}/shift?symbol=..&ticks=..} ({@link #shiftBook}) and {@code POST /sim/{venue}/delist?symbol=..}
     * ({@link #delistCryptoMarket}); Polymarket and Kalshi {@code POST /sim/{venue}/list?title=..} ({@link #listMarket})
     * and {@code POST /sim/{venue}/close?symbol=..} ({@link #closeMarket}).
     */
    private Route controlRoutes() {
        return pathPrefix(PathMatchers.segment(), venueId -> {
            Venue venue;
            try {
                venue = Venue.fromId(venueId);
            } catch (IllegalArgumentException e) {
                return complete(StatusCodes.NOT_FOUND, "unknown venue " + venueId);
            }
            if (!venues.containsKey(venue)) {
                return complete(StatusCodes.NOT_FOUND, "the simulator does not serve " + venueId);
            }
            return concat(
                    path("list", () -> post(() -> parameterOptional("title", title -> {
                        try {
                            return completeJson(write(Map.of("venue", venue.id(),
                                    "markets", listMarket(venue, title.orElse("")))));
                        } catch (IllegalArgumentException e) {
                            return complete(StatusCodes.BAD_REQUEST, e.getMessage());
                        }
                    }))),
                    path("close", () -> post(() -> parameter("symbol", symbol -> {
                        try {
                            return completeJson(write(Map.of("venue", venue.id(), "closed", closeMarket(venue, symbol))));
                        } catch (IllegalArgumentException e) {
                            return complete(StatusCodes.NOT_FOUND, e.getMessage());
                        }
                    }))),
                    path("stats", () -> get(() -> completeJson(write(stats(venue))))),
                    path("markets", () -> get(() -> completeJson(write(Map.of("venue", venue.id(), "markets", markets(venue)))))),
                    path(PathMatchers.segment("book").slash(PathMatchers.segment()), symbol -> get(() -> {
                        try {
                            return completeJson(ProtocolJson.mapper().writeValueAsString(trueBook(venue, symbol)));
                        } catch (IllegalArgumentException e) {
                            return complete(StatusCodes.NOT_FOUND, e.getMessage());
                        } catch (Exception e) {
                            return complete(StatusCodes.INTERNAL_SERVER_ERROR, e.toString());
                        }
                    })),
                    path("shift", () -> post(() -> parameter("symbol", symbol -> parameter("ticks", ticks -> {
                        try {
                            long applied = shiftBook(venue, symbol, Long.parseLong(ticks));
                            return completeJson(write(Map.of("venue", venue.id(), "symbol", symbol, "ticks", applied)));
                        } catch (NumberFormatException e) {
                            return complete(StatusCodes.BAD_REQUEST, "ticks must be a whole number: " + ticks);
                        } catch (IllegalArgumentException e) {
                            return complete(StatusCodes.NOT_FOUND, e.getMessage());
                        }
                    })))),
                    path("delist", () -> post(() -> parameter("symbol", symbol -> {
                        try {
                            delistCryptoMarket(venue, symbol);
                            return completeJson(write(Map.of("venue", venue.id(), "symbol", symbol, "delisted", true)));
                        } catch (IllegalArgumentException e) {
                            return complete(StatusCodes.NOT_FOUND, e.getMessage());
                        }
                    }))),
                    path(PathMatchers.segment(), fault -> post(() -> {
                        SimVenue.Fault chosen = switch (fault) {
                            case "pause" -> SimVenue.Fault.PAUSE;
                            case "resume" -> SimVenue.Fault.RESUME;
                            case "drop" -> SimVenue.Fault.DROP_CONNECTIONS;
                            case "malformed" -> SimVenue.Fault.MALFORMED_FRAME;
                            case "unknown" -> SimVenue.Fault.UNKNOWN_EVENT;
                            case "gap" -> SimVenue.Fault.SEQUENCE_GAP;
                            case "stall" -> SimVenue.Fault.STALL;
                            case "ignore-resubscribe" -> SimVenue.Fault.IGNORE_RESUBSCRIBE;
                            case "hidden-top-change" -> SimVenue.Fault.HIDDEN_TOP_CHANGE;
                            case "stale-snapshot" -> SimVenue.Fault.STALE_SNAPSHOT;
                            case "reconnect-request" -> SimVenue.Fault.RECONNECT_REQUEST;
                            default -> null;
                        };
                        if (chosen == null) {
                            return complete(StatusCodes.NOT_FOUND, "faults: pause, resume, drop, malformed, unknown, gap, "
                                    + "stall, ignore-resubscribe, hidden-top-change, stale-snapshot, reconnect-request");
                        }
                        return completeJson("{\"fault\":\"" + fault + "\",\"touched\":" + inject(venue, chosen) + "}");
                    })));
        });
    }

    private Route completeJson(String json) {
        return complete(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- plumbing

    private ActorRef<SimVenue.Command> spawn(Behavior<SimVenue.Command> behavior, String name) {
        return system.systemActorOf(behavior, name, Props.empty());
    }

    private int inject(Venue venue, SimVenue.Fault fault) {
        return await(ask(venue, reply -> new SimVenue.Inject(fault, reply)));
    }

    private <T> CompletionStage<T> ask(Venue venue, Function<ActorRef<T>, SimVenue.Command> message) {
        ActorRef<SimVenue.Command> ref = venues.get(venue);
        if (ref == null) {
            throw new IllegalArgumentException("the simulator does not serve " + venue.id());
        }
        return AskPattern.ask(ref, message::apply, ASK_TIMEOUT, system.scheduler());
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(ASK_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the simulator", e);
        } catch (Exception e) {
            throw new IllegalStateException("the simulator did not answer: " + e, e);
        }
    }

    private void stopVenues() {
        venues.values().forEach(ref -> ref.tell(SimVenue.Stop.INSTANCE));
    }
}
