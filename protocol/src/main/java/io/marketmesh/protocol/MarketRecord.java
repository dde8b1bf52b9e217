package io.marketmesh.protocol;

/**
 * One Kafka record as marketmesh publishes it: the envelope every topic shares, around one payload. The record key
 * is {@code market} ({@code venue:symbol}), so one market stays ordered in one partition.
 *
 * <p>Decode with {@code ProtocolJson.mapper().readValue(json, new TypeReference<MarketRecord<MarketEvent>>() {})}
 * (book, trades, tickers, status, snapshots) or {@code MarketRecord<Continuity>} (continuity).
 *
 * @param version            the record format's version, {@link #VERSION}
 * @param venue              venue id, e.g. {@code kalshi}
 * @param market             {@code venue:symbol} (the record's key); {@code venue:socket-N} for raw frames and
 *                           connection-wide continuity records
 * @param channel            what the payload is
 * @param sequence           on {@code book}: this node's change number for the market, gap-free and rising by one
 *                           per record (snapshots included); elsewhere the market's change number when it was sent
 * @param source             the node that published it ({@code host:port} of its cluster address)
 * @param receivedTimestamp  epoch ms when the venue frame behind it reached the node
 * @param publishedTimestamp epoch ms when the node handed it to Kafka
 * @param payload            the event
 */
public record MarketRecord<T>(int version, String venue, String market, Channel channel, long sequence, String source,
                              long receivedTimestamp, long publishedTimestamp, T payload) {

    public static final int VERSION = 1;
}
