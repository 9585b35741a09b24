package dev.baton.server;

import dev.baton.stats.UnknownTypes;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * What a server does with a job of a type it has no handler for. Within {@link
 * BatonServerConfig#unknownTypeGrace()} of the job's creation it is put back without spending an
 * attempt, for a server that has the handler (a rolling deploy: new code enqueues a type the old
 * servers do not know yet); the delay is a quarter of the job's age, from 1 s to 1 min, so a job
 * that nobody takes costs a few dozen claims over the grace, not one a second. The delay is
 * stretched by a random 0 to 50%: with a fixed one, the server that put the job back is in the same
 * phase every time it comes due (its own promotion tick, its own notification) and can win it again
 * and again over a server that has the handler. After the grace, or with a grace of zero, the job
 * fails for good with a reason that says what to do.
 */
final class UnknownTypePolicy {
  static final Duration MIN_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofMinutes(1);

  private final Duration grace;
  private final Supplier<Instant> storageClock;
  private final UnknownTypes counts;
  private final DoubleSupplier random;

  /**
   * @param random values in [0, 1) that stretch each delay by up to 50% ({@code () -> 0} for none)
   */
  UnknownTypePolicy(
      Duration grace, Supplier<Instant> storageClock, UnknownTypes counts, DoubleSupplier random) {
    this.grace = grace;
    this.storageClock = storageClock;
    this.counts = counts;
    this.random = random;
  }

  /**
   * The outcome for a job of {@code type} created at {@code createdAt} (storage clock; null if not
   * known, which counts as past the grace) that this server, handling {@code handled}, cannot run.
   */
  RunOutcome outcome(String type, Instant createdAt, String serverId, Collection<String> handled) {
    String missing =
        "no handler registered for job type '"
            + type
            + "' on server "
            + serverId
            + " (it handles "
            + handled
            + ")";
    Instant now = storageClock.get();
    Duration age = createdAt == null ? grace : Duration.between(createdAt, now);
    if (grace.isZero()) {
      counts.failed(type);
      return new RunOutcome.Failed(null, missing + "; register it and requeue the job");
    }
    if (age.compareTo(grace) >= 0) {
      counts.failed(type);
      return new RunOutcome.Failed(
          null,
          missing
              + ", and no server that has one took it within "
              + human(grace)
              + " of its creation; register it and requeue the job");
    }
    Duration delay = age.dividedBy(4);
    delay = delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
    delay = delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    delay = delay.plusMillis((long) (delay.toMillis() * 0.5 * random.getAsDouble()));
    counts.postponed(type);
    return RunOutcome.Retry.postpone(
        delay,
        missing
            + "; put back for a server that has one, again in "
            + human(delay)
            + " (no attempt spent; it fails if none has taken it by "
            + createdAt.plus(grace)
            + ")");
  }

  /** 1m30s, 45s, 1.5s. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 10_000 && ms % 1000 != 0) {
      return (ms / 100) / 10.0 + "s";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
  }
}
