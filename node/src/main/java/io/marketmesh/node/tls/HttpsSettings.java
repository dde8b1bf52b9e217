package io.marketmesh.node.tls;

import com.typesafe.config.Config;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * {@code marketmesh.http.tls}: HTTPS on the API's port instead of plain HTTP (no mixed mode), with the node's
 * certificate and private key from a PKCS#12 key store. TLS 1.3 and 1.2 only.
 */
public record HttpsSettings(boolean enabled, String keystoreFile, String keystorePasswordFile) {

    /** The environment variable that holds the key store's password when no password file is configured. */
    public static final String PASSWORD_ENV = "MARKETMESH_HTTP_TLS_KEYSTORE_PASSWORD";
    /** What the API accepts; the JDK's defaults would also take whatever a security property re-enables. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public static HttpsSettings fromConfig(Config http) {
        Config c = http.getConfig("tls");
        return new HttpsSettings(c.getBoolean("enabled"), c.getString("keystore-file"),
                c.getString("keystore-password-file"));
    }

    /**
     * The HTTPS context when enabled, built now so a missing file or a wrong password stops the start with a message
     * naming the setting (and never the password).
     */
    public Optional<HttpsConnectionContext> connectionContext(UnaryOperator<String> env) {
        if (!enabled) {
            return Optional.empty();
        }
        SSLContext context = sslContext(env);
        String[] protocols = PROTOCOLS.toArray(String[]::new);
        return Optional.of(ConnectionContext.httpsServer(() -> {
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            engine.setEnabledProtocols(protocols);
            return engine;
        }));
    }

    SSLContext sslContext(UnaryOperator<String> env) {
        char[] password = KeyStoreFiles.password(keystorePasswordFile, "marketmesh.http.tls.keystore-password-file",
                PASSWORD_ENV, env);
        try {
            KeyStore store = KeyStoreFiles.load(keystoreFile, password, "marketmesh.http.tls.keystore-file");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            // keytool gives a PKCS#12 entry's key the store's password.
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("marketmesh.http.tls.keystore-file: cannot use the key in " + keystoreFile
                    + " (" + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
