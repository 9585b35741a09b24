package dev.baton.server;

import java.time.Duration;

/**
 * Moves due SCHEDULED jobs (delayed jobs, retries) and BLOCKED jobs whose rate window freed to
 * ENQUEUED, and times out jobs that waited too long for a permit ({@link
 * dev.baton.storage.JobStorage#promoteDue}).
 */
public final class PromotionPlugin extends PeriodicPlugin {
  /** Jobs moved per storage call; a tick keeps calling while calls come back full. */
  public static final int BATCH_SIZE = 500;

  private static final int MAX_CALLS_PER_TICK = 20;

  public PromotionPlugin(Duration interval) {
    super("promotion", interval);
  }

  @Override
  protected void tick(PluginContext context) {
    for (int i = 0; i < MAX_CALLS_PER_TICK; i++) {
      if (context.storage().promoteDue(BATCH_SIZE) < BATCH_SIZE) {
        return;
      }
    }
  }
}
