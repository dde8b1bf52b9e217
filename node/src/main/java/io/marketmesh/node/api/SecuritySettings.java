package io.marketmesh.node.api;

import io.marketmesh.node.security.ClientText;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code marketmesh.http.auth}, {@code marketmesh.http.limits} and {@code marketmesh.http.cors} (docs/security.md).
 *
 * @param tokensFile           the API tokens file; empty = no authentication
 * @param protectReads         reads and streams need a token too (any valid one)
 * @param maxBodyBytes         largest request body the API reads
 * @param maxSymbolsPerRequest symbols one follow request may carry
 * @param mutationsPerSecond   mutating requests a client may make per second, on average; 0 = no limit
 * @param mutationsBurst       mutating requests a client may make at once before the rate applies
 * @param rateLimitedClients   clients whose request rate is remembered at most (the least recently seen is forgotten)
 * @param corsAllowedOrigins   origins a browser page may call the API from; empty = CORS off
 * @param corsMaxAge           how long a browser may cache a preflight's answer
 */
public record SecuritySettings(Optional<Path> tokensFile, boolean protectReads, long maxBodyBytes,
                               int maxSymbolsPerRequest, double mutationsPerSecond, int mutationsBurst,
                               int rateLimitedClients, List<String> corsAllowedOrigins, Duration corsMaxAge) {

    /** @param http {@code marketmesh.http} */
    public static SecuritySettings fromConfig(Config http) {
        String file = http.getString("auth.tokens-file").strip();
        SecuritySettings settings = new SecuritySettings(
                file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)),
                http.getBoolean("auth.protect-reads"),
                http.getBytes("limits.max-body-bytes"),
                http.getInt("limits.max-symbols-per-request"),
                http.getDouble("limits.mutations-per-second"),
                http.getInt("limits.mutations-burst"),
                http.getInt("limits.rate-limited-clients"),
                origins(http),
                http.getDuration("cors.max-age"));
        settings.check();
        return settings;
    }

    /** Reads the tokens file, if one is configured: a malformed one stops the node's start (names the line). */
    public Optional<ApiTokens> tokens() {
        return tokensFile.map(ApiTokens::load);
    }

    private void check() {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("marketmesh.http.limits.max-body-bytes must be at least 1k");
        }
        if (maxSymbolsPerRequest < 1) {
            throw new IllegalArgumentException("marketmesh.http.limits.max-symbols-per-request must be at least 1");
        }
        if (mutationsPerSecond < 0 || mutationsBurst < 1 || rateLimitedClients < 1) {
            throw new IllegalArgumentException("marketmesh.http.limits: mutations-per-second must be >= 0, "
                    + "mutations-burst and rate-limited-clients >= 1");
        }
        if (protectReads && tokensFile.isEmpty()) {
            throw new IllegalArgumentException("marketmesh.http.auth.protect-reads = true needs "
                    + "marketmesh.http.auth.tokens-file (MARKETMESH_HTTP_AUTH_TOKENS_FILE)");
        }
        for (String origin : corsAllowedOrigins) {
            if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("marketmesh.http.cors.allowed-origins: '" + ClientText.quote(origin)
                        + "' is not an origin like https://dashboard.example.com or http://localhost:3000 (or *)");
            }
        }
    }

    /** A list, or one comma-separated string (handy from an environment variable). */
    private static List<String> origins(Config http) {
        if (http.getValue("cors.allowed-origins").valueType() == ConfigValueType.STRING) {
            return Arrays.stream(http.getString("cors.allowed-origins").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        return http.getStringList("cors.allowed-origins").stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
