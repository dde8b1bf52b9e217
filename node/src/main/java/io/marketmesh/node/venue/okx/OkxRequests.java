package io.marketmesh.node.venue.okx;

import io.marketmesh.node.venue.SessionOutput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribe and unsubscribe frames of one socket, kept within OKX's budget of such requests per connection and
 * hour. The connection's pacing cannot keep that budget: it paces every frame, pings included, and an hour-long
 * window would hold the pings back until the venue closes the socket. So the requests are counted here, over a
 * rolling hour (which also keeps any fixed hour the venue may count), and those beyond the budget wait, in order, for
 * a timer. Pings are not requests and never wait.
 */
final class OkxRequests {

    static final String TIMER = "okx-requests";
    static final Duration WINDOW = Duration.ofHours(1);
    /** One book channel for the instruments resubscribed; trades and tickers stay subscribed. */
    static final List<String> BOOKS_ONLY = List.of("books");
    static final List<String> ALL_CHANNELS = List.of("books", "trades", "tickers");

    private static final Logger log = LoggerFactory.getLogger(OkxRequests.class);

    private final int perHour;
    private final LongSupplier clock;
    /** When each request of the last hour went out, oldest first. */
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private boolean timerSet;
    private final OkxCounters counters;

    OkxRequests(int perHour, LongSupplier clock, OkxCounters counters) {
        this.perHour = perHour;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * {@code op} ({@code subscribe}/{@code unsubscribe}) of {@code channels} for {@code instIds}, {@code perFrame}
     * instruments to a frame (each instrument is one argument per channel).
     */
    void request(String op, List<String> channels, Collection<String> instIds, int perFrame, SessionOutput out) {
        StringBuilder frame = null;
        int inFrame = 0;
        for (String instId : instIds) {
            if (frame == null) {
                frame = new StringBuilder(64 + instIds.size() * 48 * channels.size()).append("{\"op\":\"").append(op)
                        .append("\",\"args\":[");
            }
            for (String channel : channels) {
                if (frame.charAt(frame.length() - 1) != '[') {
                    frame.append(',');
                }
                frame.append("{\"channel\":\"").append(channel).append("\",\"instId\":\"");
                appendEscaped(frame, instId);
                frame.append("\"}");
            }
            if (++inFrame == perFrame) {
                waiting.add(frame.append("]}").toString());
                frame = null;
                inFrame = 0;
            }
        }
        if (frame != null) {
            waiting.add(frame.append("]}").toString());
        }
        flush(out);
    }

    /** Sends what the budget allows now; the rest waits for {@link #TIMER}. */
    void flush(SessionOutput out) {
        long now = clock.getAsLong();
        long windowStart = now - WINDOW.toMillis();
        while (!sent.isEmpty() && sent.peekFirst() <= windowStart) {
            sent.pollFirst();
        }
        while (!waiting.isEmpty() && sent.size() < perHour) {
            out.send(waiting.pollFirst());
            sent.addLast(now);
            counters.requestsSent++;
        }
        counters.requestsWaiting = waiting.size();
        if (waiting.isEmpty()) {
            if (timerSet) {
                out.cancel(TIMER);
                timerSet = false;
            }
            return;
        }
        long wait = sent.peekFirst() + WINDOW.toMillis() - now + 1;
        if (!timerSet) {
            log.warn("OKX socket used its {} subscription requests of the last hour: {} request(s) wait {} s",
                    perHour, waiting.size(), wait / 1000);
        }
        out.schedule(TIMER, Duration.ofMillis(wait));
        timerSet = true;
    }

    /**
     * Whether {@code frames} more requests may go out now, none waiting before them. When not, the budget timer is
     * set, so the caller can try again when it fires.
     */
    boolean roomFor(int frames, SessionOutput out) {
        long now = clock.getAsLong();
        while (!sent.isEmpty() && sent.peekFirst() <= now - WINDOW.toMillis()) {
            sent.pollFirst();
        }
        if (waiting.isEmpty() && sent.size() + frames <= perHour) {
            return true;
        }
        if (!timerSet) {
            out.schedule(TIMER, Duration.ofMillis(sent.peekFirst() + WINDOW.toMillis() - now + 1));
            timerSet = true;
        }
        return false;
    }

    /** The budget timer fired. */
    void onTimer(SessionOutput out) {
        timerSet = false;
        flush(out);
    }

    int waiting() {
        return waiting.size();
    }

    private static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
    }
}
