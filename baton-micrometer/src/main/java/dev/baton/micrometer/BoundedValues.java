package dev.baton.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tag values one tag may take: the first {@code max} distinct values seen are kept as they are,
 * every later one is folded into {@value #OTHER}, so a deployment that enqueues ever new job types
 * or queue names cannot grow the registry without bound. A value once kept stays kept.
 */
final class BoundedValues {
  /** The value every value beyond the cap is folded into. */
  static final String OTHER = "other";

  private final int max;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  BoundedValues(int max) {
    this.max = max;
  }

  /** {@code value} itself while the cap allows it, else {@value #OTHER}. */
  String of(String value) {
    if (kept.contains(value)) {
      return value;
    }
    synchronized (this) { // the size check and the add as one step: never more than max kept
      if (kept.contains(value)) {
        return value;
      }
      if (kept.size() < max) {
        kept.add(value);
        return value;
      }
    }
    return OTHER;
  }
}
