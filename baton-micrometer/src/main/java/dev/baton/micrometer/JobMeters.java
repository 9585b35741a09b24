package dev.baton.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The per-job meters, by (job type, queue) after the cardinality caps: built once per pair and
 * kept, so counting a job is two map look-ups and an add, not a registry look-up with a new {@code
 * Meter.Id} each time.
 */
final class JobMeters {
  private final MeterRegistry registry;
  private final Tags common;
  private final BoundedValues types;
  private final BoundedValues queues;
  private final boolean histograms;
  private final Map<String, Map<String, ForPair>> byType = new ConcurrentHashMap<>();

  JobMeters(MeterRegistry registry, Tags common, int maxTypes, int maxQueues, boolean histograms) {
    this.registry = registry;
    this.common = common;
    this.types = new BoundedValues(maxTypes);
    this.queues = new BoundedValues(maxQueues);
    this.histograms = histograms;
  }

  /**
   * The meters of jobs of {@code type} on {@code queue}. Keyed by the capped values, so the maps
   * stay as small as the registry however many types and queues come along.
   */
  ForPair of(String type, String queue) {
    String t = types.of(type);
    String q = queues.of(queue);
    Map<String, ForPair> byQueue = byType.get(t);
    if (byQueue == null) {
      byQueue = byType.computeIfAbsent(t, k -> new ConcurrentHashMap<>());
    }
    ForPair meters = byQueue.get(q);
    if (meters == null) {
      meters = byQueue.computeIfAbsent(q, k -> new ForPair(t, k));
    }
    return meters;
  }

  /** The queue names tagged as themselves, shared with the gauges so both fold the same ones. */
  BoundedValues queues() {
    return queues;
  }

  /** How a run's outcome is named in the {@code outcome} tag of {@value BatonMetrics#EXECUTION}. */
  enum Outcome {
    SUCCEEDED,
    FAILED,
    RETRIED,
    POSTPONED,
    DELETED,
    RELEASED,
    LOST;

    final String tag = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The meters of one (type, queue) pair; several raw pairs may share the folded one's meters. */
  final class ForPair {
    final Counter enqueued;
    final Counter succeeded;
    final Counter failed;
    final Counter retried;
    final Counter deleted;
    final Timer queueWait;
    private final Tags tags;
    private final AtomicReferenceArray<Timer> execution =
        new AtomicReferenceArray<>(Outcome.values().length);

    private ForPair(String type, String queue) {
      this.tags = common.and(BatonMetrics.TAG_TYPE, type, BatonMetrics.TAG_QUEUE, queue);
      this.enqueued = counter(BatonMetrics.ENQUEUED, "jobs created through a client");
      this.succeeded = counter(BatonMetrics.SUCCEEDED, "runs that succeeded");
      this.failed = counter(BatonMetrics.FAILED, "jobs that failed for good");
      this.retried = counter(BatonMetrics.RETRIED, "failed runs scheduled to run again");
      this.deleted = counter(BatonMetrics.DELETED, "jobs deleted");
      this.queueWait =
          timer(BatonMetrics.QUEUE_WAIT, tags, "from a job's creation to its first start");
    }

    /** The execution timer of runs that ended as {@code outcome} (built on first use). */
    Timer execution(Outcome outcome) {
      Timer t = execution.get(outcome.ordinal());
      if (t == null) {
        // A race registers the same meter twice; the registry hands back the one it keeps.
        t =
            timer(
                BatonMetrics.EXECUTION,
                tags.and(BatonMetrics.TAG_OUTCOME, outcome.tag),
                "a run's handler time");
        execution.set(outcome.ordinal(), t);
      }
      return t;
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name).tags(tags).description(description).register(registry);
    }

    private Timer timer(String name, Tags tags, String description) {
      Timer.Builder b = Timer.builder(name).tags(tags).description(description);
      if (histograms) {
        // Jobs run far longer than requests: buckets up to an hour, not Micrometer's 30 s.
        b.publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(1));
      }
      return b.register(registry);
    }
  }
}
