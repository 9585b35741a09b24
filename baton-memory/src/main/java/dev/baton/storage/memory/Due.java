package dev.baton.storage.memory;

import dev.baton.job.JobId;
import java.time.Instant;
import java.util.Comparator;

/** A job's place in a time-ordered index (run time or expiry); {@code seq} breaks ties. */
record Due(Instant at, long seq, JobId id) implements Comparable<Due> {
  private static final Comparator<Due> ORDER =
      Comparator.comparing(Due::at).thenComparingLong(Due::seq);

  @Override
  public int compareTo(Due o) {
    return ORDER.compare(this, o);
  }
}
