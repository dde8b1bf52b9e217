package io.marketmesh.node.venue.binance;

import io.marketmesh.protocol.LevelUpdate;
import java.util.List;

/**
 * One {@code depthUpdate} of a market, kept while its snapshot is awaited.
 *
 * @param first      {@code U}, the first update id in the event
 * @param last       {@code u}, the final update id in the event
 * @param eventTime  {@code E}, epoch milliseconds
 * @param receivedAt when the frame arrived, epoch milliseconds
 * @param updates    the levels, sizes absolute (0 removes)
 */
record DepthDiff(long first, long last, long eventTime, long receivedAt, List<LevelUpdate> updates) {
}
