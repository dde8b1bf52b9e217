package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kalshi's WebSocket v2 for the replay server: {@code subscribe}, {@code update_subscription}, {@code unsubscribe}
 * and {@code list_subscriptions} as the simulator answers them, a snapshot per market subscribed, and one signed
 * {@code orderbook_delta} per book change (the simulator's format). A delta's {@code sid} and {@code seq} are
 * written as it goes out, {@code seq} rising by one per message of its subscription for ever.
 */
final class KalshiReplayFeed extends ReplayFeed {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOK_CHANNEL = "orderbook_delta";
    private static final Set<String> CHANNELS = Set.of(BOOK_CHANNEL, "trade", "ticker", "market_lifecycle_v2");
    private static final byte[] DELTA_HEAD = "{\"type\":\"orderbook_delta\",\"sid\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private static final class Subscription {
        final long sid;
        final String channel;
        final Set<Integer> books = new LinkedHashSet<>();
        long seq;

        Subscription(long sid, String channel) {
            this.sid = sid;
            this.channel = channel;
        }
    }

    /** One socket: sids restart at 1 on every connection, as on the venue. */
    private static final class Session {
        final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
        long nextSid = 1;
    }

    private final List<String> marketIds = new ArrayList<>();
    /** Per cycle position: where the ISO {@code ts} and the {@code ts_ms} digits start in the encoded tail. */
    private final int[] isoAt;
    private final int[] msAt;
    /** Per book: the client and the book subscription following it, or null. */
    private final Client[] follower;
    private final Subscription[] followerSub;
    private final Map<Client, Session> sessions = new HashMap<>();
    private int followed;

    KalshiReplayFeed(List<SimCatalog.KalshiMarket> markets, int walk, long seed) {
        super(markets.stream().map(SimCatalog.KalshiMarket::ticker).toList());
        markets.forEach(m -> marketIds.add(m.marketId()));
        follower = new Client[symbols.size()];
        followerSub = new Subscription[symbols.size()];
        isoAt = new int[symbols.isEmpty() ? 0 : 2 * walk];
        msAt = new int[isoAt.length];
        build(walk, seed);
    }

    /** The frame from {@code ,"msg":} on: what follows the {@code sid} and {@code seq} written at send time. */
    @Override
    protected byte[] encode(int k, int book, SimBook.LevelChange change, SimBook after) {
        String frame = KalshiSimulator.deltaFrame(0, 0, symbols.get(book), marketIds.get(book), change, PLACEHOLDER_MS);
        String tail = frame.substring(frame.indexOf(",\"msg\":"));
        isoAt[k] = after(tail, "\"ts\":\"");
        msAt[k] = after(tail, "\"ts_ms\":");
        return tail.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected boolean send(int k, int book, byte[] msDigits, byte[] iso) {
        Client client = follower[book];
        if (client == null) {
            return false;
        }
        Subscription sub = followerSub[book];
        byte[] tail = cycleFrames[k];
        byte[] out = scratch(DELTA_HEAD.length + SEQ.length + 40 + tail.length);
        int at = put(out, 0, DELTA_HEAD);
        at = putLong(out, at, sub.sid);
        at = put(out, at, SEQ);
        at = putLong(out, at, ++sub.seq);
        System.arraycopy(tail, 0, out, at, tail.length);
        System.arraycopy(iso, 0, out, at + isoAt[k], ISO_CHARS);
        System.arraycopy(msDigits, 0, out, at + msAt[k], MS_DIGITS);
        client.send(out, at + tail.length);
        return true;
    }

    @Override
    public int followedBooks() {
        return followed;
    }

    @Override
    public void onText(Client client, String text) {
        Session session = sessions.computeIfAbsent(client, c -> new Session());
        JsonNode command;
        try {
            command = JSON.readTree(text);
        } catch (Exception e) {
            sendText(client, error(0, 1, "Unable to process message"));
            return;
        }
        if (command == null || !command.isObject()) {
            sendText(client, error(0, 1, "Unable to process message"));
            return;
        }
        long id = command.path("id").asLong(0);
        JsonNode params = command.path("params");
        switch (command.path("cmd").asText("")) {
            case "subscribe" -> subscribe(client, session, id, params);
            case "update_subscription" -> update(client, session, id, params);
            case "unsubscribe" -> unsubscribe(client, session, id, params);
            case "list_subscriptions" -> listSubscriptions(client, session, id);
            default -> sendText(client, error(id, 5, "Unknown command"));
        }
    }

    private void subscribe(Client client, Session session, long id, JsonNode params) {
        List<Integer> wanted = booksOf(params);
        for (JsonNode channelNode : params.path("channels")) {
            String channel = channelNode.asText();
            if (!CHANNELS.contains(channel)) {
                sendText(client, error(id, 8, "Unknown channel name"));
                continue;
            }
            if (channel.equals(BOOK_CHANNEL) && wanted.isEmpty()) {
                sendText(client, error(id, 2, "Params required"));
                continue;
            }
            Subscription sub = new Subscription(session.nextSid++, channel);
            session.subscriptions.put(sub.sid, sub);
            sendText(client, "{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"" + channel
                    + "\",\"sid\":" + sub.sid + "}}");
            if (channel.equals(BOOK_CHANNEL)) {
                for (int book : wanted) {
                    if (sub.books.add(book)) {
                        follow(client, sub, book);
                    }
                }
            }
        }
    }

    private void update(Client client, Session session, long id, JsonNode params) {
        JsonNode sids = params.path("sids");
        long sid = sids.isArray() && sids.size() == 1 ? sids.get(0).asLong() : params.path("sid").asLong(-1);
        Subscription sub = session.subscriptions.get(sid);
        if (sub == null) {
            sendText(client, error(id, 7, "Unknown subscription ID"));
            return;
        }
        List<Integer> changed = booksOf(params);
        List<Integer> added = new ArrayList<>();
        switch (params.path("action").asText("")) {
            case "add_markets" -> changed.forEach(book -> {
                if (sub.books.add(book)) {
                    added.add(book);
                }
            });
            case "delete_markets" -> changed.forEach(book -> {
                if (sub.books.remove(book)) {
                    unfollow(sub, book);
                }
            });
            default -> {
                sendText(client, error(id, 13, "Action not supported"));
                return;
            }
        }
        StringBuilder tickers = new StringBuilder("[");
        for (int book : sub.books) {
            tickers.append(tickers.length() == 1 ? "" : ",").append('"').append(symbols.get(book)).append('"');
        }
        sendText(client, "{\"type\":\"ok\",\"id\":" + id + ",\"sid\":" + sid + ",\"seq\":" + (++sub.seq)
                + ",\"msg\":{\"market_tickers\":" + tickers.append(']') + "}}");
        if (sub.channel.equals(BOOK_CHANNEL)) {
            added.forEach(book -> follow(client, sub, book));
        }
    }

    private void unsubscribe(Client client, Session session, long id, JsonNode params) {
        for (JsonNode sidNode : params.path("sids")) {
            long sid = sidNode.asLong();
            Subscription sub = session.subscriptions.remove(sid);
            if (sub != null) {
                sub.books.forEach(book -> unfollow(sub, book));
                sendText(client, "{\"type\":\"unsubscribed\",\"id\":" + id + ",\"sid\":" + sid + "}");
            } else {
                sendText(client, error(id, 7, "Unknown subscription ID"));
            }
        }
    }

    private void listSubscriptions(Client client, Session session, long id) {
        StringBuilder sb = new StringBuilder("{\"type\":\"ok\",\"id\":").append(id).append(",\"msg\":[");
        boolean first = true;
        for (Subscription sub : session.subscriptions.values()) {
            sb.append(first ? "" : ",").append("{\"channel\":\"").append(sub.channel).append("\",\"sid\":")
                    .append(sub.sid).append('}');
            first = false;
        }
        sendText(client, sb.append("]}").toString());
    }

    /** The book is now sent on {@code sub}: its snapshot first, from the book as last sent. */
    private void follow(Client client, Subscription sub, int book) {
        if (follower[book] == null) {
            followed++;
        }
        follower[book] = client;
        followerSub[book] = sub;
        sendText(client, KalshiSimulator.snapshotFrame(sub.sid, ++sub.seq, symbols.get(book), marketIds.get(book),
                currentBook(book)));
        snapshotsSent++;
    }

    private void unfollow(Subscription sub, int book) {
        if (followerSub[book] == sub) {
            follower[book] = null;
            followerSub[book] = null;
            followed--;
        }
    }

    @Override
    public void onClosed(Client client) {
        Session session = sessions.remove(client);
        if (session != null) {
            session.subscriptions.values().forEach(sub -> sub.books.forEach(book -> unfollow(sub, book)));
        }
    }

    private List<Integer> booksOf(JsonNode params) {
        List<Integer> result = new ArrayList<>();
        params.path("market_tickers").forEach(t -> {
            Integer book = indexOf.get(t.asText());
            if (book != null) {
                result.add(book);
            }
        });
        Integer single = indexOf.get(params.path("market_ticker").asText(""));
        if (single != null) {
            result.add(single);
        }
        return result;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** Writes a non-negative long as ASCII digits. */
    private static int putLong(byte[] out, int at, long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        long rest = value;
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return at + digits;
    }

    private static String error(long id, int code, String message) {
        return "{\"type\":\"error\",\"id\":" + id + ",\"msg\":{\"code\":" + code + ",\"msg\":\"" + message + "\"}}";
    }
}
