package dev.baton.recurring;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed cron expression in a time zone. Five fields ({@code minute hour day-of-month month
 * day-of-week}, Unix crontab) fire at minute precision; six fields put seconds first ({@code second
 * minute hour day-of-month month day-of-week}, Spring style). Both accept {@code ?} in a day field,
 * {@code L}, {@code W} and {@code LW} in day-of-month, {@code L} and {@code #} in day-of-week
 * ({@code 5L} the last Friday, {@code 1#2} the second Monday; Sunday is 0 or 7), and names ({@code
 * JAN}, {@code MON}); the nicknames {@code @yearly}, {@code @annually}, {@code @monthly},
 * {@code @weekly}, {@code @daily}, {@code @midnight} and {@code @hourly} stand for their five-field
 * expressions.
 *
 * <p>When both day fields are restricted, five fields fire on a day that matches either (as crontab
 * does: {@code 0 0 1 * MON} is the 1st and every Monday), six fields on a day that matches both (as
 * Spring does).
 *
 * <p>Daylight saving time is handled by cron-utils on zoned date-times: an occurrence whose local
 * time falls into a spring-forward gap is skipped that day; a local time repeated by a fall-back
 * overlap fires once (at its first instant), while sub-hourly schedules keep their real-time rhythm
 * through the repeated hour.
 */
public final class CronSchedule {
  private static final CronParser FIVE_FIELDS = new CronParser(definition(false));
  private static final CronParser SIX_FIELDS = new CronParser(definition(true));

  private static final List<String> FIVE_NAMES =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");
  private static final List<String> SIX_NAMES =
      List.of("second", "minute", "hour", "day-of-month", "month", "day-of-week");

  private static final Map<String, String> NICKNAMES =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private final String expression;
  private final ZoneId zone;

  /** One schedule, or two whose union is the crontab meaning of "either day field matches". */
  private final List<ExecutionTime> executions;

  private CronSchedule(String expression, ZoneId zone, List<ExecutionTime> executions) {
    this.expression = expression;
    this.zone = zone;
    this.executions = executions;
  }

  /** Unix-style day-of-week numbering (0-7, Sunday 0 or 7) in both forms, as crontab and Spring. */
  private static CronDefinition definition(boolean seconds) {
    CronDefinitionBuilder b = CronDefinitionBuilder.defineCron();
    if (seconds) {
      b = b.withSeconds().and();
    }
    return b.withMinutes()
        .and()
        .withHours()
        .and()
        .withDayOfMonth()
        .supportsL()
        .supportsW()
        .supportsLW()
        .supportsQuestionMark()
        .and()
        .withMonth()
        .and()
        .withDayOfWeek()
        .withValidRange(0, 7)
        .withMondayDoWValue(1)
        .withIntMapping(7, 0)
        .supportsL()
        .supportsHash()
        .supportsQuestionMark()
        .and()
        .instance();
  }

  /**
   * Parses {@code expression} for the recurring job {@code recurringId} (named in error messages).
   *
   * @throws IllegalArgumentException naming the recurring id, the expression, the field that is
   *     wrong and what is wrong with it, including an expression that can never fire (e.g. February
   *     30)
   */
  public static CronSchedule parse(String recurringId, String expression, ZoneId zone) {
    if (zone == null) {
      throw new IllegalArgumentException("recurring job '" + recurringId + "': zone is missing");
    }
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException(
          "recurring job '" + recurringId + "': cron expression is missing");
    }
    String trimmed = expression.trim().replaceAll("\\s+", " ");
    String fieldsText = expand(recurringId, expression, trimmed);
    String[] fields = fieldsText.split(" ");
    if (fields.length != 5 && fields.length != 6) {
      throw invalid(
          recurringId,
          expression,
          "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first),"
              + " or a nickname such as @daily, got "
              + fields.length
              + " fields");
    }
    boolean six = fields.length == 6;
    CronParser parser = six ? SIX_FIELDS : FIVE_FIELDS;
    List<ExecutionTime> executions = new ArrayList<>();
    int dom = fields.length - 3;
    int dow = fields.length - 1;
    if (!six && restricted(fields[dom]) && restricted(fields[dow])) {
      // Crontab: a day matching either field. The union of "day-of-month only" and "day-of-week
      // only" is exactly that.
      executions.add(execution(parser, recurringId, expression, with(fields, dow, "*")));
      executions.add(execution(parser, recurringId, expression, with(fields, dom, "*")));
    } else {
      executions.add(execution(parser, recurringId, expression, fields));
    }
    CronSchedule schedule = new CronSchedule(trimmed, zone, List.copyOf(executions));
    if (schedule.nextAfter(Instant.EPOCH).isEmpty()) {
      throw invalid(recurringId, expression, "it never fires");
    }
    return schedule;
  }

  private static String expand(String id, String expression, String trimmed) {
    if (!trimmed.startsWith("@")) {
      return trimmed;
    }
    String fields = NICKNAMES.get(trimmed.toLowerCase(Locale.ROOT));
    if (fields == null) {
      throw invalid(
          id,
          expression,
          "unknown nickname, expected one of @yearly, @annually, @monthly, @weekly, @daily,"
              + " @midnight, @hourly");
    }
    return fields;
  }

  private static boolean restricted(String dayField) {
    return !dayField.equals("*") && !dayField.equals("?");
  }

  private static String[] with(String[] fields, int index, String value) {
    String[] copy = fields.clone();
    copy[index] = value;
    return copy;
  }

  private static ExecutionTime execution(
      CronParser parser, String id, String expression, String[] fields) {
    try {
      Cron cron = parser.parse(String.join(" ", fields)).validate();
      return ExecutionTime.forCron(cron);
    } catch (IllegalArgumentException e) {
      throw invalid(id, expression, wrongField(parser, fields) + e.getMessage());
    }
  }

  /**
   * "field day-of-week ('1#9'): " for the first field that fails on its own (the others set to
   * {@code *}), or nothing if only their combination is wrong.
   */
  private static String wrongField(CronParser parser, String[] fields) {
    List<String> names = fields.length == 6 ? SIX_NAMES : FIVE_NAMES;
    for (int i = 0; i < fields.length; i++) {
      String[] alone = new String[fields.length];
      Arrays.fill(alone, "*");
      alone[i] = fields[i];
      try {
        parser.parse(String.join(" ", alone)).validate();
      } catch (IllegalArgumentException e) {
        return "field " + names.get(i) + " ('" + fields[i] + "'): ";
      }
    }
    return "";
  }

  private static IllegalArgumentException invalid(String id, String expression, String problem) {
    return new IllegalArgumentException(
        "recurring job '" + id + "': invalid cron expression '" + expression + "': " + problem);
  }

  /** The first occurrence strictly after {@code time}, or empty if there is none. */
  public Optional<Instant> nextAfter(Instant time) {
    // Occurrences fall on whole seconds; cron-utils keeps the fraction of its input, so drop it.
    ZonedDateTime from = zoned(wholeSecond(time));
    return executions.stream()
        .map(e -> e.nextExecution(from))
        .flatMap(Optional::stream)
        .map(CronSchedule::instant)
        .min(Comparator.naturalOrder());
  }

  /** The last occurrence at or before {@code time}, or empty if there is none. */
  public Optional<Instant> lastAtOrBefore(Instant time) {
    return lastBefore(wholeSecond(time).plusSeconds(1));
  }

  /** The last occurrence strictly before {@code time}, or empty if there is none. */
  public Optional<Instant> lastBefore(Instant time) {
    Instant whole = wholeSecond(time);
    ZonedDateTime bound = zoned(whole.equals(time) ? whole : whole.plusSeconds(1));
    return executions.stream()
        .map(e -> e.lastExecution(bound))
        .flatMap(Optional::stream)
        .map(CronSchedule::instant)
        .max(Comparator.naturalOrder());
  }

  private static Instant wholeSecond(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant instant(ZonedDateTime time) {
    return wholeSecond(time.toInstant());
  }

  private ZonedDateTime zoned(Instant time) {
    return ZonedDateTime.ofInstant(time, zone);
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public String toString() {
    return "'" + expression + "' in " + zone;
  }
}
