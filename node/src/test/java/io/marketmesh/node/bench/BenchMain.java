package io.marketmesh.node.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What every benchmark {@code main} shares: its {@code key=value} arguments, its exit code, its child JVMs' command. */
final class BenchMain {

    interface Body {
        void run() throws Exception;
    }

    private BenchMain() {
    }

    /** {@code key=value} arguments become system properties; the JVM exits 0, or 1 with the stack trace on a failure. */
    static void run(String[] args, Body body) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                System.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        int code = 0;
        try {
            body.run();
        } catch (Throwable t) {
            t.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** {@code java <jvmOptions> -cp <this JVM's class path> <mainClass> <args>}: a child JVM running our code. */
    static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
