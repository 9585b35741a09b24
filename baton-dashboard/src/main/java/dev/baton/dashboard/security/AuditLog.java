package dev.baton.dashboard.security;

import dev.baton.dashboard.http.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per state-changing action, on logger {@value #LOGGER}, e.g. {@code audit: admin
 * 'alice' from 127.0.0.1 requeue job 0190... (was FAILED)}. Route it to its own file to keep who
 * did what.
 */
public final class AuditLog {
  public static final String LOGGER = "dev.baton.dashboard.audit";

  private final Logger log = LoggerFactory.getLogger(LOGGER);

  /** Records that the caller of {@code call} did {@code action} (e.g. "requeue job 0190..."). */
  public void record(Call call, String action) {
    Principal p = call.principal();
    String from =
        call.request().remoteAddress() == null
            ? "?"
            : call.request().remoteAddress().getHostAddress();
    log.info("audit: {} '{}' from {} {}", p.role().label(), clean(p.name()), from, clean(action));
  }

  /** Control characters (a forged line break in a user name) are written as '?'. */
  private static String clean(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
