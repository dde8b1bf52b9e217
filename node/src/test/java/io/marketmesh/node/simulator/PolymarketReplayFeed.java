package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Polymarket's market channel for the replay server: one {@code price_change} per book change (the simulator's
 * format, with {@code best_bid}/{@code best_ask} after the change), the initial {@code book} dump per token on
 * subscription (up to 500 tokens a socket, as on the venue), {@code PONG} for {@code PING}.
 */
final class PolymarketReplayFeed extends ReplayFeed {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> conditionOfBook = new ArrayList<>();
    private final int[] timestampAt;
    /** Per book: the client following it, or null. */
    private final Client[] follower;
    private final Map<Client, Set<Integer>> assetsOf = new HashMap<>();
    private long hashCounter;
    private int followed;

    PolymarketReplayFeed(List<SimCatalog.PolymarketMarket> markets, int walk, long seed) {
        super(tokens(markets));
        for (SimCatalog.PolymarketMarket market : markets) {
            conditionOfBook.add(market.conditionId());
            conditionOfBook.add(market.conditionId());
        }
        follower = new Client[symbols.size()];
        timestampAt = new int[symbols.isEmpty() ? 0 : 2 * walk];
        build(walk, seed);
    }

    private static List<String> tokens(List<SimCatalog.PolymarketMarket> markets) {
        List<String> tokens = new ArrayList<>();
        for (SimCatalog.PolymarketMarket market : markets) {
            tokens.add(market.yesToken());
            tokens.add(market.noToken());
        }
        return tokens;
    }

    @Override
    protected byte[] encode(int k, int book, SimBook.LevelChange change, SimBook after) {
        StringBuilder item = new StringBuilder(256);
        PolymarketSimulator.appendChange(item, symbols.get(book), change, after, nextHash());
        String frame = PolymarketSimulator.priceChangeFrame(conditionOfBook.get(book), item, PLACEHOLDER_MS);
        timestampAt[k] = after(frame, "\"timestamp\":\"");
        return frame.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected boolean send(int k, int book, byte[] msDigits, byte[] iso) {
        Client client = follower[book];
        if (client == null) {
            return false;
        }
        byte[] frame = cycleFrames[k];
        byte[] out = scratch(frame.length);
        System.arraycopy(frame, 0, out, 0, frame.length);
        System.arraycopy(msDigits, 0, out, timestampAt[k], MS_DIGITS);
        client.send(out, frame.length);
        return true;
    }

    @Override
    public int followedBooks() {
        return followed;
    }

    @Override
    public void onText(Client client, String text) {
        if (text.strip().equals("PING")) {
            sendText(client, "PONG");
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (Exception e) {
            return; // the venue ignores what it cannot read
        }
        JsonNode ids = request == null ? null : request.get("assets_ids");
        if (ids == null || !ids.isArray()) {
            return;
        }
        Set<Integer> assets = assetsOf.computeIfAbsent(client, c -> new LinkedHashSet<>());
        if (request.path("operation").asText("subscribe").equals("unsubscribe")) {
            ids.forEach(id -> {
                Integer book = indexOf.get(id.asText());
                if (book != null && assets.remove(book)) {
                    unfollow(book, client);
                }
            });
            return;
        }
        boolean initialDump = request.path("initial_dump").asBoolean(true);
        List<String> books = new ArrayList<>();
        for (JsonNode id : ids) {
            Integer book = indexOf.get(id.asText());
            if (book == null || !assets.add(book)) {
                continue;
            }
            if (follower[book] == null) {
                followed++;
            }
            follower[book] = client;
            if (initialDump && assets.size() <= PolymarketSimulator.MAX_ASSETS_WITH_SNAPSHOT) {
                books.add(PolymarketSimulator.bookFrame(symbols.get(book), conditionOfBook.get(book), currentBook(book),
                        nextHash(), System.currentTimeMillis(), true));
                snapshotsSent++;
            }
        }
        if (!books.isEmpty()) {
            sendText(client, "[" + String.join(",", books) + "]");
        }
    }

    @Override
    public void onClosed(Client client) {
        Set<Integer> assets = assetsOf.remove(client);
        if (assets != null) {
            assets.forEach(book -> unfollow(book, client));
        }
    }

    private void unfollow(int book, Client client) {
        if (follower[book] == client) {
            follower[book] = null;
            followed--;
        }
    }

    private String nextHash() {
        String hex = Long.toHexString(++hashCounter);
        return "0".repeat(40 - hex.length()) + hex;
    }
}
