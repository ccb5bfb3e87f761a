package io.memfis.cli;

import picocli.CommandLine.Option;

/** How a writer stores file content, shared by every command that writes files (mount, load, sync). */
final class ContentOptions {

    @Option(names = "--gzip",
            description = "store text files (by extension: html, css, js, json, svg, ...) gzip-compressed when that "
                    + "saves a tenth, flagged so nginx sends them as they are; every mount reads them either way")
    boolean gzip;
}
