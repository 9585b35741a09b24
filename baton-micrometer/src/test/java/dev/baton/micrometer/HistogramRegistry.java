package dev.baton.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A {@link SimpleMeterRegistry} that keeps percentile histogram buckets, as Prometheus' registry
 * does (the simple one drops them: it has no aggregable percentiles), so tests can see them.
 */
final class HistogramRegistry extends SimpleMeterRegistry {
  @Override
  protected Timer newTimer(
      Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
    return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), true);
  }
}
