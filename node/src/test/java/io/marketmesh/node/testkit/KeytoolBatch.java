package io.marketmesh.node.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs several keytool commands in one JVM ({@code java --add-exports java.base/sun.security.tools.keytool=ALL-UNNAMED
 * ... KeytoolBatch <command> NEXT <command> NEXT ...}), each exactly as on the command line: keytool's own
 * {@code main}, which exits the JVM with a non-zero code when a command fails.
 */
public final class KeytoolBatch {

    static final String NEXT = "--keytool-batch-next--";

    private KeytoolBatch() {
    }

    public static void main(String[] args) throws Exception {
        var keytool = Class.forName("sun.security.tools.keytool.Main").getMethod("main", String[].class);
        List<String> command = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals(NEXT)) {
                keytool.invoke(null, (Object) command.toArray(String[]::new));
                command.clear();
            } else {
                command.add(arg);
            }
        }
    }
}
