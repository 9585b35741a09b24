package dev.baton.recurring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * What one firing of a due recurring job does: which occurrences get a job, and the next fire time
 * to store. Pure computation on given instants, so every policy is testable without a clock.
 *
 * <p>The due occurrences are the stored next fire time itself (whatever the schedule says of it)
 * and every occurrence of the schedule after it up to {@code now}. The newest of them is "on time"
 * if it is at most {@code misfireThreshold} late.
 *
 * @param occurrences the occurrences to create jobs for, oldest first; may be empty (all skipped)
 * @param newNextFire the first occurrence after {@code now}
 * @param dropped whether some due occurrences get no job of their own
 */
public record FirePlan(List<Instant> occurrences, Instant newNextFire, boolean dropped) {

  /**
   * The plan for a job whose stored next fire time is {@code nextFireAt}, or empty if that is still
   * in the future.
   *
   * @throws IllegalStateException if the schedule has no occurrence after {@code now}
   */
  public static Optional<FirePlan> compute(
      CronSchedule schedule,
      MisfirePolicy policy,
      Instant nextFireAt,
      Instant now,
      Duration misfireThreshold) {
    if (nextFireAt.isAfter(now)) {
      return Optional.empty();
    }
    Instant latest =
        schedule.lastAtOrBefore(now).filter(t -> t.isAfter(nextFireAt)).orElse(nextFireAt);
    Instant next =
        schedule
            .nextAfter(now)
            .orElseThrow(
                () -> new IllegalStateException(schedule + " has no occurrence after " + now));
    boolean several = latest.isAfter(nextFireAt);
    FirePlan plan =
        switch (policy) {
          case FIRE_ONCE -> new FirePlan(List.of(latest), next, several);
          case SKIP -> {
            boolean onTime = Duration.between(latest, now).compareTo(misfireThreshold) <= 0;
            yield onTime
                ? new FirePlan(List.of(latest), next, several)
                : new FirePlan(List.of(), next, true);
          }
          case FIRE_ALL -> fireAll(schedule, nextFireAt, latest, next);
        };
    return Optional.of(plan);
  }

  /** Walks back from the newest due occurrence, so a cap keeps the most recent ones. */
  private static FirePlan fireAll(
      CronSchedule schedule, Instant nextFireAt, Instant latest, Instant next) {
    Deque<Instant> occurrences = new ArrayDeque<>();
    Instant t = latest;
    occurrences.addFirst(t);
    while (t.isAfter(nextFireAt) && occurrences.size() < MisfirePolicy.FIRE_ALL_MAX) {
      t = schedule.lastBefore(t).filter(p -> p.isAfter(nextFireAt)).orElse(nextFireAt);
      occurrences.addFirst(t);
    }
    return new FirePlan(List.copyOf(occurrences), next, t.isAfter(nextFireAt));
  }
}
