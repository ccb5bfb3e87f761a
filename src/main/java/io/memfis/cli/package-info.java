/**
 * The {@code memfis} command line: one Picocli class per command, options shared through
 * mixins ({@code ServerOptions}, {@code ContentOptions}, {@code MountOptions}), the mount's
 * life (background start, signals, the one-line refusals) and the launcher's class data
 * training run. It turns every failure into one line and a named exit status; it holds no
 * filesystem logic and builds no memcached key.
 */
package io.memfis.cli;
