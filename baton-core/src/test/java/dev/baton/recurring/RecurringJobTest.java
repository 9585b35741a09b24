package dev.baton.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.baton.client.JobSpecFactory;
import dev.baton.concurrency.Permit;
import dev.baton.concurrency.Uniqueness;
import dev.baton.job.JobId;
import dev.baton.job.JobOptions;
import dev.baton.job.JobType;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RecurringJobTest {
  record Report(String kind, int days) {}

  private static final JobType<Report> REPORT =
      JobType.of("report", Report.class).withOptions(o -> o.queue("reports").mutex("db"));
  private final JsonCodec json = new JsonCodec();
  private final JobSpecFactory specs = new JobSpecFactory(json);

  private RecurringJob define(String id, OverlapPolicy overlap) {
    JobSpec spec =
        specs.build(JobId.newId(), REPORT, new Report("daily", 7), JobOptions.NONE, null, null);
    RecurringOptions options =
        RecurringOptions.builder()
            .zone(ZoneId.of("Europe/Paris"))
            .misfire(MisfirePolicy.FIRE_ALL)
            .overlap(overlap)
            .build();
    return RecurringJob.of(id, "0 2 * * *", options, spec);
  }

  @Test
  void overlapSkipHoldsAUniquenessKeyUntilFinish() {
    RecurringJob job = define("nightly", OverlapPolicy.SKIP);
    assertThat(job.template().unique())
        .isEqualTo(new Uniqueness("recurring:nightly", Uniqueness.Hold.UNTIL_FINISH, null));
    assertThat(job.template().concurrency().permits()).containsExactly(Permit.mutex("db"));
  }

  @Test
  void overlapQueueAddsAMutexAndAllowAddsNothing() {
    RecurringJob queued = define("nightly", OverlapPolicy.QUEUE);
    assertThat(queued.template().unique()).isNull();
    assertThat(queued.template().concurrency().permits())
        .containsExactly(Permit.mutex("db"), Permit.mutex("recurring:nightly"));
    RecurringJob allowed = define("nightly", OverlapPolicy.ALLOW);
    assertThat(allowed.template().unique()).isNull();
    assertThat(allowed.template().concurrency().permits()).containsExactly(Permit.mutex("db"));
  }

  @Test
  void definitionSurvivesAJsonRoundTrip() {
    RecurringJob job = define("nightly", OverlapPolicy.QUEUE);
    RecurringJob read = RecurringJob.fromJson(job.toJson());
    assertThat(read).isEqualTo(job);
    assertThat(read.schedule().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void definitionsAreStoredTheSameWhateverTheApplicationsJsonSettings() {
    JsonCodec snakeCase =
        new JsonCodec(
            JsonCodec.defaultMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    JobSpec spec =
        new JobSpecFactory(snakeCase)
            .build(JobId.newId(), REPORT, new Report("daily", 7), JobOptions.NONE, null, null);
    RecurringJob job = RecurringJob.of("r", "* * * * *", RecurringOptions.DEFAULTS, spec);
    assertThat(job.toJson()).contains("\"argsJson\"").contains("\"maxAttempts\"");
    assertThat(RecurringJob.fromJson(job.toJson())).isEqualTo(job);
    assertThat(
            snakeCase
                .tree(job.occurrence(Instant.EPOCH, snakeCase).spec().metaJson())
                .has("recurring"))
        .isTrue();
  }

  @Test
  void occurrenceJobsHaveDeterministicIdsAndNameTheirOccurrence() {
    RecurringJob job = define("nightly", OverlapPolicy.SKIP);
    Instant at = Instant.parse("2026-01-01T01:00:00Z");
    NewJob a = job.occurrence(at, json);
    NewJob b = job.occurrence(at, json);
    assertThat(a.spec().id())
        .isEqualTo(b.spec().id())
        .isEqualTo(JobId.nameBased("recurring:nightly:2026-01-01T01:00:00Z"))
        .isEqualTo(RecurringJob.occurrenceId("nightly", at));
    assertThat(job.occurrence(at.plusSeconds(86400), json).spec().id()).isNotEqualTo(a.spec().id());
    JsonNode meta = json.tree(a.spec().metaJson());
    assertThat(meta.get("recurring").asText()).isEqualTo("nightly");
    assertThat(meta.get("occurrence").asText()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(meta.has("retryBackoff")).as("the default backoff is not stored").isFalse();
    assertThat(a.spec().argsJson()).isEqualTo(json.write(new Report("daily", 7)));
    assertThat(a.spec().queue()).isEqualTo("reports");
    assertThat(job.triggered(json).spec().id()).isNotEqualTo(job.triggered(json).spec().id());
  }

  @Test
  void invalidIdsAndCronsAreRejectedWithTheirNames() {
    assertThatThrownBy(() -> define("bad id!", OverlapPolicy.SKIP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad id!'");
    JobSpec spec =
        specs.build(JobId.newId(), REPORT, new Report("x", 1), JobOptions.NONE, null, null);
    assertThatThrownBy(
            () -> RecurringJob.of("hourly", "0 25 * * *", RecurringOptions.DEFAULTS, spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'hourly'")
        .hasMessageContaining("'0 25 * * *'");
  }
}
