package io.marketmesh.node.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The plumbing the operator's checks ({@link BookCheck}, {@link TopicCheck}, {@link FreshWatch}) share: one HTTP/1.1
 * client to the nodes and the simulator, JSON bodies read leniently (a body that is not JSON is {@code null}, for the
 * check to report, not an exception), blocking requests whose failure says who could not be asked, and the
 * command-line and waiting helpers. Cold-path tools: plain and readable over fast.
 */
final class CheckHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckHttp() {
    }

    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** The body as JSON; {@code null} when empty or not JSON. */
    static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Sends and waits for the answer, whatever its status.
     *
     * @param whom who is asked, for the message when no answer comes ("the simulator at http://...")
     * @throws IllegalStateException when no answer came (refused, timed out), or the thread was interrupted
     */
    static HttpResponse<String> send(HttpClient http, HttpRequest request, String whom) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(whom + " could not be asked (" + request.method() + " " + request.uri()
                    + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A command-line option's value, which must follow it. */
    static String required(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** Whole seconds since {@code startNanos} ({@link System#nanoTime}), for progress lines. */
    static long secondsSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
    }

    /** Waits between polls of a command-line check (never on an actor's thread). */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
