package dev.baton.concurrency;

import java.time.Duration;
import java.util.Objects;

/**
 * A declared concurrency limit whose key is a template, e.g. {@code video:{videoId}}. Placeholders
 * name argument fields ({@code {videoId}}, nested {@code {customer.id}}) or positions ({@code {0}},
 * for arguments that are records or JSON arrays, as Hangfire users write them). At enqueue the
 * template is resolved against the job's arguments into a {@link Permit}.
 */
public record ConcurrencyLimit(Permit.Kind kind, String keyTemplate, int limit, Duration window) {
  public ConcurrencyLimit {
    Objects.requireNonNull(kind, "kind");
    if (keyTemplate == null || keyTemplate.isBlank()) {
      throw new IllegalArgumentException("a concurrency key template must not be blank");
    }
    if (limit < 1) {
      throw new IllegalArgumentException(
          "limit of '" + keyTemplate + "' must be at least 1, got " + limit);
    }
    if (kind != Permit.Kind.SEMAPHORE && (window == null || window.toMillis() < 1)) {
      throw new IllegalArgumentException(
          "rate limit '" + keyTemplate + "' needs a window of at least 1 ms, got " + window);
    }
  }

  /** At most one job per resolved key runs at a time. */
  public static ConcurrencyLimit mutex(String keyTemplate) {
    return new ConcurrencyLimit(Permit.Kind.SEMAPHORE, keyTemplate, 1, null);
  }

  /** At most {@code permits} jobs per resolved key run at a time. */
  public static ConcurrencyLimit semaphore(String keyTemplate, int permits) {
    return new ConcurrencyLimit(Permit.Kind.SEMAPHORE, keyTemplate, permits, null);
  }

  /** At most {@code starts} job starts per fixed window (aligned to the epoch). */
  public static ConcurrencyLimit rateLimit(String keyTemplate, int starts, Duration window) {
    return new ConcurrencyLimit(Permit.Kind.RATE_FIXED, keyTemplate, starts, window);
  }

  /** At most {@code starts} job starts within any span of {@code window}. */
  public static ConcurrencyLimit slidingRateLimit(String keyTemplate, int starts, Duration window) {
    return new ConcurrencyLimit(Permit.Kind.RATE_SLIDING, keyTemplate, starts, window);
  }
}
