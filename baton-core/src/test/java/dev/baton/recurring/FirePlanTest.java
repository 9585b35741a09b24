package dev.baton.recurring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirePlanTest {
  private static final Duration THRESHOLD = Duration.ofMinutes(1);
  private static final CronSchedule EVERY_MINUTE =
      CronSchedule.parse("job", "* * * * *", ZoneOffset.UTC);

  private static Instant t(String time) {
    return Instant.parse("2026-01-01T" + time + "Z");
  }

  private static FirePlan plan(MisfirePolicy policy, Instant nextFireAt, Instant now) {
    return FirePlan.compute(EVERY_MINUTE, policy, nextFireAt, now, THRESHOLD).orElseThrow();
  }

  @Test
  void notDueYieldsNoPlan() {
    assertThat(
            FirePlan.compute(
                EVERY_MINUTE, MisfirePolicy.FIRE_ONCE, t("10:01:00"), t("10:00:59.9"), THRESHOLD))
        .isEmpty();
  }

  @Test
  void onTimeEveryPolicyFiresTheOccurrence() {
    for (MisfirePolicy policy : MisfirePolicy.values()) {
      FirePlan p = plan(policy, t("10:01:00"), t("10:01:00.300"));
      assertThat(p.occurrences()).as(policy.name()).containsExactly(t("10:01:00"));
      assertThat(p.newNextFire()).isEqualTo(t("10:02:00"));
      assertThat(p.dropped()).isFalse();
    }
  }

  @Test
  void fireOnceFiresOneJobNamedAfterTheLatestMissedOccurrence() {
    FirePlan p = plan(MisfirePolicy.FIRE_ONCE, t("10:00:00"), t("10:10:30"));
    assertThat(p.occurrences()).containsExactly(t("10:10:00"));
    assertThat(p.newNextFire()).isEqualTo(t("10:11:00"));
    assertThat(p.dropped()).isTrue();
  }

  @Test
  void skipDropsMissedOccurrencesButFiresOneStillWithinTheThreshold() {
    FirePlan late = plan(MisfirePolicy.SKIP, t("10:00:00"), t("10:10:30"));
    assertThat(late.occurrences()).containsExactly(t("10:10:00")); // 30 s late: on time
    FirePlan tooLate = plan(MisfirePolicy.SKIP, t("10:00:00"), t("10:20:00"));
    assertThat(tooLate.occurrences()).containsExactly(t("10:20:00"));

    CronSchedule hourly = CronSchedule.parse("job", "0 * * * *", ZoneOffset.UTC);
    FirePlan skipped =
        FirePlan.compute(hourly, MisfirePolicy.SKIP, t("08:00:00"), t("10:05:00"), THRESHOLD)
            .orElseThrow();
    assertThat(skipped.occurrences()).isEmpty();
    assertThat(skipped.newNextFire()).isEqualTo(t("11:00:00"));
    assertThat(skipped.dropped()).isTrue();
  }

  @Test
  void fireAllFiresEachMissedOccurrenceOldestFirst() {
    FirePlan p = plan(MisfirePolicy.FIRE_ALL, t("10:00:00"), t("10:03:10"));
    assertThat(p.occurrences())
        .containsExactly(t("10:00:00"), t("10:01:00"), t("10:02:00"), t("10:03:00"));
    assertThat(p.newNextFire()).isEqualTo(t("10:04:00"));
    assertThat(p.dropped()).isFalse();
  }

  @Test
  void fireAllIsCappedAndKeepsTheMostRecentOccurrences() {
    FirePlan p = plan(MisfirePolicy.FIRE_ALL, t("00:00:00"), t("10:00:00"));
    List<Instant> o = p.occurrences();
    assertThat(o).hasSize(MisfirePolicy.FIRE_ALL_MAX);
    assertThat(o.get(o.size() - 1)).isEqualTo(t("10:00:00"));
    assertThat(o.get(0)).isEqualTo(t("10:00:00").minus(Duration.ofMinutes(o.size() - 1)));
    assertThat(p.dropped()).isTrue();
  }

  @Test
  void aStoredNextFireTimeOffTheScheduleStillCountsAsAnOccurrence() {
    // e.g. written by an older cron: 10:00:30 is not a minute boundary
    FirePlan p = plan(MisfirePolicy.FIRE_ALL, t("10:00:30"), t("10:01:05"));
    assertThat(p.occurrences()).containsExactly(t("10:00:30"), t("10:01:00"));
    FirePlan once = plan(MisfirePolicy.FIRE_ONCE, t("10:00:30"), t("10:00:40"));
    assertThat(once.occurrences()).containsExactly(t("10:00:30"));
    assertThat(once.newNextFire()).isEqualTo(t("10:01:00"));
  }
}
