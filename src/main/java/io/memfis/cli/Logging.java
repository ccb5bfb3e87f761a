package io.memfis.cli;

import java.util.Arrays;

/**
 * Configures the SLF4J simple backend before the first logger exists: short names; INFO and
 * timestamps for a mount that serves and for a sync, WARN without timestamps for the commands
 * a user runs (they speak in one-line messages of their own), DEBUG and timestamps with
 * {@code -v}; spymemcached kept at WARN.
 */
final class Logging {

    private Logging() {
    }

    static void configure(String[] args) {
        var list = Arrays.asList(args);
        boolean verbose = list.contains("-v") || list.contains("--verbose");
        String command = list.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
        boolean serving = list.contains("-f") || list.contains("--foreground") || command.equals("docker-plugin")
                || command.equals("sync");
        set("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : serving ? "info" : "warn");
        // a date only in a log read later: its format's locale data cost a short command
        // about 40 ms of its start, and its warnings appear on the terminal as they happen
        boolean dated = serving || verbose;
        set("org.slf4j.simpleLogger.showDateTime", String.valueOf(dated));
        if (dated) {
            set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        }
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.log.net.spy.memcached", "warn");
        set("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
