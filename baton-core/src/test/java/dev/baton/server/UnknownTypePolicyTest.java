package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.stats.UnknownTypes;
import dev.baton.storage.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UnknownTypePolicyTest {
  static final Instant CREATED = Instant.parse("2026-12-07T10:00:00Z");

  final AtomicReference<Instant> now = new AtomicReference<>(CREATED);
  final UnknownTypes counts = new UnknownTypes();

  RunOutcome at(Duration age, Duration grace) {
    now.set(CREATED.plus(age));
    return new UnknownTypePolicy(grace, now::get, counts, () -> 0)
        .outcome("report.pdf", CREATED, "old-1", List.of("mail"));
  }

  @Test
  void withinTheGraceTheJobIsPutBackWithoutSpendingAnAttemptAfterAQuarterOfItsAge() {
    Duration grace = Duration.ofMinutes(10);
    RunOutcome young = at(Duration.ofMillis(300), grace);
    assertThat(young).isInstanceOf(RunOutcome.Retry.class);
    RunOutcome.Retry retry = (RunOutcome.Retry) young;
    assertThat(retry.spendsAttempt()).isFalse();
    assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(retry.reason())
        .startsWith(
            "no handler registered for job type 'report.pdf' on server old-1 (it handles [mail])")
        .contains("put back for a server that has one, again in 1s")
        .contains("it fails if none has taken it by 2026-12-07T10:10:00Z");
    assertThat(((RunOutcome.Retry) at(Duration.ofSeconds(40), grace)).delay())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(((RunOutcome.Retry) at(Duration.ofMinutes(9), grace)).delay())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theDelayIsStretchedByUpToHalfSoTheServerThatPutItBackDoesNotWinItInLockstep() {
    now.set(CREATED.plus(Duration.ofSeconds(40)));
    RunOutcome.Retry most =
        (RunOutcome.Retry)
            new UnknownTypePolicy(Duration.ofMinutes(10), now::get, counts, () -> 0.999)
                .outcome("report.pdf", CREATED, "old-1", List.of("mail"));
    assertThat(most.delay()).isEqualTo(Duration.ofMillis(14_995));
    RunOutcome.Retry half =
        (RunOutcome.Retry)
            new UnknownTypePolicy(Duration.ofMinutes(10), now::get, counts, () -> 0.5)
                .outcome("report.pdf", CREATED, "old-1", List.of("mail"));
    assertThat(half.delay()).isEqualTo(Duration.ofMillis(12_500));
    assertThat(half.reason()).contains("again in 12s");
  }

  @Test
  void pastTheGraceOrWithNoneTheJobFailsAndSaysWhatToDo() {
    RunOutcome late = at(Duration.ofMinutes(10), Duration.ofMinutes(10));
    assertThat(late).isInstanceOf(RunOutcome.Failed.class);
    assertThat(late.reason())
        .contains("no server that has one took it within 10m of its creation")
        .endsWith("register it and requeue the job");
    RunOutcome none = at(Duration.ZERO, Duration.ZERO);
    assertThat(none).isInstanceOf(RunOutcome.Failed.class);
    assertThat(none.reason())
        .isEqualTo(
            "no handler registered for job type 'report.pdf' on server old-1 (it handles [mail]);"
                + " register it and requeue the job");
    assertThat(
            new UnknownTypePolicy(Duration.ofMinutes(10), now::get, counts, () -> 0)
                .outcome("report.pdf", null, "old-1", List.of()))
        .as("an unknown creation time counts as past the grace")
        .isInstanceOf(RunOutcome.Failed.class);
  }

  @Test
  void everyRunIsCountedForTheServerEventsAndTheirDetailReadsBack() {
    at(Duration.ZERO, Duration.ofMinutes(1));
    at(Duration.ofSeconds(1), Duration.ofMinutes(1));
    at(Duration.ofMinutes(2), Duration.ofMinutes(1));
    Map<String, UnknownTypes.Counts> drained = counts.drain();
    assertThat(drained).containsExactly(Map.entry("report.pdf", new UnknownTypes.Counts(2, 1)));
    assertThat(counts.drain()).isEmpty();
    String detail = UnknownTypes.detail("a 'quoted' type", new UnknownTypes.Counts(1, 0));
    assertThat(detail)
        .isEqualTo(
            "job type 'a 'quoted' type' has no handler on this server: 1 run put back for a"
                + " server that has one, 0 jobs failed; register it");
    assertThat(UnknownTypes.parse(detail))
        .contains(Map.entry("a 'quoted' type", new UnknownTypes.Counts(1, 0)));
    assertThat(UnknownTypes.parse("stopped gracefully")).isEmpty();
  }

  @Test
  void theGraceIsCheckedWhenConfigured() {
    assertThat(BatonServerConfig.defaults().unknownTypeGrace()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> BatonServerConfig.builder().unknownTypeGrace(Duration.ofSeconds(-1)))
        .hasMessage("unknownTypeGrace must be zero (fail at once) or positive, got PT-1S");
  }
}
