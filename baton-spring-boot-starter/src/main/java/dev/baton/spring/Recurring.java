package dev.baton.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method as a Baton recurring job: fired once per occurrence across every instance of
 * the application, with Baton's retries, history and dashboard. The method takes no parameters or
 * one {@link dev.baton.job.JobContext}; throwing fails the run (and retries it).
 *
 * <pre>{@code
 * @Recurring(id = "nightly-report", cron = "0 2 * * *", zone = "Europe/Paris")
 * void nightlyReport(JobContext ctx) { ... }
 * }</pre>
 *
 * The job type is {@code recurring.<id>} with no arguments. The definition is saved in the storage
 * when the application's Baton server starts, so only applications with {@code
 * baton.server.enabled=true} (the default) register and run it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Recurring {
  /** The recurring job's id, stable across deploys: {@code [A-Za-z0-9._:-]{1,100}}. */
  String id();

  /**
   * Cron expression: 5 fields (minutes), 6 (seconds first) or a nickname such as @daily; {@code
   * ${...}} placeholders are resolved from the environment ({@code "${reports.cron:0 2 * * *}"}).
   */
  String cron();

  /** Time zone the cron expression is read in; may be a {@code ${...}} placeholder. */
  String zone() default "UTC";
}
