package io.memfis.cli;

import io.memfis.testing.Memfis;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mounting is the default command, yet its MOUNTPOINT must not stand in the way of the subcommands. */
class SubcommandsTest {

    @Test
    void aSubcommandNeedsNoMountPoint() {
        Shell.Result help = Memfis.run("mount", "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().startsWith("Usage: memfis mount"), help.out());
    }

    @Test
    void mountingWithoutAMountPointIsAUsageError() {
        for (String[] args : new String[][]{{}, {"mount"}, {"-n", "site"}}) {
            Shell.Result r = Memfis.run(args);
            assertEquals(Cli.USAGE, r.exit(), r.toString());
            assertEquals("memfis: Missing required parameter: 'MOUNTPOINT' (see memfis --help)\n", r.err());
        }
    }
}
