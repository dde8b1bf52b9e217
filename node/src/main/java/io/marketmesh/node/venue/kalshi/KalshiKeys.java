package io.marketmesh.node.venue.kalshi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads and writes the RSA keys of Kalshi API credentials as PEM text, with the JDK alone (no BouncyCastle).
 * Kalshi hands out PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) files; {@code openssl pkcs8} turns them into PKCS#8
 * ({@code BEGIN PRIVATE KEY}); both are accepted. Error messages name the file and the problem, never key bytes.
 */
public final class KalshiKeys {

    private static final String PKCS8_LABEL = "PRIVATE KEY";
    private static final String PKCS1_LABEL = "RSA PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private KalshiKeys() {
    }

    /**
     * Loads an RSA private key from a PEM file in PKCS#8 or PKCS#1 form.
     *
     * @throws GeneralSecurityException when the file holds no usable unencrypted RSA private key
     */
    public static PrivateKey loadPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            return parsePrivateKey(pem);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new GeneralSecurityException("cannot read an RSA private key from " + file + ": " + e.getMessage());
        }
    }

    /** Parses PEM text holding a PKCS#8 or PKCS#1 RSA private key. */
    public static PrivateKey parsePrivateKey(String pem) throws GeneralSecurityException {
        byte[] pkcs8;
        if (pem.contains("-----BEGIN " + PKCS8_LABEL + "-----")) {
            pkcs8 = pemBody(pem, PKCS8_LABEL);
        } else if (pem.contains("-----BEGIN " + PKCS1_LABEL + "-----")) {
            if (pem.contains("ENCRYPTED")) {
                throw new GeneralSecurityException("the PKCS#1 key is encrypted; decrypt it first (openssl rsa -in key -out plain.pem)");
            }
            pkcs8 = pkcs1ToPkcs8(pemBody(pem, PKCS1_LABEL));
        } else if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new GeneralSecurityException("the PKCS#8 key is encrypted; decrypt it first (openssl pkcs8 -in key -nocrypt -out plain.pem)");
        } else {
            throw new GeneralSecurityException("no 'BEGIN PRIVATE KEY' or 'BEGIN RSA PRIVATE KEY' block found");
        }
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Loads an RSA public key from a PEM file ({@code BEGIN PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
    public static PublicKey loadPublicKey(Path file) throws IOException, GeneralSecurityException {
        return parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII));
    }

    public static PublicKey parsePublicKey(String pem) throws GeneralSecurityException {
        if (!pem.contains("-----BEGIN " + PUBLIC_LABEL + "-----")) {
            throw new GeneralSecurityException("no 'BEGIN PUBLIC KEY' block found");
        }
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pemBody(pem, PUBLIC_LABEL)));
    }

    /** The public key as PEM ({@code BEGIN PUBLIC KEY}), the form Kalshi asks for when registering a key. */
    public static String publicKeyPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /** A fresh 2048-bit RSA key pair, as Kalshi issues (the demo and the tests play the venue with one). */
    public static java.security.KeyPair newKeyPair() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair: " + e.getMessage(), e);
        }
    }

    /** The key pair of an RSA private key (its public half is derived from the CRT private key). */
    public static java.security.KeyPair keyPairOf(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof java.security.interfaces.RSAPrivateCrtKey crt)) {
            throw new GeneralSecurityException("not an RSA private key with CRT parameters");
        }
        PublicKey publicKey = KeyFactory.getInstance("RSA")
                .generatePublic(new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return new java.security.KeyPair(publicKey, key);
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}); for writing test and simulator credentials. */
    public static String privateKeyPem(PrivateKey key) {
        return pem(PKCS8_LABEL, key.getEncoded());
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static byte[] pemBody(String pem, String label) throws GeneralSecurityException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new GeneralSecurityException("incomplete PEM block '" + label + "'");
        }
        String base64 = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("PEM block '" + label + "' is not valid base64");
        }
    }

    /**
     * PKCS#8 PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING };
     * the OCTET STRING holds the PKCS#1 RSAPrivateKey unchanged, so wrapping is pure DER framing.
     */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM_ID);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 6);
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((length >>> shift) & 0xff);
        }
    }
}
