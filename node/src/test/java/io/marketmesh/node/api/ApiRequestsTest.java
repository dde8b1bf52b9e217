package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.marketmesh.protocol.Venue;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The follow body's symbols, as {@code POST /api/v1/subscriptions} takes them. */
class ApiRequestsTest {

    private static final Set<Venue> ENABLED = Set.of(Venue.KALSHI);

    /**
     * Found by HttpApiFuzzTest: {@code "\u0000"} was trimmed to a blank symbol and followed, after which every
     * listing of the markets answered 500 and the node's stream hub stopped. A symbol that is nothing but control
     * characters, or holds one, is refused.
     */
    @Test
    void aSymbolOfControlCharactersIsRefusedNotTrimmedAway() {
        for (String symbol : List.of("\\u0000", "\\u001b[0m", "K\\u0000XA", "\\u0007", "\\u0085")) {
            ApiError error = assertThrows(ApiError.class, () -> ApiRequests.follow(
                    "{\"venue\":\"kalshi\",\"symbol\":\"" + symbol + "\"}", ENABLED, 100), symbol);
            assertEquals(400, error.status, symbol);
        }
    }

    @Test
    void surroundingSpacesAreTrimmedAndBlankIsRefused() {
        assertEquals(List.of("KXA"), ApiRequests.follow("{\"venue\":\"kalshi\",\"symbols\":[\"  KXA \"]}", ENABLED, 100).symbols());
        for (String symbol : List.of("", "   ", "A B", "x".repeat(257))) {
            assertThrows(ApiError.class, () -> ApiRequests.follow(
                    "{\"venue\":\"kalshi\",\"symbols\":[\"KXA\",\"" + symbol + "\"]}", ENABLED, 100), symbol);
        }
    }
}
