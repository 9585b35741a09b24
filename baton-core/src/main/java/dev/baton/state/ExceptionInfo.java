package dev.baton.state;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A failure as stored with a job: exception type, message and stack trace, as text. */
public record ExceptionInfo(String type, String message, String stackTrace) {
  /** Longest stack trace kept, so one pathological exception cannot bloat a job row. */
  public static final int MAX_STACK_TRACE_CHARS = 16_384;

  public ExceptionInfo {
    if (stackTrace != null && stackTrace.length() > MAX_STACK_TRACE_CHARS) {
      stackTrace = stackTrace.substring(0, MAX_STACK_TRACE_CHARS) + "\n\t... (truncated)";
    }
  }

  public static ExceptionInfo of(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return new ExceptionInfo(t.getClass().getName(), t.getMessage(), out.toString());
  }
}
