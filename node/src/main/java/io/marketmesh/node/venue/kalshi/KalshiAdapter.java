package io.marketmesh.node.venue.kalshi;

import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueAdapter;
import io.marketmesh.node.venue.VenueSession;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kalshi trade-api WebSocket v2. With credentials ({@code key-id} + {@code private-key-file}) every socket upgrade
 * and REST call carries freshly signed KALSHI-ACCESS-* headers; without them the socket is opened unsigned, which
 * the live venue normally refuses (a simulator or a public-only endpoint may accept it).
 */
public final class KalshiAdapter implements VenueAdapter {

    private static final Logger log = LoggerFactory.getLogger(KalshiAdapter.class);

    private final LongSupplier clock;
    /** Private keys by file: read once, signed with on every reconnect. */
    private final ConcurrentMap<Path, PrivateKey> keys = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedUnsigned = new AtomicBoolean();
    private volatile HttpClient http;

    public KalshiAdapter() {
        this(System::currentTimeMillis);
    }

    /** @param clockMillis the time stamped into signatures, epoch milliseconds */
    public KalshiAdapter(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    @Override
    public Venue venue() {
        return Venue.KALSHI;
    }

    @Override
    public ConnectRequest connectRequest(VenueSettings settings) {
        String url = settings.wsUrl();
        KalshiCredentials credentials = KalshiCredentials.of(settings);
        if (!credentials.configured()) {
            if (warnedUnsigned.compareAndSet(false, true)) {
                log.warn("Kalshi connects without credentials: the venue normally requires key-id and private-key-file "
                        + "(marketmesh.venues.kalshi); expect the socket to be refused");
            }
            return ConnectRequest.of(url);
        }
        return new ConnectRequest(url, signer(credentials).headers(clock.getAsLong(), "GET", signedPath(url)));
    }

    @Override
    public VenueSession newSession(VenueSettings settings) {
        return new KalshiSession(settings);
    }

    @Override
    public List<String> discoverMarkets(VenueSettings settings) throws IOException, InterruptedException {
        return discover(settings).stream().map(MarketInfo::symbol).toList();
    }

    /** The open markets ({@code status=open}), each with its title, outcome, event, tick and times. */
    @Override
    public List<MarketInfo> discover(VenueSettings settings) throws IOException, InterruptedException {
        return restClient(settings).discover(settings.restUrl(), settings.discoveryLimit());
    }

    /** What Kalshi says now about exactly these tickers ({@code tickers} filter); a ticker it omits is delisted. */
    @Override
    public List<MarketInfo> describe(VenueSettings settings, Collection<String> symbols)
            throws IOException, InterruptedException {
        return symbols.isEmpty() ? List.of() : restClient(settings).describe(settings.restUrl(), symbols);
    }

    /** Signed with the configured key when there is one, as the venue wants every REST call. */
    private KalshiDiscovery restClient(VenueSettings settings) {
        KalshiCredentials credentials = KalshiCredentials.of(settings);
        KalshiSigner signer = credentials.configured() ? signer(credentials) : null;
        return new KalshiDiscovery(http(settings), signer, clock);
    }

    /** The path Kalshi signs: the URL's path without query, e.g. {@code /trade-api/ws/v2}. */
    static String signedPath(String url) {
        String path = URI.create(url).getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public void validate(VenueSettings settings) {
        KalshiCredentials credentials = KalshiCredentials.of(settings);
        if (credentials.keyId().isBlank() != credentials.privateKeyFile().isBlank()) {
            throw new IllegalArgumentException("marketmesh.venues.kalshi: set both key-id and private-key-file, or neither");
        }
    }

    private KalshiSigner signer(KalshiCredentials credentials) {
        return new KalshiSigner(credentials.keyId(), privateKey(Path.of(credentials.privateKeyFile())));
    }

    private PrivateKey privateKey(Path file) {
        return keys.computeIfAbsent(file.toAbsolutePath().normalize(), path -> {
            try {
                return KalshiKeys.loadPrivateKey(path);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the Kalshi private key file " + path + ": " + e, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    private HttpClient http(VenueSettings settings) {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(settings.connectTimeout())
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }
}
