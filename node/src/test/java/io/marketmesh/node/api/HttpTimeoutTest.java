package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * An actor that does not answer within {@code marketmesh.http.ask-timeout} fails the ask with Pekko's
 * {@link AskTimeoutException}; the caller must get 504 with the JSON error body, not a 500. (A live node answers
 * far too fast to trip the timeout on one machine; provoking it end to end needs an unreachable cluster member.)
 */
class HttpTimeoutTest {

    @Test
    void anAskTimeoutIsA504WithAJsonError() throws Exception {
        HttpResponse response = ApiRoutes.errorResponse(
                new CompletionException(new AskTimeoutException("Ask timed out on [Actor[...]] after [3000 ms]")));
        assertEquals(504, response.status().intValue());
        JsonNode body = new ObjectMapper().readTree(((HttpEntity.Strict) response.entity()).getData().utf8String());
        assertEquals("timeout", body.path("error").asText());
        assertEquals("no answer from the cluster in time", body.path("message").asText());
    }

    @Test
    void anUnexpectedFailureIsA500ThatNamesOnlyItsKind() throws Exception {
        HttpResponse response = ApiRoutes.errorResponse(new IllegalStateException("secret internals"));
        assertEquals(500, response.status().intValue());
        JsonNode body = new ObjectMapper().readTree(((HttpEntity.Strict) response.entity()).getData().utf8String());
        assertEquals("internal_error", body.path("error").asText());
        assertEquals("unexpected error: IllegalStateException", body.path("message").asText());
    }
}
