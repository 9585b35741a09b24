package dev.baton.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static CronSchedule utc(String cron) {
    return CronSchedule.parse("job", cron, ZoneOffset.UTC);
  }

  @Test
  void fiveFieldsFireAtMinutePrecision() {
    CronSchedule s = utc("*/15 * * * *");
    assertThat(s.nextAfter(Instant.parse("2026-01-01T10:07:31.250Z")))
        .contains(Instant.parse("2026-01-01T10:15:00Z"));
    assertThat(s.nextAfter(Instant.parse("2026-01-01T10:15:00Z")))
        .as("strictly after")
        .contains(Instant.parse("2026-01-01T10:30:00Z"));
  }

  @Test
  void sixFieldsPutSecondsFirst() {
    CronSchedule s = utc("*/10 * * * * *");
    assertThat(s.nextAfter(Instant.parse("2026-01-01T10:00:00.500Z")))
        .contains(Instant.parse("2026-01-01T10:00:10Z"));
    assertThat(utc("30 0 12 * * ?").nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T12:00:30Z"));
  }

  @Test
  void occurrencesFallOnWholeSecondsWhateverTheFractionOfTheInput() {
    CronSchedule s = utc("* * * * * *");
    Instant t = Instant.parse("2026-01-01T10:00:00.307566823Z");
    assertThat(s.nextAfter(t)).contains(Instant.parse("2026-01-01T10:00:01Z"));
    assertThat(s.lastAtOrBefore(t)).contains(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(s.lastBefore(t)).contains(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(s.lastBefore(Instant.parse("2026-01-01T10:00:00Z")))
        .contains(Instant.parse("2026-01-01T09:59:59Z"));
  }

  @Test
  void lastAtOrBeforeIncludesTheInstantItself() {
    CronSchedule s = utc("*/10 * * * * *");
    assertThat(s.lastAtOrBefore(Instant.parse("2026-01-01T10:00:10Z")))
        .contains(Instant.parse("2026-01-01T10:00:10Z"));
    assertThat(s.lastAtOrBefore(Instant.parse("2026-01-01T10:00:19.999Z")))
        .contains(Instant.parse("2026-01-01T10:00:10Z"));
    assertThat(s.lastBefore(Instant.parse("2026-01-01T10:00:10Z")))
        .contains(Instant.parse("2026-01-01T10:00:00Z"));
  }

  @Test
  void weekdaysAndTimeZones() {
    CronSchedule s = CronSchedule.parse("job", "0 9 * * MON-FRI", ZoneId.of("Europe/Paris"));
    // Saturday 2026-01-03 -> Monday 2026-01-05 09:00 Paris = 08:00 UTC
    assertThat(s.nextAfter(Instant.parse("2026-01-03T12:00:00Z")))
        .contains(Instant.parse("2026-01-05T08:00:00Z"));
  }

  @Test
  void invalidExpressionsNameTheJobTheExpressionAndTheProblem() {
    assertThatThrownBy(() -> CronSchedule.parse("nightly", "61 * * * *", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nightly'")
        .hasMessageContaining("'61 * * * *'")
        .hasMessageContaining("field minute ('61')")
        .hasMessageContaining("61 not in range");
    assertThatThrownBy(() -> CronSchedule.parse("nightly", "* * *", ZoneOffset.UTC))
        .hasMessageContaining("'nightly'")
        .hasMessageContaining("expected 5 fields")
        .hasMessageContaining("got 3");
    assertThatThrownBy(() -> CronSchedule.parse("nightly", "0 0 0 0 * * *", ZoneOffset.UTC))
        .hasMessageContaining("got 7 fields");
    assertThatThrownBy(() -> CronSchedule.parse("nightly", "a b c d e", ZoneOffset.UTC))
        .hasMessageContaining("'a b c d e'")
        .hasMessageContaining("Invalid chars");
    assertThatThrownBy(() -> CronSchedule.parse("nightly", " ", ZoneOffset.UTC))
        .hasMessageContaining("'nightly'")
        .hasMessageContaining("missing");
  }

  @Test
  void anExpressionThatNeverFiresIsRejected() {
    assertThatThrownBy(() -> CronSchedule.parse("leap", "0 0 30 2 *", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'leap'")
        .hasMessageContaining("never fires");
  }

  @Test
  void springForwardGapSkipsThatDaysOccurrence() {
    // 2026-03-08: New York clocks jump from 02:00 to 03:00; 02:30 does not exist that day.
    CronSchedule s = CronSchedule.parse("job", "30 2 * * *", NEW_YORK);
    Instant mar7 = s.nextAfter(Instant.parse("2026-03-07T00:00:00Z")).orElseThrow();
    assertThat(mar7).isEqualTo(Instant.parse("2026-03-07T07:30:00Z")); // EST, UTC-5
    assertThat(s.nextAfter(mar7)).contains(Instant.parse("2026-03-09T06:30:00Z")); // EDT, UTC-4
  }

  @Test
  void fallBackOverlapFiresADailyJobOnce() {
    // 2026-11-01: New York clocks go from 02:00 EDT back to 01:00 EST; 01:30 happens twice.
    CronSchedule s = CronSchedule.parse("job", "30 1 * * *", NEW_YORK);
    Instant first = s.nextAfter(Instant.parse("2026-11-01T00:00:00Z")).orElseThrow();
    assertThat(first).isEqualTo(Instant.parse("2026-11-01T05:30:00Z")); // 01:30 EDT
    assertThat(s.nextAfter(first)).contains(Instant.parse("2026-11-02T06:30:00Z")); // next day
  }

  @Test
  void fallBackOverlapKeepsTheRhythmOfSubHourlyJobs() {
    CronSchedule s = CronSchedule.parse("job", "*/30 * * * *", NEW_YORK);
    Instant t = Instant.parse("2026-11-01T04:45:00Z"); // 00:45 EDT
    Instant[] expected = {
      Instant.parse("2026-11-01T05:00:00Z"), // 01:00 EDT
      Instant.parse("2026-11-01T05:30:00Z"), // 01:30 EDT
      Instant.parse("2026-11-01T06:00:00Z"), // 01:00 EST
      Instant.parse("2026-11-01T06:30:00Z"), // 01:30 EST
      Instant.parse("2026-11-01T07:00:00Z"), // 02:00 EST
    };
    for (Instant e : expected) {
      t = s.nextAfter(t).orElseThrow();
      assertThat(t).isEqualTo(e);
    }
  }

  private static Instant at(String time) {
    return Instant.parse(time);
  }

  @Test
  void lastDayOfMonthAndNearestWeekday() {
    // 2026-01-01 is a Thursday.
    assertThat(utc("0 0 L * *").nextAfter(at("2026-02-03T00:00:00Z")))
        .contains(at("2026-02-28T00:00:00Z"));
    // The 17th of January 2026 is a Saturday: its nearest weekday is Friday the 16th.
    assertThat(utc("0 0 17W * *").nextAfter(at("2026-01-01T00:00:00Z")))
        .contains(at("2026-01-16T00:00:00Z"));
    // The last weekday of May 2026: Sunday the 31st, so Friday the 29th.
    assertThat(utc("0 0 LW * *").nextAfter(at("2026-05-01T00:00:00Z")))
        .contains(at("2026-05-29T00:00:00Z"));
  }

  @Test
  void nthAndLastWeekdayOfTheMonth() {
    assertThat(utc("0 9 * * 1#2").nextAfter(at("2026-01-01T00:00:00Z")))
        .as("the second Monday")
        .contains(at("2026-01-12T09:00:00Z"));
    assertThat(utc("0 9 * * 5L").nextAfter(at("2026-01-01T00:00:00Z")))
        .as("the last Friday")
        .contains(at("2026-01-30T09:00:00Z"));
    assertThat(utc("0 0 9 ? * MON#1").nextAfter(at("2026-02-01T00:00:00Z")))
        .as("six fields: the first Monday of February")
        .contains(at("2026-02-02T09:00:00Z"));
  }

  @Test
  void sundayIsZeroOrSevenInBothForms() {
    Instant thursday = at("2026-01-01T00:00:00Z");
    Instant sunday = at("2026-01-04T00:00:00Z");
    assertThat(utc("0 0 * * 0").nextAfter(thursday)).contains(sunday);
    assertThat(utc("0 0 * * 7").nextAfter(thursday)).contains(sunday);
    assertThat(utc("0 0 0 * * 0").nextAfter(thursday)).contains(sunday);
    assertThat(utc("0 0 0 * * 1").nextAfter(thursday)).contains(at("2026-01-05T00:00:00Z"));
  }

  @Test
  void nicknamesStandForTheirFiveFieldExpressions() {
    Instant t = at("2026-03-15T10:30:00Z");
    assertThat(utc("@hourly").nextAfter(t)).contains(at("2026-03-15T11:00:00Z"));
    assertThat(utc("@daily").nextAfter(t)).contains(at("2026-03-16T00:00:00Z"));
    assertThat(utc("@midnight").nextAfter(t)).contains(at("2026-03-16T00:00:00Z"));
    assertThat(utc("@weekly").nextAfter(t)).contains(at("2026-03-22T00:00:00Z")); // Sunday
    assertThat(utc("@monthly").nextAfter(t)).contains(at("2026-04-01T00:00:00Z"));
    assertThat(utc("@yearly").nextAfter(t)).contains(at("2027-01-01T00:00:00Z"));
    assertThat(utc("@ANNUALLY").nextAfter(t)).contains(at("2027-01-01T00:00:00Z"));
    assertThat(utc("@daily").expression()).isEqualTo("@daily");
    assertThatThrownBy(() -> utc("@fortnightly"))
        .hasMessageContaining("'@fortnightly'")
        .hasMessageContaining("unknown nickname");
  }

  @Test
  void fiveFieldsMatchEitherDayFieldAsCrontabDoes() {
    CronSchedule s = utc("0 0 1 * MON");
    Instant t = at("2026-01-01T00:00:00Z"); // Thursday the 1st
    Instant[] expected = {
      at("2026-01-05T00:00:00Z"), // Monday
      at("2026-01-12T00:00:00Z"),
      at("2026-01-19T00:00:00Z"),
      at("2026-01-26T00:00:00Z"),
      at("2026-02-01T00:00:00Z"), // the 1st, a Sunday
      at("2026-02-02T00:00:00Z"),
    };
    for (Instant e : expected) {
      t = s.nextAfter(t).orElseThrow();
      assertThat(t).isEqualTo(e);
    }
    assertThat(s.lastBefore(at("2026-02-01T12:00:00Z"))).contains(at("2026-02-01T00:00:00Z"));
    assertThat(s.lastBefore(at("2026-02-01T00:00:00Z"))).contains(at("2026-01-26T00:00:00Z"));
  }

  @Test
  void sixFieldsMatchBothDayFieldsAsSpringDoes() {
    // The 1st of a month that is a Monday: June 2026.
    assertThat(utc("0 0 0 1 * MON").nextAfter(at("2026-01-01T00:00:00Z")))
        .contains(at("2026-06-01T00:00:00Z"));
  }

  @Test
  void aBadFieldIsNamed() {
    assertThatThrownBy(() -> utc("0 25 * * *"))
        .hasMessageContaining("field hour ('25')")
        .hasMessageContaining("not in range");
    assertThatThrownBy(() -> utc("0 0 * * 1#9")).hasMessageContaining("field day-of-week ('1#9')");
    assertThatThrownBy(() -> utc("0 0 1#2 * *")).hasMessageContaining("field day-of-month ('1#2')");
    assertThatThrownBy(() -> utc("0 0 * 13 *")).hasMessageContaining("field month ('13')");
    assertThatThrownBy(() -> utc("61 0 0 * * *")).hasMessageContaining("field second ('61')");
  }
}
