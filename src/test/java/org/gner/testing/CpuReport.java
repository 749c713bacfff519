package org.gner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Prints one line about the CPU when a test JVM starts: which vectorised kernels libtorch (ATen) and
 * MKL run decides the float results of the training tests, so a failure on another machine can be read
 * from the log. ATen picks AVX-512 where the CPU has avx512f/bw/vl/dq, else AVX2 where it has avx2 and
 * fma, unless {@code ATEN_CPU_CAPABILITY} asks for less.
 */
public final class CpuReport implements LauncherSessionListener {
    private static final List<String> OVERRIDES = List.of("ATEN_CPU_CAPABILITY", "MKL_ENABLE_INSTRUCTIONS",
            "MKL_CBWR", "ONEDNN_MAX_CPU_ISA", "OMP_NUM_THREADS");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        System.out.println(describe());
    }

    static String describe() {
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (flag.startsWith("avx") || flag.equals("fma")) {
                            flags.add(flag);
                        }
                    }
                }
            }
        } catch (IOException e) {
            model = "unknown (" + e.getMessage() + ")";
        }
        String detected = flags.containsAll(List.of("avx512f", "avx512bw", "avx512vl", "avx512dq")) ? "avx512"
                : flags.containsAll(List.of("avx2", "fma")) ? "avx2" : "default";
        List<String> set = new ArrayList<>();
        for (String name : OVERRIDES) {
            String value = System.getenv(name);
            if (value != null) {
                set.add(name + "=" + value);
            }
        }
        String requested = System.getenv("ATEN_CPU_CAPABILITY");
        return "[gner tests] CPU: " + model + " (" + Runtime.getRuntime().availableProcessors() + " cores; "
                + String.join(" ", flags) + "); ATen kernels: "
                + (requested == null ? detected + " (the CPU's best)" : requested + " (requested; the CPU offers "
                        + detected + ")")
                + "; " + (set.isEmpty() ? "no kernel overrides set" : String.join(" ", set));
    }
}
