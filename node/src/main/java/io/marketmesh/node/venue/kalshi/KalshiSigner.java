package io.marketmesh.node.venue.kalshi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Kalshi's request signature: {@code base64(RSA-PSS(SHA-256, MGF1-SHA-256, salt 32)(timestampMs + METHOD + path))},
 * the path without its query string. Used for the WebSocket upgrade and for REST calls alike.
 */
public final class KalshiSigner {

    public static final String ACCESS_KEY = "KALSHI-ACCESS-KEY";
    public static final String ACCESS_TIMESTAMP = "KALSHI-ACCESS-TIMESTAMP";
    public static final String ACCESS_SIGNATURE = "KALSHI-ACCESS-SIGNATURE";

    private static final PSSParameterSpec PSS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC);

    private final String keyId;
    private final PrivateKey privateKey;

    public KalshiSigner(String keyId, PrivateKey privateKey) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /** The base64 signature of {@code timestampMs + method + path} (any query string of {@code path} is dropped). */
    public String sign(long timestampMs, String method, String path) {
        try {
            Signature signature = newPss();
            signature.initSign(privateKey);
            signature.update(message(timestampMs, method, path));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a Kalshi request: " + e.getMessage(), e);
        }
    }

    /** The three KALSHI-ACCESS-* headers for one request, signed now (so a retry needs a fresh call). */
    public Map<String, String> headers(long timestampMs, String method, String path) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ACCESS_KEY, keyId);
        headers.put(ACCESS_TIMESTAMP, Long.toString(timestampMs));
        headers.put(ACCESS_SIGNATURE, sign(timestampMs, method, path));
        return headers;
    }

    /** Checks a signature as the venue does; the simulator uses it to demand valid credentials. */
    public static boolean verify(PublicKey key, long timestampMs, String method, String path, String base64Signature) {
        try {
            Signature signature = newPss();
            signature.initVerify(key);
            signature.update(message(timestampMs, method, path));
            return signature.verify(Base64.getDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Signature newPss() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(PSS);
        return signature;
    }

    private static byte[] message(long timestampMs, String method, String path) {
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        return (timestampMs + method + bare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KalshiSigner[keyId=" + keyId + "]";
    }
}
