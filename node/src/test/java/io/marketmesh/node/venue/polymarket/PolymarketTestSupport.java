package io.marketmesh.node.venue.polymarket;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookClaim;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.List;

/** Shared settings, fixture names and helpers of the Polymarket tests. */
final class PolymarketTestSupport {

    static final String VENUE = "polymarket";
    static final String BOOK = "nautilus__ws_book.json";
    static final String REST_BOOK = "nautilus__rest_GET_book.json";
    static final String PRICE_CHANGE_V2 = "nautilus__ws_price_change_v2_price_changes_array.json";
    static final String PRICE_CHANGE_LEGACY = "nautilus__ws_price_change_legacy_v1.json";
    static final String LAST_TRADE = "nautilus__ws_last_trade_price.json";
    static final String TICK_SIZE = "nautilus__ws_tick_size_change.json";
    static final String BEST_BID_ASK = "nautilus__ws_best_bid_ask.json";
    static final String NEW_MARKET = "nautilus__ws_new_market.json";
    static final String RESOLVED = "nautilus__ws_market_resolved.json";
    static final String USER_TRADE = "nautilus__ws_user_trade_private.json";

    /** Token ids as found in the captures. */
    static final String BOOK_ASSET = "48331043336612883890938759509493159234755048973500640148014422747788308965732";
    static final String REST_BOOK_ASSET = "23360939988679364027624185518382759743328544433592111535569478055890815567848";
    static final String V2_ASSET = "52114319501245915516055106046884209969926127482827954674443846427813813222426";
    static final String TRADE_ASSET = "21742633143463906290569050155826241533067272736897614950488156847949938836455";
    static final String TICK_ASSET = "115474063863764126958837769719736461272619491980773624567012766320777398670353";
    static final String BBA_ASSET = "85354956062430465315924116860125388538595433819574542752031640332592237464430";
    static final String NVDA_YES = "76043073756653678226373981964075571318267289248134717369284518995922789326425";
    static final String NVDA_NO = "31690934263385727664202099278545688007799199447969475608906331829650099442770";

    static final long RECEIVED_AT = 1_800_000_000_000L;

    private PolymarketTestSupport() {
    }

    static VenueSettings settings(int subscribeBatchSize) {
        return settings("http://127.0.0.1:1", 1000, subscribeBatchSize);
    }

    static VenueSettings settings(String restUrl, int discoveryLimit, int subscribeBatchSize) {
        return new VenueSettings(Venue.POLYMARKET, true, "wss://ws-subscriptions-clob.polymarket.com/ws/market",
                restUrl, List.of(), discoveryLimit, 200, subscribeBatchSize, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());
    }

    static String fixture(String file) {
        return Fixtures.read(VENUE, file);
    }

    static long d(String decimal) {
        return Decimals.parse(decimal);
    }

    /** A minimal full book, so that price_change for the token is applied. */
    static String emptyBook(String asset) {
        return "{\"event_type\":\"book\",\"asset_id\":\"" + asset + "\",\"bids\":[],\"asks\":[],\"timestamp\":\"1\"}";
    }

    /** The best bid the venue claimed with a change ({@link Decimals#NONE}: no claim). */
    static long claimedBid(BookDelta delta) {
        return delta.claim() instanceof BookClaim.TopOfBook top ? top.bestBid() : Decimals.NONE;
    }

    /** The best ask the venue claimed with a change ({@link Decimals#NONE}: no claim). */
    static long claimedAsk(BookDelta delta) {
        return delta.claim() instanceof BookClaim.TopOfBook top ? top.bestAsk() : Decimals.NONE;
    }
}
