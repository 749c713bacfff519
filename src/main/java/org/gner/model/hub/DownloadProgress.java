package org.gner.model.hub;

import java.io.PrintStream;
import java.util.Locale;

/** Download progress as plain lines (no carriage-return tricks, so logs stay readable), at most every ~2 s. */
final class DownloadProgress {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long startNanos;
    private final long startBytes;
    private long lastPrintNanos;
    private boolean printedProgress;

    DownloadProgress(PrintStream out, String label, long total, long startBytes) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.startBytes = startBytes;
        this.startNanos = System.nanoTime();
        this.lastPrintNanos = startNanos;
        String size = total >= 0 ? " (" + human(total) + ")" : "";
        String resume = startBytes > 0 ? ", resuming at " + human(startBytes) : "";
        out.println("Downloading " + label + size + resume);
    }

    void update(long bytes) {
        long now = System.nanoTime();
        if (now - lastPrintNanos < INTERVAL_NANOS) {
            return;
        }
        lastPrintNanos = now;
        printedProgress = true;
        double seconds = (now - startNanos) / 1e9;
        String rate = human((long) ((bytes - startBytes) / Math.max(seconds, 1e-3))) + "/s";
        if (total > 0) {
            out.printf(Locale.ROOT, "  %s: %s / %s (%d%%), %s%n", label, human(bytes), human(total),
                    bytes * 100 / total, rate);
        } else {
            out.printf(Locale.ROOT, "  %s: %s, %s%n", label, human(bytes), rate);
        }
    }

    /** Closes a download that showed progress; quick small files need no second line. */
    void done(long bytes) {
        if (!printedProgress) {
            return;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "  %s: done, %s in %.1f s%n", label, human(bytes), seconds);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
