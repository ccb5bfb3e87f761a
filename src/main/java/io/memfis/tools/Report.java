package io.memfis.tools;

/**
 * Where a check's findings go, counted; a problem's repair runs here, and only with
 * --repair, so the code that finds a problem says in one place what repairing it means.
 */
final class Report {

    private final CheckListener listener;
    private final boolean repair;
    private int problems;
    private int repaired;
    private int notes;
    private long entries;

    Report(CheckListener listener, boolean repair) {
        this.listener = listener;
        this.repair = repair;
    }

    /** A problem that --repair fixes by running {@code fix}, which does what {@code how} says. */
    void problem(String subject, String message, String how, Runnable fix) {
        problems++;
        Finding f = Finding.problem(subject, message);
        if (repair) {
            fix.run();
            repaired++;
            f = f.repaired(how);
        }
        listener.finding(f);
    }

    void note(String subject, String message) {
        notes++;
        listener.finding(Finding.note(subject, message));
    }

    /** One more entry (a name, a node, a key) looked at. */
    void entry() {
        if ((++entries & 255) == 0) {
            listener.progress(entries);
        }
    }

    /** Why a value does not parse, in one line: the codec's reason without the parser's location. */
    static String reason(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).replaceFirst("^[a-z ]+ is not valid: ", "").strip();
    }

    CheckResult result() {
        return new CheckResult(entries, problems, repaired, notes);
    }
}
