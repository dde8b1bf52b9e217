package io.marketmesh.node.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How connection workers spread over members, and how a market's shard names the worker that feeds it. */
class WorkerPlacementTest {

    @Test
    void everyMemberRunsItsShareOfEveryVenueAndOfAllWorkersGiveOrTakeOne() {
        for (int members = 1; members <= 7; members++) {
            for (int workers = 1; workers <= 9; workers++) {
                for (int venues = 1; venues <= Venue.values().length; venues++) {
                    int[] totals = new int[members];
                    for (int venue = 0; venue < venues; venue++) {
                        int[] targets = WorkerBalance.targets(members, workers, venue);
                        assertEquals(workers, Arrays.stream(targets).sum());
                        assertTrue(spread(targets) <= 1, "one venue: " + Arrays.toString(targets));
                        for (int i = 0; i < members; i++) {
                            totals[i] += targets[i];
                        }
                    }
                    assertTrue(spread(totals) <= 1, members + " members, " + workers + " workers, " + venues
                            + " venues: " + Arrays.toString(totals));
                }
            }
        }
    }

    @Test
    void aMemberThatJoinsTakesOneWorkerFromEachMemberAboveItsNewTargetAndNothingElseMoves() {
        // 4 workers on 3 members (venue 0: the oldest runs 2), then a fourth member joins: one worker moves to it.
        List<List<String>> allocations = List.of(List.of("0", "3"), List.of("1"), List.of("2"), List.of());
        assertEquals(Set.of("3"), WorkerBalance.overTarget(allocations, WorkerBalance.targets(4, 4, 0)));
        // Balanced already: nothing moves.
        assertEquals(Set.of(), WorkerBalance.overTarget(List.of(List.of("0", "3"), List.of("1"), List.of("2")),
                WorkerBalance.targets(3, 4, 0)));
        // All on the first member (the others just joined): each of the others gets its share.
        Set<String> moving = WorkerBalance.overTarget(List.of(List.of("0", "1", "2", "3"), List.of(), List.of()),
                WorkerBalance.targets(3, 4, 1));
        assertEquals(Set.of("1", "2", "3"), moving);
    }

    @Test
    void aMarketsShardIsTheShardOfTheWorkerThatFollowsIt() {
        var extractor = MarketPlacement.messageExtractor(4);
        Random random = new Random(7);
        List<String> symbols = new ArrayList<>(List.of("BTCUSDT", "KXBTCD-26MAY3017-T72999.99", "a:b:c", "x"));
        for (int i = 0; i < 200; i++) {
            symbols.add(Long.toString(random.nextLong(), 36) + "-" + (char) (0x4e00 + random.nextInt(500)));
        }
        for (Venue venue : Venue.values()) {
            for (String symbol : symbols) {
                assertEquals(MarketPlacement.shardId(venue, ConnectionWorkers.owner(symbol, 4)),
                        extractor.shardId(MarketKey.of(venue, symbol).id()), venue + " " + symbol);
            }
        }
    }

    private static int spread(int[] counts) {
        return Arrays.stream(counts).max().orElse(0) - Arrays.stream(counts).min().orElse(0);
    }
}
