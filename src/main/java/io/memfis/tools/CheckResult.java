package io.memfis.tools;

/**
 * What a check did, in numbers.
 *
 * @param entries  names, nodes and keys looked at
 * @param problems problems found (0: the namespace is consistent)
 * @param repaired problems repaired (with --repair, all of them)
 * @param notes    notes: things nginx cannot serve, servers that evict
 */
public record CheckResult(long entries, int problems, int repaired, int notes) {

    public boolean clean() {
        return problems == 0;
    }
}
