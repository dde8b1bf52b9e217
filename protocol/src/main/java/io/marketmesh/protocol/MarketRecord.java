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
 * @param channel            what the payload is: one of the {@code CHANNEL_*} names
 * @param sequence           on {@code book}: this node's change number for the market, gap-free and rising by one
 *                           per record (snapshots included); elsewhere the market's change number when it was sent
 * @param source             the node that published it ({@code host:port} of its cluster address)
 * @param receivedTimestamp  epoch ms when the venue frame behind it reached the node
 * @param publishedTimestamp epoch ms when the node handed it to Kafka
 * @param payload            the event
 */
public record MarketRecord<T>(int version, String venue, String market, String channel, long sequence, String source,
                              long receivedTimestamp, long publishedTimestamp, T payload) {

    public static final int VERSION = 1;

    /** Book changes ({@code book_delta}, sizes absolute) and full books ({@code book_snapshot}), in order. */
    public static final String CHANNEL_BOOK = "book";
    public static final String CHANNEL_TRADES = "trades";
    public static final String CHANNEL_TICKERS = "tickers";
    public static final String CHANNEL_STATUS = "status";
    /** Stale, resynced, gap and connection records: how a consumer tells a quiet market from missed data. */
    public static final String CHANNEL_CONTINUITY = "continuity";
    /**
     * Venue frames as received ({@link RawFrame}). Keyed {@code venue:socket-N} rather than by market (one frame
     * can carry several markets); {@code sequence} counts the frames of that socket since it (re)connected.
     */
    public static final String CHANNEL_RAW = "raw";
    /** The latest full book per market (a compacted topic). */
    public static final String CHANNEL_SNAPSHOTS = "snapshots";
}
