package io.memfis.cli;

import java.util.List;

/**
 * Initializes, on a second thread, the libraries a command that talks to memcached sets up
 * on its way (SLF4J's backend, spymemcached and the MD5 digest its connection factory makes,
 * Jackson's factory), while the main thread has picocli read the command line: most of a
 * short command's start is such one-time initialization, run one step after the other on one
 * core. The JVM initializes a class once, under its own lock: whichever thread comes first
 * does it, the other waits for it, so nothing here changes what a command does.
 */
final class StartAhead {

    /** Classes whose static initialization is worth starting early, by name: some are not ours. */
    static final List<String> CLASSES = List.of(
            "io.memfis.store.MemcachedStore", // SLF4J's backend, configured by Logging
            "net.spy.memcached.DefaultConnectionFactory", // MD5, so the JDK's security providers
            "net.spy.memcached.MemcachedConnection",
            "net.spy.memcached.protocol.binary.BinaryOperationFactory",
            "io.memfis.layout.Json", // Jackson's JsonFactory
            "io.memfis.fs.MemFs", // and the classes they extend and implement
            "io.memfis.load.LoadRun");

    /** Options after which a command starts nothing: it prints help or the version. */
    private static final List<String> PRINT_ONLY = List.of("-h", "--help", "-V", "--version");

    private StartAhead() {
    }

    /** Starts the initialization unless {@code args} only ask for help or the version. */
    static void start(String[] args) {
        for (String arg : args) {
            if (PRINT_ONLY.contains(arg)) {
                return;
            }
        }
        Thread t = new Thread(StartAhead::initialize, "memfis-start-ahead");
        t.setDaemon(true);
        t.start();
    }

    private static void initialize() {
        ClassLoader loader = StartAhead.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return; // the command meets the same error where it uses the class, and says it
            }
        }
    }
}
