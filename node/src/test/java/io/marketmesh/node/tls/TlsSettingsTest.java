package io.marketmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings as an operator meets them: off by default, and every mistake named without showing a password. */
class TlsSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void offByDefault() {
        Config config = NodeConfig.load();
        assertFalse(HttpsSettings.fromConfig(config.getConfig("marketmesh.http")).enabled());
        assertTrue(HttpsSettings.fromConfig(config.getConfig("marketmesh.http")).connectionContext(name -> null)
                .isEmpty());
        assertTrue(RemoteTls.pekkoSettings(config, name -> null).isEmpty());
        assertEquals("tcp", config.getString("pekko.remote.artery.transport"));
    }

    @Test
    void passwordsComeFromAFileOrTheEnvironmentAndAreNeverShown() throws Exception {
        TestCertificates ca = TestCertificates.shared("marketmesh-test-ca");
        String keystore = ca.nodeKeystore().toString();
        Path wrong = tmp.resolve("wrong-password.txt");
        Files.writeString(wrong, "not-the-password-42\n");

        HttpsSettings https = new HttpsSettings(true, keystore, wrong.toString());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> https.connectionContext(name -> null));
        assertTrue(refused.getMessage().contains("marketmesh.http.tls.keystore-file"), refused.getMessage());
        assertFalse(refused.getMessage().contains("not-the-password-42"), refused.getMessage());

        // No password file: the environment variable, and a message naming both when it is absent too.
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new HttpsSettings(true, keystore, "").connectionContext(name -> null));
        assertTrue(none.getMessage().contains(HttpsSettings.PASSWORD_ENV), none.getMessage());
        String password = Files.readAllLines(ca.passwordFile()).get(0);
        assertTrue(new HttpsSettings(true, keystore, "").connectionContext(
                name -> name.equals(HttpsSettings.PASSWORD_ENV) ? password : null).isPresent());

        // Artery: the stores are opened at load, a wrong trust store password names its setting.
        Config cluster = ConfigFactory.parseMap(Map.of(
                "marketmesh.cluster.tls.enabled", true,
                "marketmesh.cluster.tls.keystore-file", keystore,
                "marketmesh.cluster.tls.keystore-password-file", ca.passwordFile().toString(),
                "marketmesh.cluster.tls.truststore-file", ca.truststore().toString(),
                "marketmesh.cluster.tls.truststore-password-file", wrong.toString()));
        IllegalArgumentException trust = assertThrows(IllegalArgumentException.class, () -> NodeConfig.load(cluster));
        assertTrue(trust.getMessage().contains("marketmesh.cluster.tls.truststore-file"), trust.getMessage());
        assertFalse(trust.getMessage().contains("not-the-password-42"), trust.getMessage());

        Config good = ConfigFactory.parseMap(Map.of("marketmesh.cluster.tls.truststore-password-file",
                ca.passwordFile().toString())).withFallback(cluster);
        Config loaded = NodeConfig.load(good);
        assertEquals("tls-tcp", loaded.getString("pekko.remote.artery.transport"));
        assertEquals(keystore, loaded.getString("pekko.remote.artery.ssl.config-ssl-engine.key-store"));
        assertEquals("on", loaded.getString("pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication"));
    }
}
