package org.gner.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Captures what a command line prints on System.out or System.err while it runs. */
public final class ConsoleCapture {
    private ConsoleCapture() {}

    public static String stdout(Runnable body) {
        return capture(body, () -> System.out, System::setOut);
    }

    public static String stderr(Runnable body) {
        return capture(body, () -> System.err, System::setErr);
    }

    private static String capture(Runnable body, Supplier<PrintStream> current, Consumer<PrintStream> set) {
        PrintStream original = current.get();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        set.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            set.accept(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
