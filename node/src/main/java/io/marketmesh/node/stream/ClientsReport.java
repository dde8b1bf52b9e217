package io.marketmesh.node.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/stream/clients}: this node's stream clients, totals and each client (the first
 * {@link #LISTED} by id).
 *
 * @param connected          clients connected now
 * @param connectedSinceStart clients connected since the node started
 * @param subscriptions      subscriptions held now, over all clients
 * @param marketsStreamed    markets this node follows for its clients
 * @param feedUpdatesReceived updates this node took from market actors since start: each change of a market followed
 *                           here arrives once, however many clients here follow it
 * @param messagesSent       messages clients' sockets have taken since start (gone clients included)
 * @param bytesSent          their size in characters
 * @param conflations        books sent as one fresh snapshot instead of the changes a slow client could not take
 * @param disconnects        clients gone since start, per reason ({@code client closed}, {@code too slow},
 *                           {@code idle}, ...)
 * @param clients            each client, by id
 */
public record ClientsReport(int connected, long connectedSinceStart, long subscriptions, int marketsStreamed,
                            long feedUpdatesReceived, long messagesSent, long bytesSent, long conflations,
                            Map<String, Long> disconnects, List<Client> clients) {

    static final int LISTED = 1000;

    /**
     * @param kind   {@code websocket} or {@code sse}
     * @param queued messages waiting in its buffer now
     * @param behind whether its book changes are being conflated now
     */
    public record Client(long id, String kind, String remote, long connectedAt, int subscriptions, long messagesSent,
                         long bytesSent, long conflations, int queued, boolean behind) {
    }

    static ClientsReport of(Collection<StreamClient> all, int markets, StreamHub.ClientCounters counters) {
        long subscriptions = 0;
        long messages = counters.messagesOfGone;
        long bytes = counters.bytesOfGone;
        List<Client> listed = new ArrayList<>();
        for (StreamClient c : all) {
            subscriptions += c.subscriptions.size();
            messages += c.messages.get();
            bytes += c.characters.get();
            listed.add(new Client(c.id, c.sse ? "sse" : "websocket", c.remote, c.connectedAt, c.subscriptions.size(),
                    c.messages.get(), c.characters.get(), c.conflations, c.queued(), c.behind));
        }
        listed.sort(Comparator.comparingLong(Client::id));
        return new ClientsReport(all.size(), counters.connected, subscriptions, markets, counters.feedUpdatesReceived,
                messages, bytes, counters.conflations, new TreeMap<>(counters.disconnects),
                List.copyOf(listed.subList(0, Math.min(LISTED, listed.size()))));
    }
}
