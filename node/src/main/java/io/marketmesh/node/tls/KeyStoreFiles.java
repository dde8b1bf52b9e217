package io.marketmesh.node.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.function.UnaryOperator;

/**
 * Key stores and their passwords as an operator provides them: a PKCS#12 file, and its password in a file of its own
 * (a mounted secret) or in an environment variable, never in a configuration file. A password is read when needed and
 * never logged; a message about it names only the file or the variable.
 */
public final class KeyStoreFiles {

    private KeyStoreFiles() {
    }

    /**
     * The password in {@code passwordFile} (its first line; a trailing newline from {@code echo} is not part of it),
     * or else in the environment variable {@code envName}.
     *
     * @param setting the configuration key naming the file, for messages
     * @param env     reads an environment variable ({@code System::getenv} outside tests)
     * @throws IllegalArgumentException when neither is given, or the file cannot be read
     */
    public static char[] password(String passwordFile, String setting, String envName, UnaryOperator<String> env) {
        if (passwordFile != null && !passwordFile.isBlank()) {
            try {
                String text = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                String line = end < 0 ? text : text.substring(0, end);
                return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException(setting + ": cannot read the password file " + passwordFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        String value = env.apply(envName);
        if (value == null) {
            throw new IllegalArgumentException("no password for the key store: set " + setting + " to a file holding it, "
                    + "or the environment variable " + envName);
        }
        return value.toCharArray();
    }

    /**
     * Loads a PKCS#12 (or JKS) key store.
     *
     * @param setting the configuration key naming the file, for messages
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or the password is wrong
     */
    public static KeyStore load(String file, char[] password, String setting) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException(setting + " is empty: name a PKCS#12 key store file (docs/security.md)");
        }
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(setting + ": cannot read " + file);
        }
        try (InputStream in = Files.newInputStream(path)) {
            // PKCS12 by default since Java 9; the keystore type is detected from the file (JKS works too).
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password shows as an IOException whose cause is an UnrecoverableKeyException.
            throw new IllegalArgumentException(setting + ": cannot open the key store " + file
                    + " (wrong password or not a PKCS#12 file: " + e.getClass().getSimpleName() + ")");
        }
    }
}
