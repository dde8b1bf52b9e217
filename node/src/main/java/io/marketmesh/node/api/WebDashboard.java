package io.marketmesh.node.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.ETag;
import org.apache.pekko.http.javadsl.model.headers.EntityTag;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web dashboard (docs/dashboard.md): the static files of the classpath folder {@code web/}, the page at {@code /}
 * and its scripts and style sheet under {@code /web/}. The page reads the same HTTP API and WebSocket stream as any
 * client; nothing here knows about markets. Files are read once and kept in memory (a few tens of KB).
 * <p>
 * Caching: the files have no content hash in their names (no build step), so every answer says {@code no-cache}
 * with a strong ETag: a browser revalidates each file on load and gets a 304 while it is unchanged, and never runs
 * scripts of an older node against a newer API.
 */
public final class WebDashboard extends AllDirectives {

    static final String FOLDER = "web/";
    private static final String INDEX = "index.html";
    /** Only these names are looked up: no {@code ..}, no hidden files, no other classpath resource. */
    private static final Pattern ASSET_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\\.(html|js|css|svg)");
    private static final ContentType JAVASCRIPT = MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), false,
            "js").toContentType(HttpCharsets.UTF_8);
    private static final Map<String, ContentType> TYPES = Map.of(
            "html", ContentTypes.TEXT_HTML_UTF8,
            "js", JAVASCRIPT,
            "css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8),
            "svg", MediaTypes.IMAGE_SVG_XML.toContentType());
    private static final HttpHeader NO_CACHE = CacheControl.create(CacheDirectives.NO_CACHE);
    private static final HttpHeader NO_SNIFF = RawHeader.create("X-Content-Type-Options", "nosniff");
    /** The page loads its own files only and talks to its own node (HTTP and WebSocket): nothing from elsewhere. */
    private static final HttpHeader PAGE_POLICY = RawHeader.create("Content-Security-Policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none'; "
                    + "base-uri 'none'; frame-ancestors 'none'");

    private final ClassLoader loader;
    /** Files found, by name; a name not found is not remembered (so requests for junk names cannot grow it). */
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    private record Asset(byte[] bytes, ContentType type, EntityTag etag, boolean page) {
    }

    public WebDashboard() {
        this(WebDashboard.class.getClassLoader());
    }

    WebDashboard(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * {@code GET /} and {@code GET /web/<file>}; anything else (a file that is not there included) is rejected
     * untouched, so the API's routes and its JSON 404 answer it.
     */
    public Route routes() {
        Route page = pathSingleSlash(() -> serve(INDEX));
        Route files = pathPrefix("web", () -> path(PathMatchers.remaining(), this::serve));
        return get(() -> concat(page, files));
    }

    private Route serve(String name) {
        Optional<Asset> asset = find(name);
        if (asset.isEmpty()) {
            return reject();
        }
        Asset found = asset.get();
        return conditional(found.etag(), () -> complete(response(found)));
    }

    private static HttpResponse response(Asset asset) {
        List<HttpHeader> headers = asset.page() ? List.of(NO_CACHE, NO_SNIFF, PAGE_POLICY, ETag.create(asset.etag()))
                : List.of(NO_CACHE, NO_SNIFF, ETag.create(asset.etag()));
        return HttpResponse.create().withEntity(asset.type(), asset.bytes()).addHeaders(headers);
    }

    Optional<Asset> find(String name) {
        if (!ASSET_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Asset known = assets.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Asset> loaded = load(name);
        loaded.ifPresent(asset -> assets.put(name, asset));
        return loaded;
    }

    private Optional<Asset> load(String name) {
        try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(bytes, TYPES.get(extension), EntityTag.create(sha256(bytes), false),
                    extension.equals("html")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
