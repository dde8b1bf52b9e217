package io.marketmesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {

    private static final MarketKey KALSHI = MarketKey.of(Venue.KALSHI, "KXBTCD-26MAY3017-T72999.99");
    private static final MarketKey POLY = MarketKey.of(Venue.POLYMARKET, "4833104333661288389");

    private static long d(String s) {
        return Decimals.parse(s);
    }

    @Test
    void everyEventRoundTripsThroughJson() {
        List<MarketEvent> events = List.of(
                new BookSnapshot(KALSHI, List.of(new PriceLevel(d("0.02"), d("282")), new PriceLevel(d("0.01"), d("109767"))),
                        List.of(new PriceLevel(d("0.01"), d("5"))), 1, 1780096733014L, 1780096733020L),
                new BookDelta(POLY, BookDelta.Mode.ABSOLUTE, List.of(new LevelUpdate(Side.BID, d("0.6"), d("3300"))), 0,
                        1729084877448L, 1729084877450L, new BookClaim.TopOfBook(d("0.6"), d("0.7"))),
                new BookDelta(KALSHI, BookDelta.Mode.RELATIVE, List.of(new LevelUpdate(Side.ASK, d("0.3"), d("-5000"))), 4,
                        1L, 2L),
                new BookSnapshot(KALSHI, List.of(new PriceLevel(d("0.12291"), d("27039.62776299"))), List.of(), 0, 1L, 2L,
                        10, new BookClaim.Checksum(new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "",
                        ChecksumLayout.Numbers.FIXED_DIGITS, 5, 8), 2375857985L)),
                new BookReset(POLY, "tick size change 0.01 -> 0.001", 1739068041853L, 1739068041860L),
                new Trade(KALSHI, "cd6c95cc", d("0.42"), d("3"), Side.BID, 1780096775004L, 1780096775010L),
                new Trade(POLY, null, d("0.491"), d("85.36"), null, 1L, 2L),
                new Ticker(KALSHI, d("0.01"), d("1410"), d("0.98"), d("2500"), d("0"), new java.math.BigDecimal("123456789012.12345678"),
                        null, 5L, 6L),
                new StatusUpdate(KALSHI, MarketStatus.DETERMINED, "determined: result=no", 7L, 8L));
        for (MarketEvent event : events) {
            String json = ProtocolJson.encode(event);
            assertEquals(event, ProtocolJson.decode(json, MarketEvent.class), json);
        }
    }

    @Test
    void totalsOfAnyWidthAreExactPlainStrings() {
        Ticker t = new Ticker(KALSHI, Decimals.NONE, Decimals.NONE, Decimals.NONE, Decimals.NONE, Decimals.NONE,
                new java.math.BigDecimal("123456789012.12345678"), new java.math.BigDecimal("1E+3"), 1, 2);
        String json = ProtocolJson.encode(t);
        assertTrue(json.contains("\"volume\":\"123456789012.12345678\",\"openInterest\":\"1000\""), json);
        assertEquals(0, new java.math.BigDecimal("123456789012.12345678").compareTo(
                ((Ticker) ProtocolJson.decode(json, MarketEvent.class)).volume()));
    }

    @Test
    void publishedBookRecordsCarryNoCheckAndNoWindow() {
        String delta = ProtocolJson.encode(new BookDelta(KALSHI, BookDelta.Mode.ABSOLUTE,
                List.of(new LevelUpdate(Side.ASK, d("0.3"), d("7"))), 4, 1L, 2L));
        String snapshot = ProtocolJson.encode(new BookSnapshot(KALSHI, List.of(), List.of(), 1, 1L, 2L));
        assertTrue(!delta.contains("claim") && !snapshot.contains("claim") && !snapshot.contains("depthLimit"),
                delta + " " + snapshot);
        assertTrue(delta.endsWith("\"venueSequence\":4,\"venueTimestamp\":1,\"receivedAt\":2}"), delta);
        assertTrue(ProtocolJson.encode(new BookSnapshot(KALSHI, List.of(), List.of(), 1, 1L, 2L, 25, null))
                .contains("\"depthLimit\":25"));
    }

    @Test
    void decimalsAreStringsAndLevelsArePairs() {
        BookView view = new BookView(KALSHI, List.of(new PriceLevel(d("0.52"), d("100"))), List.of(), false, null,
                MarketStatus.ACTIVE, 3, 2, 1, 1, 1, 0);
        String json = ProtocolJson.encode(view);
        assertTrue(json.contains("\"bids\":[[\"0.52\",\"100\"]]"), json);
        assertTrue(json.contains("\"market\":\"kalshi:KXBTCD-26MAY3017-T72999.99\""), json);
        assertEquals(view, ProtocolJson.decode(json, BookView.class));
    }

    @Test
    void absentValuesAreNull() {
        Ticker t = new Ticker(POLY, d("0.73"), Decimals.NONE, d("0.77"), Decimals.NONE, Decimals.NONE, null,
                null, 1, 2);
        String json = ProtocolJson.encode(t);
        assertTrue(json.contains("\"bestBidSize\":null"), json);
        assertEquals(t, ProtocolJson.decode(json, MarketEvent.class));
    }

    @Test
    void marketKeysParseAndRejectNonsense() {
        assertEquals(KALSHI, MarketKey.parse("kalshi:KXBTCD-26MAY3017-T72999.99"));
        assertEquals("a:b", MarketKey.parse("okx:a:b").symbol());
        assertThrows(IllegalArgumentException.class, () -> MarketKey.parse("nosuchvenue:X"));
        assertThrows(IllegalArgumentException.class, () -> MarketKey.parse("kalshi:"));
        assertThrows(IllegalArgumentException.class, () -> MarketKey.parse("kalshi"));
    }

    @Test
    void inexactDecimalsInJsonAreRejected() {
        String json = "{\"type\":\"trade\",\"market\":\"kalshi:X\",\"tradeId\":\"t\",\"price\":\"0.1234567890123456789\",\"size\":\"1\","
                + "\"aggressor\":\"bid\",\"venueTimestamp\":1,\"receivedAt\":2}";
        assertThrows(IllegalArgumentException.class, () -> ProtocolJson.decode(json, MarketEvent.class));
    }

    @org.junit.jupiter.api.Test
    void kafkaRecordsRoundTripWithTheirEnvelopeAndTypedPayload() throws Exception {
        MarketKey key = MarketKey.of(Venue.KALSHI, "KXTEST-26-A");
        MarketRecord<MarketEvent> book = new MarketRecord<>(MarketRecord.VERSION, "kalshi", key.id(), Channel.BOOK,
                7, "127.0.0.1:7355", 1000, 1001, new BookDelta(key, BookDelta.Mode.ABSOLUTE,
                java.util.List.of(new LevelUpdate(Side.BID, Decimals.parse("0.42"), Decimals.parse("12.5"))),
                3, 999, 1000));
        String json = ProtocolJson.encodeRecord(book);
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"type\":\"book_delta\""), json);
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"price\":\"0.42\""), json);
        org.junit.jupiter.api.Assertions.assertTrue(json.contains("\"channel\":\"book\""), json);
        MarketRecord<MarketEvent> back = ProtocolJson.mapper().readValue(json,
                new com.fasterxml.jackson.core.type.TypeReference<MarketRecord<MarketEvent>>() { });
        org.junit.jupiter.api.Assertions.assertEquals(book, back);

        MarketRecord<Continuity> gap = new MarketRecord<>(MarketRecord.VERSION, "kalshi", key.id(),
                Channel.CONTINUITY, 7, "n", 5, 6, new Continuity(Venue.KALSHI, key, Continuity.Kind.BOOK_STALE, "gap", 5));
        MarketRecord<Continuity> gapBack = ProtocolJson.mapper().readValue(ProtocolJson.encodeRecord(gap),
                new com.fasterxml.jackson.core.type.TypeReference<MarketRecord<Continuity>>() { });
        org.junit.jupiter.api.Assertions.assertEquals(gap, gapBack);
    }

    @Test
    void recordBytesAreTheRecordsJsonInUtf8() {
        MarketKey key = MarketKey.of(Venue.POLYMARKET, "4833104333661288389");
        MarketRecord<MarketEvent> trade = new MarketRecord<>(MarketRecord.VERSION, "polymarket", key.id(),
                Channel.TRADES, 3, "node-é", 10, 11,
                new Trade(key, "t-1", d("0.52"), d("10"), Side.BID, 9, 10));
        MarketRecord<Continuity> gap = new MarketRecord<>(MarketRecord.VERSION, "polymarket", key.id(),
                Channel.CONTINUITY, 3, "n", 5, 6, new Continuity(Venue.POLYMARKET, key, Continuity.Kind.BOOK_STALE,
                "gap ≥ 1", 5));
        for (MarketRecord<?> record : List.of(trade, gap)) {
            assertEquals(ProtocolJson.encodeRecord(record),
                    new String(ProtocolJson.encodeRecordBytes(record), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
