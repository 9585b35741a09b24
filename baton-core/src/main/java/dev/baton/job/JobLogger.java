package dev.baton.job;

/**
 * Log lines stored with the job (and forwarded to SLF4J). Arguments use SLF4J's {@code {}}
 * placeholders.
 */
public interface JobLogger {
  void info(String message, Object... args);

  void warn(String message, Object... args);

  void error(String message, Object... args);
}
