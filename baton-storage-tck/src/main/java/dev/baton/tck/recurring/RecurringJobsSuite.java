package dev.baton.tck.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.BatonException;
import dev.baton.job.JobId;
import dev.baton.job.JobType;
import dev.baton.recurring.CronSchedule;
import dev.baton.recurring.MisfirePolicy;
import dev.baton.recurring.OverlapPolicy;
import dev.baton.recurring.RecurringJob;
import dev.baton.recurring.RecurringJobInfo;
import dev.baton.recurring.RecurringJobs;
import dev.baton.recurring.RecurringOptions;
import dev.baton.recurring.RecurringPlugin;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobStorage;
import dev.baton.storage.LeasedJob;
import dev.baton.storage.RecurringRecord;
import dev.baton.storage.RunOutcome;
import dev.baton.storage.ServerBeat;
import dev.baton.tck.StorageInterceptor;
import dev.baton.tck.TckSuite;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recurring jobs through the {@link RecurringJobs} API and one {@link RecurringPlugin}, on the SPI
 * alone: passes are run by hand ({@link RecurringPlugin#fireDue}), and "missed" occurrences are
 * made by storing a next fire time in the past, so no test waits for a clock.
 */
public abstract class RecurringJobsSuite extends TckSuite {
  /** Arguments of the suite's job type. */
  public record Report(String name) {}

  static final JobType<Report> REPORT = JobType.of("tck.recurring.report", Report.class);
  private static final String SERVER = "tck-recurring";

  private TestPluginContext context;
  private RecurringJobs recurring;
  private RecurringPlugin plugin;

  @BeforeEach
  void setUpPlugin() {
    context = new TestPluginContext(storage(), SERVER);
    recurring = new RecurringJobs(storage(), context.specs());
    // Misfire threshold of 1 s: an occurrence stored a day in the past is certainly missed.
    plugin = new RecurringPlugin(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @AfterEach
  void tearDownPlugin() {
    context.close();
  }

  /** One pass of the plugin, run by hand (the plugin is never started here). */
  private RecurringPlugin.Tick fireDue() {
    return plugin.fireDue(context);
  }

  private RecurringOptions options(MisfirePolicy misfire, OverlapPolicy overlap) {
    return RecurringOptions.builder().misfire(misfire).overlap(overlap).build();
  }

  /** Moves the stored next fire time of {@code id}, keeping everything else. */
  private void setNextFire(String id, Instant next) {
    RecurringRecord r = record(id);
    storage()
        .saveRecurring(
            new RecurringRecord(
                id, r.definitionJson(), next, r.paused(), r.lastFireAt(), r.lastJobId()));
  }

  private RecurringRecord record(String id) {
    return storage().recurringJobs().stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private Optional<JobState> stateOf(JobId id) {
    return storage().find(id).map(JobRecord::state);
  }

  private List<LeasedJob> claim(int max) {
    storage().heartbeat(new ServerBeat(SERVER, "tck", List.of("default"), max, List.of()));
    return storage().claim(SERVER, List.of("default"), max);
  }

  private void succeed(LeasedJob job) {
    assertThat(
            storage()
                .finish(job.lease(), null, new RunOutcome.Succeeded(Duration.ofMinutes(5), "done")))
        .isTrue();
  }

  // ------------------------------------------------------------------ the API

  @Test
  void addOrUpdateStoresTheDefinitionAndTheNextOccurrence() {
    Instant before = storage().now();
    RecurringJobInfo info = recurring.addOrUpdate("hourly", "0 * * * *", REPORT, new Report("h"));
    assertThat(info.nextFireAt()).isAfter(before);
    assertThat(info.nextFireAt()).isBeforeOrEqualTo(before.plus(Duration.ofHours(1)));
    assertThat(info.paused()).isFalse();
    assertThat(info.lastFireAt()).isNull();
    assertThat(info.definition().cron()).isEqualTo("0 * * * *");
    assertThat(info.definition().zone()).isEqualTo(RecurringOptions.DEFAULT_ZONE);
    assertThat(info.definition().misfire()).isEqualTo(MisfirePolicy.FIRE_ONCE);
    assertThat(info.definition().overlap()).isEqualTo(OverlapPolicy.SKIP);
    assertThat(recurring.list()).containsExactly(info);
    assertThat(recurring.find("hourly")).contains(info);
    assertThat(recurring.find("other")).isEmpty();
  }

  @Test
  void updatingTheArgumentsKeepsTheScheduleUpdatingTheCronRecomputesIt() {
    recurring.addOrUpdate("r", "0 0 1 1 *", REPORT, new Report("a"));
    Instant far = Instant.parse("2099-01-01T00:00:00Z");
    setNextFire("r", far);

    RecurringJobInfo sameCron = recurring.addOrUpdate("r", "0 0 1 1 *", REPORT, new Report("b"));
    assertThat(sameCron.nextFireAt()).isEqualTo(far);
    assertThat(sameCron.definition().template().argsJson()).contains("\"b\"");

    Instant now = storage().now();
    RecurringJobInfo newCron = recurring.addOrUpdate("r", "*/5 * * * *", REPORT, new Report("b"));
    assertThat(newCron.nextFireAt()).isAfter(now).isBefore(now.plus(Duration.ofMinutes(6)));
    assertThat(recurring.list()).hasSize(1);
  }

  @Test
  void removeDeletesTheDefinitionOnly() {
    recurring.addOrUpdate("r", "* * * * * *", REPORT, new Report("x"));
    CreateResult triggered = recurring.triggerNow("r").orElseThrow();
    assertThat(recurring.remove("r")).isTrue();
    assertThat(recurring.remove("r")).isFalse();
    assertThat(recurring.list()).isEmpty();
    assertThat(storage().find(triggered.id())).isPresent();
    assertThat(fireDue().created()).isZero();
  }

  @Test
  void triggerNowCreatesAJobOutsideTheSchedule() {
    RecurringJobInfo info = recurring.addOrUpdate("r", "0 0 1 1 *", REPORT, new Report("now"));
    CreateResult result = recurring.triggerNow("r").orElseThrow();
    assertThat(result.created()).isTrue();
    assertThat(result.state()).isEqualTo(JobState.ENQUEUED);
    JobRecord job = storage().find(result.id()).orElseThrow();
    assertThat(job.spec().type()).isEqualTo(REPORT.name());
    assertThat(job.spec().argsJson()).contains("\"now\"");
    JsonNode meta = context.specs().json().tree(job.spec().metaJson());
    assertThat(meta.get("recurring").asText()).isEqualTo("r");
    assertThat(record("r").nextFireAt()).isEqualTo(info.nextFireAt());
    assertThat(record("r").lastJobId()).isEqualTo(result.id());
    assertThat(recurring.find("r").orElseThrow().lastJobId()).isEqualTo(result.id());
    assertThat(recurring.triggerNow("unknown")).isEmpty();
  }

  // ------------------------------------------------------------------ pause and resume

  @Test
  void pauseStopsFiringAndResumeStartsFromNow() {
    recurring.addOrUpdate("r", "* * * * * *", REPORT, new Report("p"));
    assertThat(recurring.pause("r")).isTrue();
    Instant past = storage().now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
    setNextFire("r", past);

    assertThat(fireDue().created()).isZero();
    assertThat(fireDue().created()).isZero();
    assertThat(record("r").nextFireAt()).isEqualTo(past);
    assertThat(record("r").lastFireAt()).isNull();
    assertThat(recurring.find("r").orElseThrow().paused()).isTrue();

    Instant now = storage().now();
    assertThat(recurring.resume("r")).isTrue();
    RecurringJobInfo resumed = recurring.find("r").orElseThrow();
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.nextFireAt()).as("missed occurrences are not caught up").isAfter(now);
    assertThat(recurring.pause("unknown")).isFalse();
  }

  // ------------------------------------------------------------------ misfire policies

  /** Stores {@code id} as due since three days before the latest daily occurrence; returns it. */
  private Instant missThreeDays(String id, MisfirePolicy misfire) {
    recurring.addOrUpdate(
        id, "0 0 * * *", REPORT, new Report(id), options(misfire, OverlapPolicy.ALLOW));
    CronSchedule daily = CronSchedule.parse(id, "0 0 * * *", ZoneOffset.UTC);
    Instant latest = daily.lastAtOrBefore(storage().now()).orElseThrow();
    setNextFire(id, latest.minus(Duration.ofDays(3)));
    return latest;
  }

  @Test
  void fireOnceCreatesOneJobForAllMissedOccurrences() {
    Instant latest = missThreeDays("once", MisfirePolicy.FIRE_ONCE);
    RecurringPlugin.Tick tick = fireDue();
    assertThat(tick.created()).isEqualTo(1);
    JobId job = RecurringJob.occurrenceId("once", latest);
    assertThat(stateOf(job)).contains(JobState.ENQUEUED);
    for (int days = 1; days <= 3; days++) {
      assertThat(stateOf(RecurringJob.occurrenceId("once", latest.minus(Duration.ofDays(days)))))
          .isEmpty();
    }
    RecurringRecord after = record("once");
    assertThat(after.nextFireAt()).isEqualTo(latest.plus(Duration.ofDays(1)));
    assertThat(after.lastJobId()).isEqualTo(job);
    assertThat(fireDue().created()).as("nothing is due any more").isZero();
  }

  @Test
  void skipCreatesNothingForMissedOccurrences() {
    Instant latest = missThreeDays("skip", MisfirePolicy.SKIP);
    assertThat(fireDue().created()).isZero();
    assertThat(stateOf(RecurringJob.occurrenceId("skip", latest))).isEmpty();
    assertThat(record("skip").nextFireAt()).isEqualTo(latest.plus(Duration.ofDays(1)));
  }

  @Test
  void fireAllCreatesOneJobPerMissedOccurrence() {
    Instant latest = missThreeDays("all", MisfirePolicy.FIRE_ALL);
    assertThat(fireDue().created()).isEqualTo(4);
    for (int days = 0; days <= 3; days++) {
      assertThat(stateOf(RecurringJob.occurrenceId("all", latest.minus(Duration.ofDays(days)))))
          .contains(JobState.ENQUEUED);
    }
    assertThat(record("all").nextFireAt()).isEqualTo(latest.plus(Duration.ofDays(1)));
  }

  // ------------------------------------------------------------------ overlap policies

  /**
   * Stores {@code id} (every minute, FIRE_ALL) as due since two minutes before the latest
   * occurrence, so one pass fires at least three occurrences in order; returns the first.
   */
  private Instant dueThreeMinutes(String id, OverlapPolicy overlap) {
    recurring.addOrUpdate(
        id, "* * * * *", REPORT, new Report(id), options(MisfirePolicy.FIRE_ALL, overlap));
    CronSchedule everyMinute = CronSchedule.parse(id, "* * * * *", ZoneOffset.UTC);
    Instant first =
        everyMinute.lastAtOrBefore(storage().now()).orElseThrow().minus(Duration.ofMinutes(2));
    setNextFire(id, first);
    return first;
  }

  @Test
  void overlapSkipSkipsOccurrencesWhileThePreviousRunIsUnfinished() {
    Instant first = dueThreeMinutes("skip", OverlapPolicy.SKIP);
    Instant second = first.plus(Duration.ofMinutes(1));
    RecurringPlugin.Tick tick = fireDue();
    assertThat(tick.created()).isEqualTo(1);
    assertThat(tick.skipped()).isGreaterThanOrEqualTo(2);
    JobId firstJob = RecurringJob.occurrenceId("skip", first);
    assertThat(stateOf(firstJob)).contains(JobState.ENQUEUED);
    assertThat(stateOf(RecurringJob.occurrenceId("skip", second))).isEmpty();
    assertThat(record("skip").lastJobId()).isEqualTo(firstJob);

    // Still running: skipped again.
    List<LeasedJob> running = claim(5);
    assertThat(running).extracting(j -> j.lease().jobId()).containsExactly(firstJob);
    setNextFire("skip", second);
    assertThat(fireDue().created()).isZero();

    // Finished: the next occurrence runs.
    succeed(running.get(0));
    setNextFire("skip", second);
    assertThat(fireDue().created()).isEqualTo(1);
    assertThat(stateOf(RecurringJob.occurrenceId("skip", second))).contains(JobState.ENQUEUED);
    assertThat(plugin.skippedCount()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void overlapQueueRunsOccurrencesOneAtATime() {
    Instant first = dueThreeMinutes("queue", OverlapPolicy.QUEUE);
    RecurringPlugin.Tick tick = fireDue();
    assertThat(tick.created()).isGreaterThanOrEqualTo(3);
    assertThat(tick.skipped()).isZero();
    JobId firstJob = RecurringJob.occurrenceId("queue", first);
    JobId secondJob = RecurringJob.occurrenceId("queue", first.plus(Duration.ofMinutes(1)));

    List<LeasedJob> running = claim(10);
    assertThat(running).extracting(j -> j.lease().jobId()).containsExactly(firstJob);
    assertThat(stateOf(secondJob)).contains(JobState.BLOCKED);

    succeed(running.get(0));
    List<LeasedJob> next = claim(10);
    assertThat(next).extracting(j -> j.lease().jobId()).containsExactly(secondJob);
  }

  @Test
  void overlapAllowRunsOccurrencesSideBySide() {
    dueThreeMinutes("allow", OverlapPolicy.ALLOW);
    int created = fireDue().created();
    assertThat(created).isGreaterThanOrEqualTo(3);
    assertThat(claim(10)).hasSize(created);
  }

  // ------------------------------------------------------------------ failures

  @Test
  void aBrokenDefinitionDoesNotStopTheOthers() {
    Instant past = storage().now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    storage().saveRecurring(new RecurringRecord("broken", "{not json", past, false, null, null));
    recurring.addOrUpdate(
        "good",
        "* * * * * *",
        REPORT,
        new Report("g"),
        options(MisfirePolicy.FIRE_ONCE, OverlapPolicy.ALLOW));
    setNextFire("good", past);

    assertThat(fireDue().created()).isEqualTo(1);
    assertThat(record("broken").nextFireAt()).isEqualTo(past);
    assertThat(record("good").nextFireAt()).isAfter(past);
  }

  @Test
  void thePluginSurvivesStorageErrors() {
    AtomicInteger failures = new AtomicInteger();
    JobStorage failingFirst = failingFirstCalls(storage(), 3, failures);
    recurring.addOrUpdate(
        "r",
        "* * * * * *",
        REPORT,
        new Report("r"),
        options(MisfirePolicy.FIRE_ONCE, OverlapPolicy.ALLOW));
    Instant past = storage().now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
    setNextFire("r", past);

    try (TestPluginContext flaky = new TestPluginContext(failingFirst, SERVER + "-flaky")) {
      RecurringPlugin running = new RecurringPlugin(Duration.ofMillis(20), Duration.ofSeconds(1));
      running.start(flaky);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> running.createdCount() >= 1);
      } finally {
        running.stop();
      }
    }
    assertThat(failures.get()).isEqualTo(3);
    assertThat(record("r").nextFireAt()).isAfter(past);
  }

  /** {@code storage}, except that its first {@code count} reads of recurring jobs throw. */
  private static JobStorage failingFirstCalls(JobStorage storage, int count, AtomicInteger failed) {
    return StorageInterceptor.before(
        storage,
        "recurringJobs",
        args -> {
          if (failed.get() < count) {
            failed.incrementAndGet();
            throw new BatonException("injected failure: storage unreachable");
          }
        });
  }
}
