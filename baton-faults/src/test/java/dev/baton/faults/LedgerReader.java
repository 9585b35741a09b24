package dev.baton.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reading side of the execution ledger: every {@code *.ledger} file of a directory, folded into
 * runs (one per job, server and fencing token), ordered by start.
 */
final class LedgerReader {
  /** Not yet seen: a run without that event. */
  static final long NONE = Long.MIN_VALUE;

  /**
   * One run of one job's handler on one server under one fencing token.
   *
   * @param cancelNanos when its token fired, or {@link #NONE}
   * @param endNanos when the handler ended (done or cancelled), or {@link #NONE} while it runs
   * @param completed whether it finished its work ("done"), as opposed to stopping on its token
   */
  record Run(
      String job,
      String server,
      long token,
      long startNanos,
      long cancelNanos,
      long endNanos,
      boolean completed) {
    boolean ended() {
      return endNanos != NONE;
    }

    boolean overlaps(Run o) {
      long end = ended() ? endNanos : Long.MAX_VALUE;
      long oEnd = o.ended() ? o.endNanos : Long.MAX_VALUE;
      return startNanos < oEnd && o.startNanos < end;
    }

    @Override
    public String toString() {
      return server
          + "#"
          + token
          + " ["
          + startNanos
          + (cancelNanos == NONE ? "" : " cancel@" + cancelNanos)
          + " .. "
          + (ended() ? endNanos + (completed ? " done" : " cancelled") : "running")
          + "]";
    }
  }

  private final Path dir;

  LedgerReader(Path dir) {
    this.dir = dir;
  }

  /** Runs by job id, each job's runs in start order. */
  Map<String, List<Run>> runsByJob() {
    Map<String, Map<String, long[]>> acc = new LinkedHashMap<>();
    for (String line : lines()) {
      String[] f = line.split(" ");
      if (f.length != 5) {
        continue; // a line being written right now
      }
      String runKey = f[3] + "#" + f[2];
      long[] run =
          acc.computeIfAbsent(f[1], k -> new LinkedHashMap<>())
              .computeIfAbsent(runKey, k -> new long[] {NONE, NONE, NONE, 0});
      long at = Long.parseLong(f[4]);
      switch (f[0]) {
        case "start" -> run[0] = at;
        case "cancel" -> run[1] = run[1] == NONE ? at : Math.min(run[1], at);
        case "done" -> {
          run[2] = at;
          run[3] = 1;
        }
        case "cancelled" -> run[2] = at;
        default -> throw new IllegalStateException("unknown ledger event: " + line);
      }
    }
    Map<String, List<Run>> out = new LinkedHashMap<>();
    acc.forEach(
        (job, runs) -> {
          List<Run> list = new ArrayList<>();
          runs.forEach(
              (key, r) -> {
                int hash = key.lastIndexOf('#');
                list.add(
                    new Run(
                        job,
                        key.substring(0, hash),
                        Long.parseLong(key.substring(hash + 1)),
                        r[0],
                        r[1],
                        r[2],
                        r[3] == 1));
              });
          list.sort(Comparator.comparingLong(Run::startNanos));
          out.put(job, list);
        });
    return out;
  }

  /** Runs of {@code server} that started and have not ended. */
  long running(String server) {
    return runsByJob().values().stream()
        .flatMap(List::stream)
        .filter(r -> r.server().equals(server) && !r.ended())
        .count();
  }

  /** Runs started by {@code server}. */
  long started(String server) {
    return runsByJob().values().stream()
        .flatMap(List::stream)
        .filter(r -> r.server().equals(server))
        .count();
  }

  private List<String> lines() {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".ledger")).sorted().toList()) {
        out.addAll(Files.readAllLines(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ledger in " + dir, e);
    }
    return out;
  }
}
