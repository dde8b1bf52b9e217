package io.marketmesh.node.venue.kalshi;

import io.marketmesh.node.venue.VenueSettings;

/**
 * Kalshi's own settings, from {@code marketmesh.venues.kalshi}: the API key id and the path of the PEM private key
 * that signs each connection. The key file is read when signing, never logged; {@code toString} hides both.
 */
record KalshiCredentials(String keyId, String privateKeyFile) {

    static KalshiCredentials of(VenueSettings settings) {
        return new KalshiCredentials(settings.option("key-id").trim(), settings.option("private-key-file").trim());
    }

    boolean configured() {
        return !keyId.isBlank() && !privateKeyFile.isBlank();
    }

    @Override
    public String toString() {
        return "KalshiCredentials[" + (configured() ? "configured" : "none") + "]";
    }
}
