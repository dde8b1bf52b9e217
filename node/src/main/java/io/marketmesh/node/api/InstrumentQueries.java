package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.catalog.CatalogView;
import io.marketmesh.node.instrument.InstrumentActor;
import io.marketmesh.node.instrument.InstrumentDefinition;
import io.marketmesh.node.instrument.InstrumentDirectory;
import io.marketmesh.node.instrument.InstrumentIds;
import io.marketmesh.node.instrument.InstrumentsView;
import io.marketmesh.node.subscription.FollowedMarkets;
import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketMetadata;
import io.marketmesh.protocol.ProtocolJson;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The instrument endpoints' handlers ({@code /api/v1/instruments}, {@code /api/v1/arbitrage}): lists come from this
 * node's {@link InstrumentsView}, summaries, consolidated books and opportunities from each instrument's sharded actor,
 * wherever it runs. Every query carries the instrument's definition, so an actor that is not running yet starts with it.
 */
final class InstrumentQueries {

    private static final ObjectMapper JSON = ProtocolJson.mapper();
    /** Legs one instrument may have. */
    static final int MAX_LEGS = 32;

    record InstrumentRow(String id, String origin, List<LegRow> markets) {
    }

    record LegRow(String market, boolean yes) {
    }

    record InstrumentsPage(int total, List<InstrumentRow> instruments) {
    }

    record ArbitragePage(int open, List<ArbitrageEvent> opportunities, List<String> unanswered) {
    }

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final InstrumentsView instruments;
    private final ActorRef<InstrumentDirectory.Command> directory;
    private final FollowedMarkets followed;
    private final Set<Venue> venues;
    private final Duration askTimeout;
    private final int maxDepth;
    private final CatalogView catalog;

    InstrumentQueries(ActorSystem<?> system, InstrumentsView instruments, ActorRef<InstrumentDirectory.Command> directory,
                      FollowedMarkets followed, Set<Venue> venues, Duration askTimeout, int maxDepth,
                      CatalogView catalog) {
        this.catalog = catalog;
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.instruments = instruments;
        this.directory = directory;
        this.followed = followed;
        this.venues = Set.copyOf(venues);
        this.askTimeout = askTimeout;
        this.maxDepth = maxDepth;
    }

    int maxDepth() {
        return maxDepth;
    }

    CompletionStage<HttpResponse> list() {
        List<InstrumentRow> rows = new ArrayList<>();
        for (String id : instruments.ids()) {
            InstrumentDefinition d = instruments.get(id);
            rows.add(new InstrumentRow(d.id(), d.origin(), d.legs().stream()
                    .map(l -> new LegRow(l.market().id(), l.yes())).toList()));
        }
        return done(ApiRoutes.response(200, new InstrumentsPage(rows.size(), rows)));
    }

    CompletionStage<HttpResponse> summary(String id) {
        InstrumentDefinition d = known(id);
        return Replies.of(sharding.entityRefFor(InstrumentActor.TYPE_KEY, id)
                        .<InstrumentSummary>ask(replyTo -> new InstrumentActor.GetSummary(d, replyTo), askTimeout))
                .thenApply(summary -> ApiRoutes.response(200, summary));
    }

    CompletionStage<HttpResponse> book(String id, Optional<String> depthParam) {
        InstrumentDefinition d = known(id);
        int depth = ApiRequests.intParam("depth", depthParam, maxDepth, 1, maxDepth);
        return Replies.of(sharding.entityRefFor(InstrumentActor.TYPE_KEY, id)
                        .<ConsolidatedBook>ask(replyTo -> new InstrumentActor.GetBook(d, depth, replyTo), askTimeout))
                .thenApply(book -> ApiRoutes.response(200, book));
    }

    /**
     * Every open opportunity, asked of each instrument of two legs or more. An instrument that does not answer in time
     * is named in {@code unanswered} rather than failing the whole list.
     */
    CompletionStage<HttpResponse> arbitrage() {
        List<CompletableFuture<InstrumentActor.Opportunities>> answers = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        for (InstrumentDefinition d : instruments.all().values()) {
            if (d.legs().size() < 2) {
                continue;
            }
            asked.add(d.id());
            answers.add(Replies.of(sharding.entityRefFor(InstrumentActor.TYPE_KEY, d.id())
                            .<InstrumentActor.Opportunities>ask(replyTo -> new InstrumentActor.GetOpportunities(d, replyTo),
                                    askTimeout))
                    .exceptionally(failure -> null));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<ArbitrageEvent> open = new ArrayList<>();
            List<String> unanswered = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                InstrumentActor.Opportunities o = answers.get(i).join();
                if (o == null) {
                    unanswered.add(asked.get(i));
                } else {
                    open.addAll(o.open());
                }
            }
            open.sort(Comparator.comparing(ArbitrageEvent::profitPercent).reversed()
                    .thenComparing(ArbitrageEvent::id));
            unanswered.sort(null);
            return ApiRoutes.response(200, new ArbitragePage(open.size(), open, unanswered));
        });
    }

    /** {@code POST /api/v1/instruments} {@code {"id": "...", "legs": [{"market": "venue:symbol", "yes": true}, ...]}}. */
    CompletionStage<HttpResponse> add(String body) {
        InstrumentDefinition definition = parse(body);
        return ask((ActorRef<InstrumentDirectory.Result> replyTo) -> new InstrumentDirectory.Add(definition, replyTo))
                .thenApply(result -> {
                    if (result.status() != 200) {
                        throw new ApiError(result.status(), result.status() == 409 ? "conflict" : "not_ready",
                                result.error());
                    }
                    return ApiRoutes.response(201, new InstrumentRow(definition.id(), InstrumentDefinition.RUNTIME,
                            definition.legs().stream().map(l -> new LegRow(l.market().id(), l.yes())).toList()));
                });
    }

    CompletionStage<HttpResponse> remove(String id) {
        validId(id);
        return ask((ActorRef<InstrumentDirectory.Result> replyTo) -> new InstrumentDirectory.Remove(id, replyTo))
                .thenApply(result -> {
                    if (result.status() != 200) {
                        throw new ApiError(result.status(), switch (result.status()) {
                            case 404 -> "unknown_instrument";
                            case 409 -> "conflict";
                            default -> "not_ready";
                        }, result.error());
                    }
                    return ApiRoutes.response(200, java.util.Map.of("removed", id));
                });
    }

    private InstrumentDefinition known(String id) {
        InstrumentDefinition d = instruments.get(validId(id));
        if (d == null) {
            throw ApiError.notFound("unknown_instrument", "no instrument '" + abbreviate(id)
                    + "' (GET /api/v1/instruments lists them)");
        }
        return d;
    }

    private InstrumentDefinition parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw ApiError.badRequest("body is not JSON: expected {\"id\": \"...\", \"legs\": [{\"market\": "
                    + "\"venue:symbol\", \"yes\": true}, ...]}");
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("body must be a JSON object with id and legs");
        }
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isTextual()) {
            throw ApiError.badRequest("id must be a string");
        }
        String id = idNode == null ? null : idNode.asText();
        if (InstrumentIds.problem(id) != null) {
            throw ApiError.badRequest("id: " + (id == null ? "required" : "'" + abbreviate(id) + "' is not valid")
                    + ": an instrument id is 1 to " + InstrumentIds.MAX_LENGTH + " letters, digits and - _ . : with a"
                    + " letter or digit");
        }
        JsonNode legsNode = root.get("legs");
        if (legsNode == null || !legsNode.isArray() || legsNode.isEmpty()) {
            throw ApiError.badRequest("legs must be a non-empty array of {\"market\": \"venue:symbol\", \"yes\": true}");
        }
        if (legsNode.size() > MAX_LEGS) {
            throw ApiError.badRequest("an instrument has at most " + MAX_LEGS + " legs");
        }
        List<InstrumentDefinition.Leg> legs = new ArrayList<>();
        Set<MarketKey> seen = new HashSet<>();
        for (JsonNode leg : legsNode) {
            JsonNode market = leg.get("market");
            if (market == null || !market.isTextual()) {
                throw ApiError.badRequest("each leg needs \"market\": \"venue:symbol\"");
            }
            MarketKey key;
            try {
                key = MarketKey.parse(market.asText());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("leg market '" + abbreviate(market.asText()) + "' is not venue:symbol with a "
                        + "known venue");
            }
            if (!ClientText.isSymbol(key.symbol())) {
                throw ApiError.badRequest("leg market '" + abbreviate(market.asText()) + "': "
                        + ApiRequests.SYMBOL_RULE);
            }
            if (!venues.contains(key.venue())) {
                throw ApiError.badRequest("leg market " + abbreviate(key.id()) + ": venue " + key.venue().id()
                        + " is not enabled on this node");
            }
            if (!followed.contains(key.venue(), key.symbol())) {
                throw ApiError.badRequest("leg market " + abbreviate(key.id()) + " is not followed: follow it first "
                        + "(POST /api/v1/subscriptions)");
            }
            if (!seen.add(key)) {
                throw ApiError.badRequest("leg market " + abbreviate(key.id()) + " is listed twice");
            }
            JsonNode yes = leg.get("yes");
            if (yes != null && !yes.isBoolean()) {
                throw ApiError.badRequest("leg \"yes\" must be true or false");
            }
            boolean sameYes = yes == null || yes.asBoolean();
            MarketMetadata metadata = catalog.get(key);
            if (!sameYes && metadata != null && metadata.kind() != null && !"binary".equals(metadata.kind())) {
                throw ApiError.badRequest("leg market " + abbreviate(key.id()) + " is a " + metadata.kind()
                        + " market, not a yes/no outcome: \"yes\": false applies to prediction markets only");
            }
            legs.add(new InstrumentDefinition.Leg(key, sameYes));
        }
        return new InstrumentDefinition(id, legs, InstrumentDefinition.RUNTIME);
    }

    private <T> CompletableFuture<T> ask(java.util.function.Function<ActorRef<T>, InstrumentDirectory.Command> message) {
        return Replies.of(AskPattern.ask(directory, message::apply, askTimeout, system.scheduler()));
    }

    private static String abbreviate(String text) {
        return ClientText.quote(text);
    }

    /** An instrument id named by a path: 400 when it could not be one (before it reaches an actor or a log line). */
    private static String validId(String id) {
        String problem = InstrumentIds.problem(id);
        if (problem != null) {
            throw ApiError.badRequest("instrument id '" + abbreviate(id) + "' is not valid: an instrument id is 1 to "
                    + InstrumentIds.MAX_LENGTH + " letters, digits and - _ . :");
        }
        return id;
    }

    private static CompletionStage<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
