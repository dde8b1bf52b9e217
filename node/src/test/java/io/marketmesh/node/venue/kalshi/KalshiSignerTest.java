package io.marketmesh.node.venue.kalshi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KalshiSignerTest {

    static KeyPair keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() throws Exception {
        keys = KalshiKeys.newKeyPair();
    }

    @Test
    void pkcs8AndPkcs1PemFilesLoadToTheSameKeyAndSignaturesVerifyWithThePublicKey() throws Exception {
        Path pkcs8 = Files.writeString(dir.resolve("key-pkcs8.pem"), KalshiKeys.privateKeyPem(keys.getPrivate()));
        Path pkcs1 = Files.writeString(dir.resolve("key-pkcs1.pem"), pkcs1Pem(keys.getPrivate()));
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        for (Path file : new Path[] {pkcs8, pkcs1}) {
            PrivateKey loaded = KalshiKeys.loadPrivateKey(file);
            assertTrue(Arrays.equals(keys.getPrivate().getEncoded(), loaded.getEncoded()), file.toString());

            KalshiSigner signer = new KalshiSigner("key-id", loaded);
            String signature = signer.sign(1_787_838_983_996L, "GET", "/trade-api/ws/v2?ignored=1");
            assertTrue(verifyPss(keys.getPublic(), "1787838983996GET/trade-api/ws/v2", signature),
                    "signed over timestamp + method + path without its query");
            assertFalse(verifyPss(keys.getPublic(), "1787838983997GET/trade-api/ws/v2", signature));
            assertTrue(KalshiSigner.verify(keys.getPublic(), 1_787_838_983_996L, "GET", "/trade-api/ws/v2", signature));
        }
    }

    @Test
    void headersCarryKeyIdTimestampAndSignature() {
        KalshiSigner signer = new KalshiSigner("my-key", keys.getPrivate());
        Map<String, String> headers = signer.headers(42L, "GET", "/trade-api/v2/markets");
        assertEquals("my-key", headers.get("KALSHI-ACCESS-KEY"));
        assertEquals("42", headers.get("KALSHI-ACCESS-TIMESTAMP"));
        assertTrue(KalshiSigner.verify(keys.getPublic(), 42L, "GET", "/trade-api/v2/markets",
                headers.get("KALSHI-ACCESS-SIGNATURE")));
        assertFalse(signer.toString().contains(Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded())));
    }

    @Test
    void publicKeyPemRoundTrips() throws Exception {
        Path file = Files.writeString(dir.resolve("pub.pem"), KalshiKeys.publicKeyPem(keys.getPublic()));
        PublicKey loaded = KalshiKeys.loadPublicKey(file);
        assertEquals(keys.getPublic(), loaded);
    }

    @Test
    void unusableKeyFilesFailWithAMessageNamingTheFileButNotTheKey() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> KalshiKeys.loadPrivateKey(garbage));
        assertTrue(e.getMessage().contains("garbage.pem"), e.getMessage());

        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        e = assertThrows(GeneralSecurityException.class, () -> KalshiKeys.loadPrivateKey(encrypted));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());

        String body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu";
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n");
        e = assertThrows(GeneralSecurityException.class, () -> KalshiKeys.loadPrivateKey(broken));
        assertFalse(e.getMessage().contains(body), e.getMessage());
    }

    /** Independent check with the JDK's RSASSA-PSS: SHA-256, MGF1-SHA-256, salt 32. */
    static boolean verifyPss(PublicKey key, String message, String base64Signature) throws Exception {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initVerify(key);
        pss.update(message.getBytes(StandardCharsets.UTF_8));
        return pss.verify(Base64.getDecoder().decode(base64Signature));
    }

    /** PKCS#1 PEM, as Kalshi hands out: the RSAPrivateKey inside the PKCS#8 PrivateKeyInfo's OCTET STRING. */
    static String pkcs1Pem(PrivateKey key) {
        byte[] der = key.getEncoded();
        int[] pos = {0};
        expect(der, pos, 0x30);
        readLength(der, pos);
        expect(der, pos, 0x02); // version
        skip(der, pos);
        expect(der, pos, 0x30); // algorithm
        skip(der, pos);
        expect(der, pos, 0x04); // privateKey
        int length = readLength(der, pos);
        byte[] pkcs1 = Arrays.copyOfRange(der, pos[0], pos[0] + length);
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n";
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]++] & 0xff) != tag) {
            throw new IllegalStateException("unexpected DER tag");
        }
    }

    private static void skip(byte[] der, int[] pos) {
        int length = readLength(der, pos);
        pos[0] += length;
    }

    private static int readLength(byte[] der, int[] pos) {
        int first = der[pos[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[pos[0]++] & 0xff);
        }
        return length;
    }
}
