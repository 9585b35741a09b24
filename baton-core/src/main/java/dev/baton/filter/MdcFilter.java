package dev.baton.filter;

import org.slf4j.MDC;

/**
 * Puts the running job's id and type into the SLF4J {@link MDC} under {@value #JOB_ID} and {@value
 * #JOB_TYPE} while its handler (and the filters after this one) runs on the worker thread, and
 * restores what was there before when it returns or throws, so a log pattern such as {@code
 * %X{baton.jobId}} tags every line a job writes. Threads the handler starts itself do not inherit
 * the MDC. Not installed by default: add it with {@code BatonServer.builder(storage).filter(new
 * MdcFilter())}, first among your filters so theirs log with the id too.
 */
public final class MdcFilter implements JobFilter {
  /** The MDC key of the running job's id. */
  public static final String JOB_ID = "baton.jobId";

  /** The MDC key of the running job's type name. */
  public static final String JOB_TYPE = "baton.jobType";

  @Override
  public void aroundPerform(PerformContext context, PerformChain next) throws Exception {
    String outerId = MDC.get(JOB_ID);
    String outerType = MDC.get(JOB_TYPE);
    MDC.put(JOB_ID, context.spec().id().toString());
    MDC.put(JOB_TYPE, context.spec().type());
    try {
      next.proceed();
    } finally {
      restore(JOB_ID, outerId);
      restore(JOB_TYPE, outerType);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
