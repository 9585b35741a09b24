package dev.baton.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.job.JobId;
import dev.baton.json.JsonCodec;
import dev.baton.storage.JobSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobMetaTest {
  final JsonCodec json = new JsonCodec();
  final Instant created = Instant.parse("2026-12-08T10:00:00Z");

  JobSpec spec(String meta) {
    return new JobSpec(JobId.newId(), "t", "default", "{}", meta, 1, null, null, null, null);
  }

  @Test
  void aPlainJobIsReadyWhenCreatedAndKeepsItsEmptyMeta() {
    JobSpec plain = JobMeta.withSchedule(json, spec("{}"), null, null);
    assertThat(plain.metaJson()).isEqualTo("{}");
    assertThat(JobMeta.readyAt(json, plain, created)).isEqualTo(created);
    assertThat(JobMeta.readyAt(json, plain, null)).isNull();
  }

  @Test
  void aScheduledJobIsReadyAtItsTimeOrAfterItsDelay() {
    Instant at = created.plusSeconds(60);
    JobSpec timed = JobMeta.withSchedule(json, spec("{\"timeoutMs\":5}"), at, null);
    assertThat(JobMeta.readyAt(json, timed, created)).isEqualTo(at);
    assertThat(JobMeta.timeout(json, timed)).isEqualTo(Duration.ofMillis(5));
    assertThat(JobMeta.readyAt(json, timed, at.plusSeconds(1)))
        .as("scheduled for the past: ready when created")
        .isEqualTo(at.plusSeconds(1));
    JobSpec delayed = JobMeta.withSchedule(json, spec("{}"), null, Duration.ofSeconds(30));
    assertThat(JobMeta.readyAt(json, delayed, created)).isEqualTo(created.plusSeconds(30));
    assertThat(JobMeta.readyAt(json, spec("not json"), created)).isEqualTo(created);
  }

  @Test
  void headersAreKeptBesideTheCoresOwnEntries() {
    JobSpec delayed = JobMeta.withSchedule(json, spec("{}"), null, Duration.ofSeconds(30));
    JobSpec withHeaders =
        JobMeta.withHeaders(json, delayed, java.util.Map.of("traceparent", "00-abc-def-01"));
    assertThat(JobMeta.headers(json, withHeaders))
        .containsExactly(java.util.Map.entry("traceparent", "00-abc-def-01"));
    assertThat(JobMeta.readyAt(json, withHeaders, created)).isEqualTo(created.plusSeconds(30));
    assertThat(JobMeta.withHeaders(json, delayed, java.util.Map.of())).isSameAs(delayed);
    assertThat(JobMeta.headers(json, spec("{}"))).isEmpty();
    assertThat(JobMeta.headers(json, spec("{\"headers\":7}"))).isEmpty();
  }
}
