package io.marketmesh.node.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Requests the HTTP API refused for security reasons (docs/security.md), one counter per reason: a rising count is
 * a misconfigured client or someone trying the door. Shown at {@code GET /metrics} (docs/observability.md).
 */
public final class HttpRefusals implements Extension, MultiCollector {

    private static final ExtensionId<HttpRefusals> ID = new ExtensionId<>() {
        @Override
        public HttpRefusals createExtension(ActorSystem<?> system) {
            return new HttpRefusals();
        }
    };

    /** Why a request was refused before it reached its endpoint. */
    public enum AuthReason {
        /** No token where one is needed: 401. */
        MISSING("missing_token"),
        /** A token that is not in the tokens file: 401. */
        UNKNOWN("unknown_token"),
        /** A read-only token on a mutating endpoint: 403. */
        READ_ONLY("read_only_token");

        final String label;

        AuthReason(String label) {
            this.label = label;
        }
    }

    private final LongAdder[] auth = new LongAdder[AuthReason.values().length];
    private final LongAdder rateLimited = new LongAdder();

    private HttpRefusals() {
        for (int i = 0; i < auth.length; i++) {
            auth[i] = new LongAdder();
        }
    }

    public static HttpRefusals get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    public void onAuthRefused(AuthReason reason) {
        auth[reason.ordinal()].increment();
    }

    public void onRateLimited() {
        rateLimited.increment();
    }

    public long authRefused(AuthReason reason) {
        return auth[reason.ordinal()].sum();
    }

    public long rateLimited() {
        return rateLimited.sum();
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder refusals = CounterSnapshot.builder().name("marketmesh_http_auth_refusals")
                .help("API requests refused for want of a (valid, read-write) token, by reason");
        for (AuthReason reason : AuthReason.values()) {
            refusals.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reason.label))
                    .value(authRefused(reason)).build());
        }
        return MetricSnapshots.of(refusals.build(), NodeCollector.counter("marketmesh_http_rate_limited",
                "Mutating API requests refused with 429: the client's rate limit was reached", rateLimited()));
    }
}
