package io.zetaspark.kernels.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the GPU test classes without Maven, on a GPU machine that only has a JRE
 * (bench/gpu/run-on-device.sh): prints JUnit's summary and exits 0 only when every test ran and
 * passed — a skipped test (no usable GPU) counts as a failure here, since the point of running
 * on that machine is to run them.
 */
public final class GpuSuiteMain {
    private GpuSuiteMain() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(GpuEqualityTest.class), selectClass(NativeEmulationTest.class),
                        selectClass(GpuRuntimeTest.class), selectClass(FallbackTest.class))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter w = new PrintWriter(System.out, true);
        summary.printTo(w);
        summary.printFailuresTo(w, 30);
        boolean ok = summary.getTotalFailureCount() == 0 && summary.getTestsSkippedCount() == 0
                && summary.getTestsAbortedCount() == 0 && summary.getTestsSucceededCount() > 0;
        w.println(ok ? "GPU SUITE PASSED" : "GPU SUITE NOT PASSED (failures, or tests skipped/aborted: no usable GPU?)");
        System.exit(ok ? 0 : 1);
    }
}
