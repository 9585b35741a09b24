package dev.baton.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What this JVM has spent so far: CPU time of the whole process (every thread, GC and JIT
 * included), GC collections and their time, and JIT compilation time. A server process reports the
 * difference between GO and the end of a run ({@code COST}), so a throughput line can say where the
 * two cores went: a server still compiling or collecting is not measured warm.
 */
record ProcessCost(long cpuNanos, long gcCount, long gcMillis, long jitMillis) {
  /** Nothing spent: the start of a sum over processes. */
  static final ProcessCost ZERO = new ProcessCost(0, 0, 0, 0);

  static ProcessCost now() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    long cpu =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    var jit = ManagementFactory.getCompilationMXBean();
    long jitMillis =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : 0;
    return new ProcessCost(cpu, count, millis, jitMillis);
  }

  ProcessCost minus(ProcessCost earlier) {
    return new ProcessCost(
        cpuNanos - earlier.cpuNanos,
        gcCount - earlier.gcCount,
        gcMillis - earlier.gcMillis,
        jitMillis - earlier.jitMillis);
  }

  ProcessCost plus(ProcessCost other) {
    return new ProcessCost(
        cpuNanos + other.cpuNanos,
        gcCount + other.gcCount,
        gcMillis + other.gcMillis,
        jitMillis + other.jitMillis);
  }

  /** The wire form, read back by {@link #parse}. */
  String line() {
    return cpuNanos + " " + gcCount + " " + gcMillis + " " + jitMillis;
  }

  static ProcessCost parse(String line) {
    String[] f = line.trim().split(" ");
    return new ProcessCost(
        Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
  }

  /** For a report line: CPU per job, then GC and JIT over the run. */
  String perJob(long jobs) {
    return String.format(
        Locale.ROOT,
        "server JVM CPU %.1f us/job (GC %d collections, %d ms; JIT %d ms)",
        cpuNanos / 1e3 / jobs,
        gcCount,
        gcMillis,
        jitMillis);
  }
}
