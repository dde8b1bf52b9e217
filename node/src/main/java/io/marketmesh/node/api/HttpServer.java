package io.marketmesh.node.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds the API and unbinds it first thing on coordinated shutdown, so load balancers stop sending. */
public final class HttpServer {

    private HttpServer() {
    }

    public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Route route, HttpSettings settings) {
        CompletionStage<ServerBinding> binding = Http.get(system).newServerAt(settings.host(), settings.port()).bind(route);
        binding.whenComplete((bound, failure) -> {
            if (failure != null) {
                system.log().error("HTTP API could not bind {}:{}: {} — stopping the node", settings.host(),
                        settings.port(), failure.getMessage());
                system.terminate();
            } else {
                system.log().info("HTTP API listening on http://{}:{}/api/v1, dashboard at /", bound.localAddress().getHostString(),
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
