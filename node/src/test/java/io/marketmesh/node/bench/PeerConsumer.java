package io.marketmesh.node.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One consumer of {@link PeerBenchmark}, in a process of its own so that its CPU is the process's: marketmesh (a real
 * node) or XChange's streaming Binance client, following the simulated Binance markets. The benchmark drives it over
 * stdin, one command a line, and reads the answers from stdout, each line starting with {@link #ANSWER} (the
 * consumer's logging goes to stderr):
 *
 * <ul>
 *   <li>{@code ready}: {@code @@READY true|false}, whether every book is synced;</li>
 *   <li>{@code stats}: {@code @@STATS <frames> <diffs>}, what it has handled so far ({@link Counts});</li>
 *   <li>{@code books}: one {@code @@BOOK <symbol> <stale> <bids> <asks>} line a market, then {@code @@END}; a side is
 *   {@code price:size,price:size,...} best first, each number the shortest exact decimal ({@code -} if empty);</li>
 *   <li>{@code quit}: stops and exits.</li>
 * </ul>
 *
 * <p>Arguments: {@code marketmesh|xchange <ws base> <rest base> <symbol,symbol,...> [key=value node settings]}, where
 * the WebSocket base is the simulated venue's root ({@code ws://127.0.0.1:port/binance/}).
 */
public final class PeerConsumer {

    static final String ANSWER = "@@";

    /** What a consumer under test offers the benchmark. */
    interface Peer extends AutoCloseable {

        boolean ready();

        /** What it has handled so far. */
        Counts counts();

        /** Every market's book (levels best first) and whether the consumer itself flags it stale. */
        Map<String, Book> books();

        @Override
        void close();
    }

    /**
     * @param frames venue frames handled (depth diffs, trades, tickers, answers)
     * @param diffs  depth diffs applied to a book
     */
    record Counts(long frames, long diffs) {
    }

    /** A book as the consumer holds it. */
    record Book(boolean stale, List<BigDecimal[]> bids, List<BigDecimal[]> asks) {
    }

    private PeerConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String wsBase = args[1];
        String restBase = args[2];
        List<String> symbols = List.of(args[3].split(","));
        Map<String, Object> settings = new java.util.HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        // Answers alone go to stdout; everything else the process prints (logging included) goes to stderr.
        PrintStream answers = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        Peer peer = switch (kind) {
            case "marketmesh" -> MarketmeshPeer.start(wsBase, restBase, symbols, settings);
            case "xchange" -> XchangePeer.start(wsBase, restBase, symbols);
            default -> throw new IllegalArgumentException("consumer must be marketmesh or xchange, was " + kind);
        };
        answers.println(ANSWER + "STARTED " + kind);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            switch (command.strip()) {
                case "ready" -> answers.println(ANSWER + "READY " + peer.ready());
                case "stats" -> {
                    Counts c = peer.counts();
                    answers.println(ANSWER + "STATS " + c.frames() + " " + c.diffs());
                }
                case "books" -> {
                    peer.books().forEach((symbol, book) -> answers.println(ANSWER + "BOOK " + symbol + " " + book.stale()
                            + " " + side(book.bids()) + " " + side(book.asks())));
                    answers.println(ANSWER + "END");
                }
                case "quit" -> {
                    peer.close();
                    answers.println(ANSWER + "BYE");
                    System.exit(0);
                }
                default -> answers.println(ANSWER + "ERROR unknown command " + command);
            }
        }
        peer.close();
        System.exit(0);
    }

    private static String side(List<BigDecimal[]> levels) {
        if (levels.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (BigDecimal[] level : levels) {
            sb.append(sb.length() == 0 ? "" : ",").append(plain(level[0])).append(':').append(plain(level[1]));
        }
        return sb.toString();
    }

    /** The shortest exact decimal text: {@code 65000.1}, {@code 0.00001}, {@code 0}. */
    static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
