package io.marketmesh.node.stream;

import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.ProtocolJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;

/**
 * One channel one client subscribed: its own message count ({@code seq}) and the markets it is attached to. Owned by
 * the hub.
 */
final class Subscription {

    final StreamClient client;
    final StreamChannel channel;
    /** Top levels per side for a book; 0 = the whole book. */
    final int depth;
    /** The channel's name as a JSON string, written into every message. */
    final String quotedName;
    /**
     * The markets whose streams send to it: one for a market's channel; for a wildcard or {@code all} every market of
     * its venue (tens of thousands), a set, since each attach, detach and catch-up asks whether it holds one.
     */
    final Collection<MarketStream> attached;
    /**
     * Messages its client's socket has taken for it: the last message's {@code seq}. Owned by that socket's stream
     * (one at a time, in buffer order); nothing is dropped between the buffer and it, so no number is skipped.
     */
    long seq;

    Subscription(StreamClient client, StreamChannel channel, int depth) {
        this.client = client;
        this.channel = channel;
        this.depth = depth;
        this.quotedName = ProtocolJson.encode(channel.name());
        this.attached = channel.wildcard() || channel.kind() == StreamChannel.Kind.ALL ? new LinkedHashSet<>()
                : new ArrayList<>(1);
    }

    boolean carries(Channel records) {
        return channel.kind().carries(records);
    }

    boolean wantsBook() {
        return channel.kind() == StreamChannel.Kind.BOOK || channel.kind() == StreamChannel.Kind.ALL;
    }
}
