package dev.baton.tck.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.job.JobId;
import dev.baton.recurring.MisfirePolicy;
import dev.baton.recurring.OverlapPolicy;
import dev.baton.recurring.RecurringJob;
import dev.baton.recurring.RecurringJobs;
import dev.baton.recurring.RecurringOptions;
import dev.baton.recurring.RecurringPlugin;
import dev.baton.state.JobState;
import dev.baton.storage.JobMonitor;
import dev.baton.storage.JobQuery;
import dev.baton.storage.JobStorage;
import dev.baton.storage.RecurringRecord;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several servers' recurring plugins on one data set, each with its own storage client, as separate
 * processes would run them: every occurrence is fired by exactly one of them.
 */
public abstract class RecurringClusterSuite extends TckSuite {
  private static final int SERVERS = 3;
  private static final int OCCURRENCES = 3;

  private final List<TestPluginContext> contexts = new ArrayList<>();
  private final List<RecurringPlugin> plugins = new ArrayList<>();

  @AfterEach
  void stopPlugins() {
    plugins.forEach(RecurringPlugin::stop);
    contexts.forEach(TestPluginContext::close);
  }

  @Test
  void everyOccurrenceIsCreatedExactlyOnceAcrossServers() {
    for (int i = 0; i < SERVERS; i++) {
      JobStorage client = i == 0 ? storage() : fixture().newStorage();
      contexts.add(new TestPluginContext(client, "tck-recurring-" + i));
      plugins.add(
          new RecurringPlugin(Duration.ofMillis(100), RecurringPlugin.DEFAULT_MISFIRE_THRESHOLD));
    }
    RecurringJobs recurring = new RecurringJobs(storage(), contexts.get(0).specs());
    // FIRE_ALL, so that a server slowed down by the machine still fires each second on its own;
    // ALLOW, since no worker runs the jobs here.
    RecurringOptions options =
        RecurringOptions.builder()
            .misfire(MisfirePolicy.FIRE_ALL)
            .overlap(OverlapPolicy.ALLOW)
            .build();
    Instant first =
        recurring
            .addOrUpdate(
                "every-second",
                "* * * * * *",
                RecurringJobsSuite.REPORT,
                new RecurringJobsSuite.Report("tick"),
                options)
            .nextFireAt();

    for (int i = 0; i < SERVERS; i++) {
      plugins.get(i).start(contexts.get(i));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> createdByAll() >= OCCURRENCES);
    plugins.forEach(RecurringPlugin::stop);
    contexts.forEach(TestPluginContext::finishRunningTasks);

    Instant next = nextFire();
    List<JobId> expected = new ArrayList<>();
    for (Instant t = first; t.isBefore(next); t = t.plusSeconds(1)) {
      expected.add(RecurringJob.occurrenceId("every-second", t));
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(OCCURRENCES);
    for (JobId id : expected) {
      assertThat(storage().find(id)).as("job of an occurrence " + id).isPresent();
    }
    assertThat(createdByAll())
        .as("jobs created by all servers together: one per occurrence")
        .isEqualTo(expected.size());
    if (storage() instanceof JobMonitor monitor) {
      long jobs =
          monitor
              .findJobs(
                  new JobQuery(JobState.ENQUEUED, null, RecurringJobsSuite.REPORT.name(), 0, 1000))
              .total();
      assertThat(jobs).isEqualTo(expected.size());
    }
  }

  private long createdByAll() {
    return plugins.stream().mapToLong(RecurringPlugin::createdCount).sum();
  }

  private Instant nextFire() {
    return storage().recurringJobs().stream()
        .map(RecurringRecord::nextFireAt)
        .findFirst()
        .orElseThrow();
  }
}
