package dev.baton.job;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff between attempts: {@code initial * multiplier^(attempt-1)}, capped at {@code
 * max}, then spread by +/- {@code jitter} (a fraction, 0..1) so that a burst of failures does not
 * retry in lock step.
 */
public record RetryBackoff(Duration initial, double multiplier, Duration max, double jitter) {
  public static final Duration DEFAULT_INITIAL = Duration.ofSeconds(5);
  public static final double DEFAULT_MULTIPLIER = 3.0;
  public static final Duration DEFAULT_MAX = Duration.ofHours(1);
  public static final double DEFAULT_JITTER = 0.2;

  /** 5 s, 15 s, 45 s, ... capped at 1 h, +/- 20%. */
  public static final RetryBackoff DEFAULT =
      new RetryBackoff(DEFAULT_INITIAL, DEFAULT_MULTIPLIER, DEFAULT_MAX, DEFAULT_JITTER);

  public RetryBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative()) {
      throw new IllegalArgumentException("retry initial delay must not be negative: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("retry max delay " + max + " is below initial " + initial);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("retry multiplier must be >= 1, got " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("retry jitter must be within 0..1, got " + jitter);
    }
  }

  /** A fixed delay between attempts, without jitter. */
  public static RetryBackoff fixed(Duration delay) {
    return new RetryBackoff(delay, 1.0, delay, 0.0);
  }

  /**
   * The delay before attempt {@code nextAttempt} (2 for the first retry), given a random value in
   * [0,1) for the jitter.
   */
  public Duration delayBefore(int nextAttempt, double random) {
    double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
    double capped = Math.min(base, max.toMillis());
    double spread = capped * jitter * (2 * random - 1);
    return Duration.ofMillis(Math.max(0L, Math.round(capped + spread)));
  }
}
