package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files as a browser gets them from a real node: the page at {@code /} and every file of the
 * {@code web/} folder with its content type and cache headers, every script a module imports is there (a missing
 * one is a blank page), and the API's own paths are untouched.
 */
class WebDashboardTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=UTF-8",
            "js", "text/javascript; charset=UTF-8",
            "css", "text/css; charset=UTF-8",
            "svg", "image/svg+xml");
    private static final Pattern IMPORT = Pattern.compile("(?:import|from)\\s+['\"](\\.{1,2}/[^'\"]+)['\"]");
    private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"(/web/[^\"]+)\"");

    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of(
                "marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market",
                "marketmesh.venues.polymarket.markets", List.of("111")));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void thePageIsServedAtTheRoot() {
        HttpResponse<byte[]> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals(TYPES.get("html"), header(page, "Content-Type"));
        assertEquals("no-cache", header(page, "Cache-Control"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        assertTrue(header(page, "Content-Security-Policy").startsWith("default-src 'self'"),
                "the page may load nothing from elsewhere: " + header(page, "Content-Security-Policy"));
        String html = new String(page.body(), StandardCharsets.UTF_8);
        for (String id : List.of("id=\"nav\"", "id=\"connection-status\"", "id=\"content\"")) {
            assertTrue(html.contains(id), "the page has " + id);
        }
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched from the internet");
    }

    @Test
    void everyFileAnswersWithItsContentTypeAndAnETag() {
        List<String> files = webFiles();
        assertTrue(files.containsAll(List.of("index.html", "app.js", "app.css")), files.toString());
        for (String file : files) {
            HttpResponse<byte[]> answer = get("/web/" + file);
            assertEquals(200, answer.statusCode(), file);
            String extension = file.substring(file.lastIndexOf('.') + 1);
            assertEquals(TYPES.get(extension), header(answer, "Content-Type"), file);
            assertEquals("no-cache", header(answer, "Cache-Control"), file);
            assertArrayEquals(read(file), answer.body(), file + " is served as it is");

            String etag = header(answer, "ETag");
            assertTrue(etag.startsWith("\""), file + " has a strong ETag: " + etag);
            HttpResponse<byte[]> again = send(HttpRequest.newBuilder(uri("/web/" + file)).header("If-None-Match", etag));
            assertEquals(304, again.statusCode(), file + " unchanged: revalidated without its body");
        }
    }

    @Test
    void everyScriptAndStyleThePageNamesIsThere() {
        List<String> named = new ArrayList<>();
        Matcher onPage = PAGE_REFERENCE.matcher(new String(get("/").body(), StandardCharsets.UTF_8));
        while (onPage.find()) {
            named.add(onPage.group(1));
        }
        assertTrue(named.containsAll(List.of("/web/app.js", "/web/app.css")), named.toString());
        for (String file : webFiles()) {
            if (file.endsWith(".js")) {
                Matcher imports = IMPORT.matcher(new String(read(file), StandardCharsets.UTF_8));
                while (imports.find()) {
                    named.add(URI.create("/web/" + file).resolve(imports.group(1)).getPath());
                }
            }
        }
        assertTrue(named.size() > webFiles().size() / 2, "the modules import each other: " + named);
        for (String path : named) {
            assertEquals(200, get(path).statusCode(), path + " is named by the page or a module");
        }
    }

    @Test
    void otherPathsAreLeftToTheApi() {
        for (String path : List.of("/web/nothing.js", "/web/..%2Freference.conf", "/web/", "/reference.conf",
                "/web/app.js.map")) {
            HttpResponse<byte[]> answer = get(path);
            assertEquals(404, answer.statusCode(), path);
            assertTrue(new String(answer.body(), StandardCharsets.UTF_8).contains("\"not_found\""), path);
        }
        HttpResponse<byte[]> markets = get("/api/v1/markets");
        assertEquals(200, markets.statusCode());
        assertEquals("application/json", header(markets, "Content-Type"));
        assertEquals(200, get("/health/alive").statusCode());
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The files of the classpath's web/ folder, as paths under it ("pages/market.js"). */
    private static List<String> webFiles() {
        try {
            Path folder = Path.of(WebDashboardTest.class.getClassLoader().getResource(WebDashboard.FOLDER).toURI());
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(Files::isRegularFile)
                        .map(file -> folder.relativize(file).toString().replace('\\', '/')).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String file) {
        try (var in = WebDashboardTest.class.getClassLoader().getResourceAsStream(WebDashboard.FOLDER + file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.httpPort() + path);
    }

    private static HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("");
    }
}
