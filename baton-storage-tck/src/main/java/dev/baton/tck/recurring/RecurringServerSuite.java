package dev.baton.tck.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.job.JobType;
import dev.baton.recurring.MisfirePolicy;
import dev.baton.recurring.OverlapPolicy;
import dev.baton.recurring.RecurringOptions;
import dev.baton.recurring.RecurringPlugin;
import dev.baton.tck.server.ServerSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Recurring jobs end to end: two real servers, each with the recurring plugin, fire an every-second
 * job whose run takes longer than a second; the overlap policy decides what happens.
 */
public abstract class RecurringServerSuite extends ServerSuite {
  /** Arguments of the suite's slow job. */
  public record Work(String name) {}

  static final JobType<Work> WORK = JobType.of("tck.recurring.work", Work.class);
  private static final Duration RUN_TIME = Duration.ofMillis(1500);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final List<RecurringPlugin> plugins = new ArrayList<>();

  private void startServers() {
    for (String id : List.of("recurring-a", "recurring-b")) {
      RecurringPlugin plugin =
          new RecurringPlugin(Duration.ofMillis(100), RecurringPlugin.DEFAULT_MISFIRE_THRESHOLD);
      plugins.add(plugin);
      startServer(
          fastConfig(id).build(),
          b ->
              b.plugin(plugin)
                  .handle(
                      WORK,
                      (args, ctx) -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                          Thread.sleep(RUN_TIME.toMillis());
                        } finally {
                          running.decrementAndGet();
                          finished.incrementAndGet();
                        }
                      }));
    }
  }

  private void everySecond(OverlapPolicy overlap) {
    client()
        .recurring()
        .addOrUpdate(
            "slow-every-second",
            "* * * * * *",
            WORK,
            new Work("w"),
            RecurringOptions.builder().overlap(overlap).misfire(MisfirePolicy.FIRE_ONCE).build());
  }

  private long skipped() {
    return plugins.stream().mapToLong(RecurringPlugin::skippedCount).sum();
  }

  private long created() {
    return plugins.stream().mapToLong(RecurringPlugin::createdCount).sum();
  }

  @Test
  void overlapSkipSkipsOccurrencesWhileARunIsActive() {
    startServers();
    everySecond(OverlapPolicy.SKIP);
    await().atMost(Duration.ofSeconds(15)).until(() -> finished.get() >= 2 && skipped() >= 1);
    assertThat(mostAtOnce.get()).as("runs at once").isEqualTo(1);
  }

  @Test
  void overlapQueueRunsEveryOccurrenceOneAfterAnother() {
    startServers();
    everySecond(OverlapPolicy.QUEUE);
    await().atMost(Duration.ofSeconds(15)).until(() -> finished.get() >= 2 && created() >= 3);
    assertThat(mostAtOnce.get()).as("runs at once").isEqualTo(1);
    assertThat(skipped()).isZero();
  }

  @Test
  void overlapAllowRunsOccurrencesSideBySide() {
    startServers();
    everySecond(OverlapPolicy.ALLOW);
    await().atMost(Duration.ofSeconds(15)).until(() -> mostAtOnce.get() >= 2);
    assertThat(skipped()).isZero();
  }
}
