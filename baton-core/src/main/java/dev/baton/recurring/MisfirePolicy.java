package dev.baton.recurring;

/**
 * What a recurring job does about occurrences it missed (no server was running, or the storage was
 * unreachable). An occurrence counts as missed when it is more than the plugin's misfire threshold
 * late ({@link RecurringPlugin#DEFAULT_MISFIRE_THRESHOLD} by default).
 */
public enum MisfirePolicy {
  /** One job stands for all missed occurrences, named after the latest of them (default). */
  FIRE_ONCE,
  /** Missed occurrences are dropped; only an occurrence within the threshold still fires. */
  SKIP,
  /**
   * One job per missed occurrence, at most {@link #FIRE_ALL_MAX}: beyond that only the latest
   * {@code FIRE_ALL_MAX} fire and the older ones are dropped (logged).
   */
  FIRE_ALL;

  /** The most occurrences {@link #FIRE_ALL} catches up at once. */
  public static final int FIRE_ALL_MAX = 100;
}
