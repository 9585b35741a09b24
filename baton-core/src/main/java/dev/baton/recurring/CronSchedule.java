package dev.baton.recurring;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A parsed cron expression in a time zone. Five fields ({@code minute hour day-of-month month
 * day-of-week}, Unix crontab) fire at minute precision; six fields put seconds first ({@code second
 * minute hour day-of-month month day-of-week}, Spring style, {@code ?} allowed in a day field).
 *
 * <p>Daylight saving time is handled by cron-utils on zoned date-times: an occurrence whose local
 * time falls into a spring-forward gap is skipped that day; a local time repeated by a fall-back
 * overlap fires once (at its first instant), while sub-hourly schedules keep their real-time rhythm
 * through the repeated hour.
 */
public final class CronSchedule {
  private static final CronParser FIVE_FIELDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser SIX_FIELDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime executions;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime executions) {
    this.expression = expression;
    this.zone = zone;
    this.executions = executions;
  }

  /**
   * Parses {@code expression} for the recurring job {@code recurringId} (named in error messages).
   *
   * @throws IllegalArgumentException naming the recurring id, the expression and what is wrong,
   *     including an expression that can never fire (e.g. February 30)
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
    int fields = trimmed.split(" ").length;
    if (fields != 5 && fields != 6) {
      throw invalid(
          recurringId,
          expression,
          "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first),"
              + " got "
              + fields);
    }
    Cron cron;
    try {
      cron = (fields == 5 ? FIVE_FIELDS : SIX_FIELDS).parse(trimmed).validate();
    } catch (IllegalArgumentException e) {
      throw invalid(recurringId, expression, e.getMessage());
    }
    CronSchedule schedule = new CronSchedule(trimmed, zone, ExecutionTime.forCron(cron));
    if (schedule.nextAfter(Instant.EPOCH).isEmpty()) {
      throw invalid(recurringId, expression, "it never fires");
    }
    return schedule;
  }

  private static IllegalArgumentException invalid(String id, String expression, String problem) {
    return new IllegalArgumentException(
        "recurring job '" + id + "': invalid cron expression '" + expression + "': " + problem);
  }

  /** The first occurrence strictly after {@code time}, or empty if there is none. */
  public Optional<Instant> nextAfter(Instant time) {
    // Occurrences fall on whole seconds; cron-utils keeps the fraction of its input, so drop it.
    return executions.nextExecution(zoned(wholeSecond(time))).map(CronSchedule::instant);
  }

  /** The last occurrence at or before {@code time}, or empty if there is none. */
  public Optional<Instant> lastAtOrBefore(Instant time) {
    return lastBefore(wholeSecond(time).plusSeconds(1));
  }

  /** The last occurrence strictly before {@code time}, or empty if there is none. */
  public Optional<Instant> lastBefore(Instant time) {
    Instant whole = wholeSecond(time);
    Instant bound = whole.equals(time) ? whole : whole.plusSeconds(1);
    return executions.lastExecution(zoned(bound)).map(CronSchedule::instant);
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
