package dev.baton.server;

import java.time.Duration;

/**
 * Purges finished jobs (with history and logs) whose retention expired, and expired uniqueness
 * keys, in small batches so that no storage call holds locks for long.
 */
public final class RetentionPlugin extends PeriodicPlugin {
  private static final int MAX_CALLS_PER_TICK = 10;
  private final int batchSize;

  public RetentionPlugin(Duration interval, int batchSize) {
    super("retention", interval);
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "retention batch size must be at least 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  @Override
  protected void tick(PluginContext context) {
    for (int i = 0; i < MAX_CALLS_PER_TICK; i++) {
      if (context.storage().purgeExpired(batchSize) < batchSize) {
        return;
      }
    }
  }
}
