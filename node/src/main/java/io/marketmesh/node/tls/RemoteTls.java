package io.marketmesh.node.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code marketmesh.cluster.tls}: Artery over TLS between the nodes, as Pekko settings. Pekko's
 * {@code ConfigSSLEngineProvider} takes the key store and trust store as files and their passwords as settings; this
 * reads the passwords from their files (or environment variables) so no configuration file ever holds one, and opens
 * both stores once so a wrong path or password stops the start with a message that names the setting.
 */
public final class RemoteTls {

    public static final String KEYSTORE_PASSWORD_ENV = "MARKETMESH_REMOTE_TLS_KEYSTORE_PASSWORD";
    public static final String TRUSTSTORE_PASSWORD_ENV = "MARKETMESH_REMOTE_TLS_TRUSTSTORE_PASSWORD";
    private static final String PREFIX = "marketmesh.cluster.tls.";
    private static final String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine.";

    private RemoteTls() {
    }

    /**
     * The Pekko settings that turn Artery TLS on, or an empty config when {@code marketmesh.cluster.tls.enabled} is
     * off.
     *
     * @param config the node's resolved configuration
     * @param env    reads an environment variable ({@code System::getenv} outside tests)
     * @throws IllegalArgumentException naming the setting when a store or its password cannot be read
     */
    public static Config pekkoSettings(Config config, UnaryOperator<String> env) {
        Config c = config.getConfig("marketmesh.cluster.tls");
        if (!c.getBoolean("enabled")) {
            return ConfigFactory.empty();
        }
        String keystore = c.getString("keystore-file");
        char[] keystorePassword = KeyStoreFiles.password(c.getString("keystore-password-file"),
                PREFIX + "keystore-password-file", KEYSTORE_PASSWORD_ENV, env);
        KeyStoreFiles.load(keystore, keystorePassword, PREFIX + "keystore-file");
        String truststore = c.getString("truststore-file");
        char[] truststorePassword = KeyStoreFiles.password(c.getString("truststore-password-file"),
                PREFIX + "truststore-password-file", TRUSTSTORE_PASSWORD_ENV, env);
        KeyStoreFiles.load(truststore, truststorePassword, PREFIX + "truststore-file");

        Map<String, Object> settings = new HashMap<>();
        settings.put("pekko.remote.artery.transport", "tls-tcp");
        settings.put("pekko.remote.artery.ssl.ssl-engine-provider",
                "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
        settings.put(ENGINE + "key-store", keystore);
        settings.put(ENGINE + "key-store-password", new String(keystorePassword));
        // keytool gives a PKCS#12 entry's key the store's password.
        settings.put(ENGINE + "key-password", new String(keystorePassword));
        settings.put(ENGINE + "trust-store", truststore);
        settings.put(ENGINE + "trust-store-password", new String(truststorePassword));
        settings.put(ENGINE + "require-mutual-authentication", "on");
        // The origin shows in configuration errors; the values (passwords) never do.
        return ConfigFactory.parseMap(settings, "marketmesh.cluster.tls");
    }
}
