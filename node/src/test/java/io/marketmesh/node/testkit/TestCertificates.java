package io.marketmesh.node.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway certificates made at test time with the JDK's keytool, the commands of docs/security.md: a certificate
 * authority, a node key store it signs (valid for 127.0.0.1 and localhost) and a trust store holding only the CA. No
 * private key is ever checked in; every store lives in a temporary directory, under a random password kept in a
 * password file (as a node reads it). The keytool commands run in one child JVM ({@link KeytoolBatch}): a JVM start
 * per command costs seconds each on a loaded machine.
 */
public final class TestCertificates {

    private static final java.util.Map<String, TestCertificates> MADE = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path dir;
    private final String name;
    private final Path passwordFile;
    private final List<List<String>> commands = new ArrayList<>();

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.passwordFile = dir.resolve(name + "-password.txt");
    }

    /**
     * A certificate authority named {@code name} with one node key store ({@link #nodeKeystore()}), made once per test
     * JVM in a temporary directory (deleted at exit) and shared by the tests that ask for the same name.
     */
    public static TestCertificates shared(String name) {
        return MADE.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("marketmesh-certs-");
                dir.toFile().deleteOnExit();
                TestCertificates ca = authority(dir, n);
                ca.nodeKeystore("node");
                ca.run();
                for (java.io.File file : dir.toFile().listFiles()) {
                    file.deleteOnExit();
                }
                return ca;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The node key store of a {@link #shared} authority. */
    public Path nodeKeystore() {
        return Path.of(file("node.p12"));
    }

    /** A new certificate authority named {@code name}, its files in {@code dir}, made by {@link #run()}. */
    private static TestCertificates authority(Path dir, String name) {
        TestCertificates ca = new TestCertificates(dir, name);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        try {
            Files.writeString(ca.passwordFile, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ca.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=" + name, "-ext", "bc:c", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-storetype", "PKCS12", "-keystore", ca.file("ca.p12"));
        ca.keytool("-exportcert", "-alias", "ca", "-keystore", ca.file("ca.p12"), "-rfc", "-file", ca.file("ca.crt"));
        ca.keytool("-importcert", "-alias", "ca", "-file", ca.file("ca.crt"), "-noprompt", "-storetype", "PKCS12",
                "-keystore", ca.file("truststore.p12"));
        return ca;
    }

    /** A PKCS#12 key store for {@code node}: its key and a certificate this CA signed, for 127.0.0.1 and localhost. */
    private Path nodeKeystore(String node) {
        String keystore = file(node + ".p12");
        keytool("-genkeypair", "-alias", "node", "-dname", "CN=" + node, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore);
        keytool("-certreq", "-alias", "node", "-keystore", keystore, "-file", file(node + ".csr"));
        keytool("-gencert", "-alias", "ca", "-keystore", file("ca.p12"), "-infile", file(node + ".csr"),
                "-outfile", file(node + ".crt"), "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth,clientAuth");
        keytool("-importcert", "-alias", "ca", "-file", file("ca.crt"), "-noprompt", "-keystore", keystore);
        keytool("-importcert", "-alias", "node", "-file", file(node + ".crt"), "-keystore", keystore);
        return Path.of(keystore);
    }

    /** The trust store holding only this CA's certificate. */
    public Path truststore() {
        return Path.of(file("truststore.p12"));
    }

    /** The file whose first line is the password of every store of this CA. */
    public Path passwordFile() {
        return passwordFile;
    }

    /** A client context that trusts this CA only (as a user's client would be configured). */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(Path.of(file("ca.crt")))) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String file(String suffix) {
        return dir.resolve(name + "-" + suffix).toString();
    }

    /** Adds a keytool command, the store password from the password file (never on the command line). */
    private void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("-storepass:file", passwordFile.toString()));
        commands.add(command);
    }

    /** Runs the keytool commands added so far, in order, in one child JVM. */
    private void run() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/sun.security.tools.keytool=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KeytoolBatch.class.getName()));
        for (List<String> keytool : commands) {
            command.addAll(keytool);
            command.add(KeytoolBatch.NEXT);
        }
        commands.clear();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
