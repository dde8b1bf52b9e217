package io.marketmesh.node.stream;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code marketmesh.stream}: the limits of the client streams ({@code /api/v1/stream} and the per-market SSE streams).
 *
 * @param maxClients          clients connected to this node at once; one more is refused (503)
 * @param maxSubscriptions    channels one client may be subscribed to
 * @param maxMessageBytes     largest message a client may send (characters); a larger one is answered with an error
 * @param idleTimeout         a client holding no subscription that sends nothing this long is closed; 0 = never
 * @param maxDepth            largest {@code depth} a subscription may ask for
 * @param bufferMessages      messages waiting for one client's socket at most
 * @param conflateAbove       fill of that buffer above which a client's book changes are conflated: held back and
 *                            replaced by one fresh snapshot per market once the client has caught up
 * @param resumeBelow         fill below which a conflated client is sent its fresh snapshots and resumes
 * @param slowClientCloseAfter a client still behind (conflating) this long is closed with 1008; 0 = never
 * @param closeWhenFull       true: a client whose buffer is full is closed at once (1008) instead of conflated
 * @param resubscribeAfter    how long the hub waits for a market's snapshot before asking its actor again
 */
public record StreamSettings(int maxClients, int maxSubscriptions, int maxMessageBytes, Duration idleTimeout,
                             int maxDepth, int bufferMessages, int conflateAbove, int resumeBelow,
                             Duration slowClientCloseAfter, boolean closeWhenFull, Duration resubscribeAfter) {

    public static StreamSettings fromConfig(Config c) {
        int buffer = c.getInt("buffer-messages");
        StreamSettings settings = new StreamSettings(c.getInt("max-clients"), c.getInt("max-subscriptions"),
                c.getInt("max-message-bytes"), c.getDuration("idle-timeout"), c.getInt("max-depth"), buffer,
                (int) Math.round(buffer * c.getDouble("conflate-above")),
                (int) Math.round(buffer * c.getDouble("resume-below")), c.getDuration("slow-client-close-after"),
                "close".equals(c.getString("slow-client-policy")), c.getDuration("resubscribe-after"));
        settings.validate(c.getString("slow-client-policy"));
        return settings;
    }

    private void validate(String policy) {
        if (!policy.equals("close") && !policy.equals("conflate")) {
            throw new IllegalArgumentException("marketmesh.stream.slow-client-policy must be conflate or close, not "
                    + policy);
        }
        if (bufferMessages < 16 || resumeBelow >= conflateAbove || conflateAbove >= bufferMessages) {
            throw new IllegalArgumentException("marketmesh.stream: buffer-messages must be >= 16 and "
                    + "0 <= resume-below < conflate-above < 1");
        }
        if (maxClients < 1 || maxSubscriptions < 1 || maxMessageBytes < 64 || maxDepth < 1) {
            throw new IllegalArgumentException("marketmesh.stream: max-clients, max-subscriptions, max-depth must be "
                    + ">= 1 and max-message-bytes >= 64");
        }
    }
}
