package io.marketmesh.node.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import io.marketmesh.node.tls.HttpsSettings;
import java.util.Optional;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Binds the API (HTTPS instead of HTTP when {@code marketmesh.http.tls.enabled}: one scheme per port, so nothing is
 * ever served in the clear by mistake) and unbinds it first thing on coordinated shutdown, so load balancers stop
 * sending.
 */
public final class HttpServer {

    private HttpServer() {
    }

    public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route, HttpSettings settings) {
        Optional<HttpsConnectionContext> https = HttpsSettings.fromConfig(system.settings().config()
                .getConfig("marketmesh.http")).connectionContext(System::getenv);
        ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
        CompletionStage<ServerBinding> binding = https.map(server::enableHttps).orElse(server).bind(route);
        String scheme = https.isPresent() ? "https" : "http";
        binding.whenComplete((bound, failure) -> {
            if (failure != null) {
                system.log().error("HTTP API could not bind {}:{}: {} — stopping the node", settings.host(),
                        settings.port(), failure.getMessage());
                system.terminate();
            } else {
                system.log().info("HTTP API listening on {}://{}:{}/api/v1, dashboard at /", scheme,
                        bound.localAddress().getHostString(),
                        bound.localAddress().getPort());
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
                        () -> bound.unbind().thenApply(done -> Done.getInstance()));
                CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-drain",
                        () -> bound.terminate(Duration.ofSeconds(5)).thenApply(t -> Done.getInstance()));
            }
        });
        return binding;
    }
}
