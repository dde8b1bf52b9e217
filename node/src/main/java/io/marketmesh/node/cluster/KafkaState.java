package io.marketmesh.node.cluster;

import io.marketmesh.node.serialization.CborSerializable;

/**
 * A node's view of its Kafka, as {@code /health/ready}, {@code /api/v1/cluster} and the metrics show it.
 *
 * @param status   {@code connected} (the broker answers and the topics exist), {@code unreachable} (the node cannot
 *                 publish now: records queue up to the publish buffer, then the oldest are dropped and announced by a
 *                 continuity record), or {@code disabled} ({@code marketmesh.kafka.enabled = false})
 * @param since    when the status last changed (ISO-8601), null for {@code disabled}
 * @param reason   why it is unreachable (the last error), null otherwise
 * @param queued   records waiting in the node's publish queue now
 */
public record KafkaState(String status, String since, String reason, int queued) implements CborSerializable {

    public static final String CONNECTED = "connected";
    public static final String UNREACHABLE = "unreachable";
    public static final KafkaState DISABLED = new KafkaState("disabled", null, null, 0);

    public boolean connected() {
        return CONNECTED.equals(status);
    }
}
