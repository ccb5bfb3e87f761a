package io.memfis.tools;

/**
 * One line of a check's report: a problem (the namespace is not consistent) or a note (true
 * and worth knowing, but nothing to repair: what nginx cannot serve, a server that evicts).
 *
 * @param subject what it is about: a path, "inode 12", or a key
 * @param repair  what --repair did about it, or null
 */
public record Finding(Kind kind, String subject, String message, String repair) {

    public enum Kind {
        PROBLEM,
        NOTE
    }

    static Finding problem(String subject, String message) {
        return new Finding(Kind.PROBLEM, subject, message, null);
    }

    static Finding note(String subject, String message) {
        return new Finding(Kind.NOTE, subject, message, null);
    }

    Finding repaired(String how) {
        return new Finding(kind, subject, message, how);
    }

    public boolean isProblem() {
        return kind == Kind.PROBLEM;
    }

    /** {@code SUBJECT: MESSAGE[; repaired: HOW]}; a note starts with "note: ". */
    public String line() {
        String line = subject + ": " + message + (repair == null ? "" : "; repaired: " + repair);
        return kind == Kind.NOTE ? "note: " + line : line;
    }
}
