package dev.baton.concurrency;

import java.util.List;
import java.util.Objects;

/**
 * The resolved concurrency requirements of one job: all {@code permits} are taken together in the
 * claim, or none are; how it waits when one is busy; when they are given back.
 */
public record Concurrency(
    List<Permit> permits, WaitPolicy waitPolicy, ReleasePolicy releasePolicy) {
  public static final Concurrency NONE =
      new Concurrency(List.of(), WaitPolicy.WAIT, ReleasePolicy.ON_LEAVE_PROCESSING);

  public Concurrency {
    permits = List.copyOf(permits);
    Objects.requireNonNull(waitPolicy, "waitPolicy");
    Objects.requireNonNull(releasePolicy, "releasePolicy");
    long distinct = permits.stream().map(Permit::key).distinct().count();
    if (distinct != permits.size()) {
      throw new IllegalArgumentException("a job may name each permit key once: " + permits);
    }
  }

  public boolean isEmpty() {
    return permits.isEmpty();
  }
}
